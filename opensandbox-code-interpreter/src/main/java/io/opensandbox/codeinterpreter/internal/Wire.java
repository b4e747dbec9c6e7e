package io.opensandbox.codeinterpreter.internal;

import org.jspecify.annotations.Nullable;

/**
 * execd's code-interpreter bodies, field for field as execd's {@code model/codeinterpreting.go} reads and writes them
 * (snake_case; the spec omits {@code cwd}, which execd accepts). {@code null} components are omitted by the shared
 * mapper.
 */
public final class Wire {
    private Wire() {}

    /**
     * {@code CodeContextRequest} ({@code POST /code/context}).
     *
     * @param language the language
     * @param cwd the working directory, or {@code null} for the server's default
     */
    public record CreateContextRequest(
            String language, @Nullable String cwd) {}

    /**
     * {@code CodeContext} as execd answers it: {@code cwd} only in the answer to a create.
     *
     * @param id the context id
     * @param language the language
     * @param cwd the working directory, if reported
     */
    public record Context(
            @Nullable String id,
            @Nullable String language,
            @Nullable String cwd) {}

    /**
     * The {@code context} of a {@code RunCodeRequest}: without an id, execd runs in the language's default context.
     *
     * @param id the context id, or {@code null}
     * @param language the language; execd runs code without one as a shell command, so the SDK always sends it
     */
    public record ContextRef(@Nullable String id, String language) {}

    /**
     * {@code RunCodeRequest} ({@code POST /code}).
     *
     * @param code the code
     * @param context the context to run in
     */
    public record RunCodeRequest(String code, ContextRef context) {}
}
