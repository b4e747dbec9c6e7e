package io.opensandbox.codeinterpreter;

import com.fasterxml.jackson.core.type.TypeReference;
import io.opensandbox.api.InvalidArgumentException;
import io.opensandbox.api.SandboxError;
import io.opensandbox.api.SandboxException;
import io.opensandbox.api.SandboxHandle;
import io.opensandbox.api.internal.ApiClient;
import io.opensandbox.api.internal.Urls;
import io.opensandbox.codeinterpreter.internal.Wire;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The code interpreter of one sandbox, through its execd endpoint: code contexts (stateful kernels) created, read,
 * listed and deleted, and interrupts of the code running in them. Thread-safe; cheap to create; holds no resources of
 * its own. Made with {@link #of(SandboxHandle)}; method names follow the official code-interpreter SDKs.
 *
 * <pre>{@code
 * CodeInterpreter interpreter = CodeInterpreter.of(sandbox);
 * CodeContext context = interpreter.createContext(SupportedLanguage.PYTHON, "/workspace");
 * List<CodeContext> python = interpreter.listContexts(SupportedLanguage.PYTHON);
 * interpreter.deleteContext(context.id());
 * }</pre>
 *
 * <p>The sandbox image must run execd with its Jupyter server (the official {@code opensandbox/code-interpreter}
 * image does); the testkit's local server emulates it for Python and Bash.
 */
public final class CodeInterpreter {
    private static final TypeReference<List<Wire.Context>> CONTEXT_LIST = new TypeReference<>() {};

    private final SandboxHandle handle;
    private volatile @Nullable ApiClient client;

    private CodeInterpreter(SandboxHandle handle) {
        this.handle = Objects.requireNonNull(handle, "handle");
    }

    /**
     * The code interpreter of a sandbox. The execd endpoint is resolved on the first call, not here.
     *
     * @param sandbox the sandbox, for example a {@code Sandbox}
     * @return the code interpreter
     */
    public static CodeInterpreter of(SandboxHandle sandbox) {
        return new CodeInterpreter(sandbox);
    }

    private ApiClient client() {
        ApiClient current = client;
        if (current == null) {
            current = ApiClient.forPort(handle, SandboxHandle.EXECD_PORT);
            client = current;
        }
        return current;
    }

    /**
     * Creates a context: a new kernel of the language, in the server's default working directory
     * ({@code POST /code/context}).
     *
     * @param language the language, for example {@link SupportedLanguage#PYTHON}
     * @return the new context
     * @throws InvalidArgumentException if the language is blank
     * @throws SandboxException if the call fails (execd answers 500 {@code RUNTIME_ERROR} for a language it has no
     *     kernel for)
     */
    public CodeContext createContext(String language) {
        return create(Checks.notBlank(language, "language"), null);
    }

    /**
     * Creates a context whose kernel runs in a working directory, which execd creates if it is missing
     * ({@code POST /code/context} with {@code cwd}).
     *
     * @param language the language, for example {@link SupportedLanguage#PYTHON}
     * @param cwd the working directory inside the sandbox
     * @return the new context, with its {@link CodeContext#cwd()}
     * @throws InvalidArgumentException if the language or the directory is blank
     * @throws SandboxException if the call fails
     */
    public CodeContext createContext(String language, String cwd) {
        return create(Checks.notBlank(language, "language"), Checks.notBlank(cwd, "cwd"));
    }

    private CodeContext create(String language, @Nullable String cwd) {
        Wire.Context created = client().call("POST", "/code/context")
                .json(new Wire.CreateContextRequest(language, cwd))
                .as(Wire.Context.class);
        String id = created.id();
        if (id == null || id.isEmpty()) {
            throw new SandboxException(
                    SandboxError.UNEXPECTED_RESPONSE, "POST /code/context answered without a context id");
        }
        String answeredLanguage = created.language();
        String answeredCwd = created.cwd();
        return CodeContext.of(
                id,
                answeredLanguage == null || answeredLanguage.isEmpty() ? language : answeredLanguage,
                answeredCwd == null || answeredCwd.isEmpty() ? cwd : answeredCwd);
    }

    /**
     * Reads a context ({@code GET /code/contexts/{id}}). execd does not report the working directory here.
     *
     * @param contextId the context id
     * @return the context
     * @throws InvalidArgumentException if the id is blank
     * @throws io.opensandbox.api.NotFoundException if execd has no such context ({@code CONTEXT_NOT_FOUND})
     * @throws SandboxException if the call fails
     */
    public CodeContext getContext(String contextId) {
        String id = Checks.notBlank(contextId, "context id");
        Wire.Context context =
                client().call("GET", "/code/contexts/" + Urls.segment(id)).as(Wire.Context.class);
        return toContext(context, id, null);
    }

    /**
     * Lists every context of every language ({@code GET /code/contexts}), the languages' default contexts included.
     *
     * @return the contexts, in the server's order
     * @throws SandboxException if the call fails
     */
    public List<CodeContext> listContexts() {
        return list(client().call("GET", "/code/contexts"));
    }

    /**
     * Lists the contexts of one language ({@code GET /code/contexts?language=}), its default context included.
     *
     * @param language the language
     * @return the contexts, in the server's order
     * @throws InvalidArgumentException if the language is blank
     * @throws SandboxException if the call fails
     */
    public List<CodeContext> listContexts(String language) {
        String checked = Checks.notBlank(language, "language");
        return list(client().call("GET", "/code/contexts" + Urls.query().add("language", checked)));
    }

    private static List<CodeContext> list(ApiClient.Call call) {
        List<Wire.Context> contexts = call.as(CONTEXT_LIST);
        List<CodeContext> out = new ArrayList<>();
        if (contexts != null) {
            for (Wire.Context context : contexts) {
                String id = context == null ? null : context.id();
                if (id != null && !id.isEmpty()) {
                    out.add(toContext(context, id, null));
                }
            }
        }
        return List.copyOf(out);
    }

    private static CodeContext toContext(Wire.Context context, String id, @Nullable String cwd) {
        String language = context.language();
        return CodeContext.of(id, language == null || language.isEmpty() ? "unknown" : language, cwd);
    }

    /**
     * Deletes a context and its kernel ({@code DELETE /code/contexts/{id}}).
     *
     * @param contextId the context id
     * @throws InvalidArgumentException if the id is blank
     * @throws io.opensandbox.api.NotFoundException if execd has no such context
     * @throws SandboxException if the call fails
     */
    public void deleteContext(String contextId) {
        String id = Checks.notBlank(contextId, "context id");
        client().call("DELETE", "/code/contexts/" + Urls.segment(id)).execute();
    }

    /**
     * Deletes every context of a language, its default context included ({@code DELETE /code/contexts?language=});
     * a language without contexts is not an error.
     *
     * @param language the language
     * @throws InvalidArgumentException if the language is blank
     * @throws SandboxException if the call fails
     */
    public void deleteContexts(String language) {
        String checked = Checks.notBlank(language, "language");
        client().call("DELETE", "/code/contexts" + Urls.query().add("language", checked))
                .execute();
    }

    /**
     * Interrupts the code running in a context ({@code DELETE /code?id=}), as Jupyter's interrupt does: the running
     * run ends with the kernel's error (for Python a {@code KeyboardInterrupt}) and the context keeps its state. An
     * idle context is left as it is.
     *
     * @param contextId the context id (also {@link CodeExecution#contextId()})
     * @throws InvalidArgumentException if the id is blank
     * @throws SandboxException if the call fails (execd answers 500 {@code RUNTIME_ERROR} for an unknown id)
     */
    public void interrupt(String contextId) {
        String id = Checks.notBlank(contextId, "context id");
        client().call("DELETE", "/code" + Urls.query().add("id", id)).execute();
    }
}
