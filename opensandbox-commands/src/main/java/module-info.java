/**
 * Commands in a sandbox: foreground commands whose output streams as it appears, background commands with
 * their status and logs, interrupts and bash sessions. Reached from any {@link io.opensandbox.api.SandboxHandle}.
 */
module io.opensandbox.commands {
    requires transitive io.opensandbox.api;

    exports io.opensandbox.commands;
}
