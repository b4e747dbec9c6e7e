package io.opensandbox.codeinterpreter;

/**
 * The languages the official OpenSandbox code-interpreter image has kernels for. Languages are plain strings on the
 * wire and here: a sandbox image may offer others, and these names are only the common ones.
 */
public final class SupportedLanguage {
    /** Python (IPython kernel). */
    public static final String PYTHON = "python";

    /** Java. */
    public static final String JAVA = "java";

    /** Go. */
    public static final String GO = "go";

    /** TypeScript. */
    public static final String TYPESCRIPT = "typescript";

    /** JavaScript. */
    public static final String JAVASCRIPT = "javascript";

    /** Bash (bash_kernel). */
    public static final String BASH = "bash";

    private SupportedLanguage() {}
}
