/**
 * Files in a sandbox: every file and directory operation of execd, with uploads and downloads that stream in
 * constant memory. Reached from any {@link io.opensandbox.api.SandboxHandle}.
 */
module io.opensandbox.files {
    requires transitive io.opensandbox.api;

    exports io.opensandbox.files;
}
