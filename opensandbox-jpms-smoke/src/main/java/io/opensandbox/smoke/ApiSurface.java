package io.opensandbox.smoke;

import java.io.IOException;
import java.lang.module.ModuleReader;
import java.lang.module.ResolvedModule;
import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.lang.reflect.GenericArrayType;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.lang.reflect.TypeVariable;
import java.lang.reflect.WildcardType;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Checks, on the module path, that no exported signature of an SDK module names a type from outside the JDK and
 * the SDK: every public or protected member of every public type in an unqualified export.
 */
final class ApiSurface {
    private ApiSurface() {}

    static List<String> violations() throws IOException {
        List<String> problems = new ArrayList<>();
        for (Module module : ModuleLayer.boot().modules()) {
            if (!module.getName().startsWith("io.opensandbox.")
                    || module.getName().equals("io.opensandbox.smoke")) {
                continue;
            }
            for (String className : classes(module)) {
                Class<?> type;
                try {
                    type = Class.forName(module, className);
                } catch (LinkageError e) {
                    problems.add(className + ": " + e);
                    continue;
                }
                if (type == null || !isVisible(type) || !module.isExported(type.getPackageName())) {
                    continue;
                }
                check(type, problems);
            }
        }
        return problems;
    }

    private static boolean isVisible(Class<?> type) {
        for (Class<?> c = type; c != null; c = c.getDeclaringClass()) {
            if (!Modifier.isPublic(c.getModifiers())) {
                return false;
            }
        }
        return true;
    }

    private static Set<String> classes(Module module) throws IOException {
        ResolvedModule resolved =
                ModuleLayer.boot().configuration().findModule(module.getName()).orElseThrow();
        Set<String> names = new TreeSet<>();
        try (ModuleReader reader = resolved.reference().open()) {
            reader.list()
                    .filter(name -> name.endsWith(".class") && !name.equals("module-info.class"))
                    .forEach(name ->
                            names.add(name.substring(0, name.length() - 6).replace('/', '.')));
        }
        return names;
    }

    private static void check(Class<?> type, List<String> problems) {
        String where = type.getName();
        checkType(type.getGenericSuperclass(), where + " extends", problems);
        for (Type face : type.getGenericInterfaces()) {
            checkType(face, where + " implements", problems);
        }
        for (Method method : type.getDeclaredMethods()) {
            if (exposed(method.getModifiers()) && !method.isSynthetic()) {
                String at = where + "." + method.getName();
                checkType(method.getGenericReturnType(), at, problems);
                for (Type parameter : method.getGenericParameterTypes()) {
                    checkType(parameter, at, problems);
                }
                for (Type thrown : method.getGenericExceptionTypes()) {
                    checkType(thrown, at, problems);
                }
            }
        }
        for (Constructor<?> constructor : type.getDeclaredConstructors()) {
            if (exposed(constructor.getModifiers())) {
                for (Type parameter : constructor.getGenericParameterTypes()) {
                    checkType(parameter, where + ".<init>", problems);
                }
            }
        }
        for (Field field : type.getDeclaredFields()) {
            if (exposed(field.getModifiers())) {
                checkType(field.getGenericType(), where + "." + field.getName(), problems);
            }
        }
    }

    private static boolean exposed(int modifiers) {
        return Modifier.isPublic(modifiers) || Modifier.isProtected(modifiers);
    }

    private static void checkType(Type type, String where, List<String> problems) {
        if (type == null) {
            return;
        }
        if (type instanceof Class<?> c) {
            while (c.isArray()) {
                c = c.getComponentType();
            }
            if (c.isPrimitive()) {
                return;
            }
            String name = c.getName();
            if (!(name.startsWith("java.") || name.startsWith("io.opensandbox."))) {
                problems.add(where + " uses " + name);
            }
        } else if (type instanceof ParameterizedType p) {
            checkType(p.getRawType(), where, problems);
            for (Type argument : p.getActualTypeArguments()) {
                checkType(argument, where, problems);
            }
        } else if (type instanceof GenericArrayType g) {
            checkType(g.getGenericComponentType(), where, problems);
        } else if (type instanceof WildcardType w) {
            for (Type bound : w.getUpperBounds()) {
                checkType(bound, where, problems);
            }
            for (Type bound : w.getLowerBounds()) {
                checkType(bound, where, problems);
            }
        } else if (type instanceof TypeVariable<?> v) {
            for (Type bound : v.getBounds()) {
                if (bound != Object.class) {
                    checkType(bound, where, problems);
                }
            }
        }
    }
}
