/**
 * Files in a sandbox: every file and directory operation of execd, with uploads and downloads that stream in
 * constant memory. Reached from any {@link io.opensandbox.api.SandboxHandle} through
 * {@link io.opensandbox.files.SandboxFiles#of(io.opensandbox.api.SandboxHandle)}.
 *
 * <p>The module starts no thread of its own: blocking file reads and writes of transfers run on the blocking
 * I/O threads ({@code opensandbox-io-N}) and time limits on the timer ({@code opensandbox-timer-N}) of the stream
 * runtime, owned by the transport's leases and ended with the last one. It reads no system property of its own.
 */
module io.opensandbox.files {
    requires transitive io.opensandbox.api;
    requires com.fasterxml.jackson.databind;
    requires static org.jspecify;

    exports io.opensandbox.files;

    opens io.opensandbox.files.internal to
            com.fasterxml.jackson.databind;
}
