package io.opensandbox.smoke;

import java.io.IOException;
import java.lang.module.ModuleReader;
import java.lang.module.ResolvedModule;
import java.lang.reflect.Constructor;
import java.lang.reflect.Executable;
import java.lang.reflect.Field;
import java.lang.reflect.GenericArrayType;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.lang.reflect.TypeVariable;
import java.lang.reflect.WildcardType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Checks, on the module path, that no exported signature of an SDK module names a type from outside the JDK and
 * the SDK: every public or protected member of every public or protected type in an unqualified export, with its
 * supertypes, type parameter bounds, record components, fields, constructor and method parameters, return types
 * and thrown types, down through type arguments, wildcard and type variable bounds. Annotations are not checked.
 *
 * <p>Run on its own (see {@link #main}) with every published SDK module resolved; the one exception to the rule is
 * {@code io.opensandbox.testkit}, whose JUnit 5 extension implements JUnit's callbacks and may name
 * {@code org.junit.*} types.
 */
public final class ApiSurface {
    private static final String SDK = "io.opensandbox.";
    private static final String SELF = "io.opensandbox.smoke";
    private static final List<String> ALLOWED = List.of("java.", SDK);
    private static final Map<String, List<String>> ALLOWED_BY_MODULE = Map.of(
            "io.opensandbox.testkit",
            List.of("java.", SDK, "org.junit."),
            // the transport compatibility kits are JUnit classes: JUnit and AssertJ are their own API
            "io.opensandbox.transport.tck",
            List.of("java.", SDK, "org.junit.", "org.assertj."));
    private static final Pattern ARTIFACT =
            Pattern.compile("<artifactId>\\s*opensandbox-([a-z0-9.-]+)\\s*</artifactId>");

    private ApiSurface() {}

    /**
     * Checks every SDK module in the boot layer, after checking that each artifact the BOM publishes has its module
     * there. Exits non-zero on any violation.
     *
     * @param args the path of the BOM's {@code pom.xml}
     * @throws IOException if the BOM or a module cannot be read
     */
    public static void main(String[] args) throws IOException {
        if (args.length != 1) {
            throw new IllegalArgumentException("usage: ApiSurface <path of opensandbox-bom/pom.xml>");
        }
        Set<String> problems = new LinkedHashSet<>();
        Set<String> checked = new TreeSet<>();
        for (String name : published(Path.of(args[0]))) {
            if (ModuleLayer.boot().findModule(name).isEmpty()) {
                problems.add("module " + name + " is published by the BOM but not on the check's module path"
                        + " (add its artifact to opensandbox-jpms-smoke's dependencies)");
            }
        }
        int types = violations(problems, checked);
        if (!problems.isEmpty()) {
            System.err.println("API surface check failed:");
            problems.forEach(problem -> System.err.println("  " + problem));
            System.exit(1);
        }
        System.out.println(
                "API surface check passed: " + types + " exported types in " + checked.size() + " modules " + checked);
    }

    /**
     * The module names of the SDK artifacts the BOM manages, {@code opensandbox-a-b} being {@code io.opensandbox.a.b}
     * (but {@code opensandbox-code-interpreter} being {@code io.opensandbox.codeinterpreter}); the Spring Boot starter,
     * a class-path artifact, is left out.
     */
    private static Set<String> published(Path bom) throws IOException {
        String text = Files.readString(bom, StandardCharsets.UTF_8);
        int managed = text.indexOf("<dependencyManagement>");
        if (managed < 0) {
            throw new IllegalStateException(bom + " has no <dependencyManagement>");
        }
        Set<String> names = new TreeSet<>();
        Matcher matcher = ARTIFACT.matcher(text.substring(managed));
        while (matcher.find()) {
            if (matcher.group(1).equals("spring-boot-starter")) {
                // Spring Boot auto-configuration for class-path applications (Spring Boot does not run on the module
                // path): an automatic module, io.opensandbox.spring.boot, with no module-info to check
                continue;
            }
            // opensandbox-code-interpreter is io.opensandbox.codeinterpreter (one word, like its package)
            names.add(SDK
                    + matcher.group(1)
                            .replace("code-interpreter", "codeinterpreter")
                            .replace('-', '.'));
        }
        if (names.isEmpty()) {
            throw new IllegalStateException(bom + " manages no opensandbox-* artifact");
        }
        return names;
    }

    private static int violations(Set<String> problems, Set<String> checked) throws IOException {
        int types = 0;
        for (Module module : ModuleLayer.boot().modules()) {
            String name = module.getName();
            if (!name.startsWith(SDK) || name.equals(SELF)) {
                continue;
            }
            checked.add(name);
            List<String> allowed = ALLOWED_BY_MODULE.getOrDefault(name, ALLOWED);
            for (String className : classes(module)) {
                try {
                    Class<?> type = Class.forName(module, className);
                    if (type == null || !isVisible(type) || !module.isExported(type.getPackageName())) {
                        continue;
                    }
                    types++;
                    new Checker(name, allowed, problems).check(type);
                } catch (LinkageError | TypeNotPresentException e) {
                    problems.add(name + ": " + className + ": " + e);
                }
            }
        }
        return types;
    }

    private static boolean isVisible(Class<?> type) {
        if (type.isAnonymousClass() || type.isLocalClass() || type.isSynthetic()) {
            return false;
        }
        for (Class<?> c = type; c != null; c = c.getDeclaringClass()) {
            if (c.getDeclaringClass() == null ? !Modifier.isPublic(c.getModifiers()) : !exposed(c.getModifiers())) {
                return false;
            }
        }
        return true;
    }

    private static boolean exposed(int modifiers) {
        return Modifier.isPublic(modifiers) || Modifier.isProtected(modifiers);
    }

    private static Set<String> classes(Module module) throws IOException {
        ResolvedModule resolved =
                ModuleLayer.boot().configuration().findModule(module.getName()).orElseThrow();
        Set<String> names = new TreeSet<>();
        try (ModuleReader reader = resolved.reference().open()) {
            reader.list()
                    .filter(name -> name.endsWith(".class")
                            && !name.equals("module-info.class")
                            && !name.startsWith("META-INF/"))
                    .forEach(name ->
                            names.add(name.substring(0, name.length() - 6).replace('/', '.')));
        }
        return names;
    }

    /** Checks one type's signatures, reporting as {@code module: member uses type}. */
    private static final class Checker {
        private final String module;
        private final List<String> allowed;
        private final Set<String> problems;
        private final Set<TypeVariable<?>> seen = new HashSet<>();

        Checker(String module, List<String> allowed, Set<String> problems) {
            this.module = module;
            this.allowed = allowed;
            this.problems = problems;
        }

        void check(Class<?> type) {
            String where = type.getName();
            for (TypeVariable<?> parameter : type.getTypeParameters()) {
                checkType(parameter, where + "<" + parameter.getName() + ">");
            }
            checkType(type.getGenericSuperclass(), where + " extends");
            for (Type face : type.getGenericInterfaces()) {
                checkType(face, where + " implements");
            }
            if (type.isRecord()) {
                for (RecordComponent component : type.getRecordComponents()) {
                    checkType(component.getGenericType(), where + " component " + component.getName());
                }
            }
            for (Method method : type.getDeclaredMethods()) {
                if (exposed(method.getModifiers()) && !method.isSynthetic()) {
                    String at = where + "." + method.getName() + "()";
                    checkExecutable(method, at);
                    checkType(method.getGenericReturnType(), at);
                }
            }
            for (Constructor<?> constructor : type.getDeclaredConstructors()) {
                if (exposed(constructor.getModifiers()) && !constructor.isSynthetic()) {
                    checkExecutable(constructor, where + ".<init>()");
                }
            }
            for (Field field : type.getDeclaredFields()) {
                if (exposed(field.getModifiers()) && !field.isSynthetic()) {
                    checkType(field.getGenericType(), where + "." + field.getName());
                }
            }
        }

        private void checkExecutable(Executable executable, String at) {
            for (TypeVariable<?> parameter : executable.getTypeParameters()) {
                checkType(parameter, at + " <" + parameter.getName() + ">");
            }
            for (Type parameter : executable.getGenericParameterTypes()) {
                checkType(parameter, at);
            }
            for (Type thrown : executable.getGenericExceptionTypes()) {
                checkType(thrown, at);
            }
        }

        private void checkType(Type type, String where) {
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
                if (allowed.stream().noneMatch(name::startsWith)) {
                    problems.add(module + ": " + where + " uses " + name);
                }
            } else if (type instanceof ParameterizedType p) {
                checkType(p.getOwnerType(), where);
                checkType(p.getRawType(), where);
                for (Type argument : p.getActualTypeArguments()) {
                    checkType(argument, where);
                }
            } else if (type instanceof GenericArrayType g) {
                checkType(g.getGenericComponentType(), where);
            } else if (type instanceof WildcardType w) {
                for (Type bound : w.getUpperBounds()) {
                    checkType(bound, where);
                }
                for (Type bound : w.getLowerBounds()) {
                    checkType(bound, where);
                }
            } else if (type instanceof TypeVariable<?> v && seen.add(v)) {
                for (Type bound : v.getBounds()) {
                    checkType(bound, where);
                }
            }
        }
    }
}
