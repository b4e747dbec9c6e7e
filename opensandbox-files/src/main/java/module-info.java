/**
 * Files in a sandbox: every file and directory operation of execd, with uploads and downloads that stream in
 * constant memory. Reached from any {@link io.opensandbox.api.SandboxHandle} through
 * {@link io.opensandbox.files.SandboxFiles#of(io.opensandbox.api.SandboxHandle)}.
 *
 * <p>The module starts daemon threads named {@code opensandbox-files-io-N} (blocking file reads and writes of
 * transfers; they end after a minute idle) and one {@code opensandbox-files-timer-1} (overall time limits). It
 * reads no system property of its own.
 */
module io.opensandbox.files {
    requires transitive io.opensandbox.api;
    requires com.fasterxml.jackson.databind;
    requires static org.jspecify;

    exports io.opensandbox.files;

    opens io.opensandbox.files.internal to
            com.fasterxml.jackson.databind;
}
