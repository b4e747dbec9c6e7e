/**
 * Commands in a sandbox: foreground commands whose output streams as it appears, background commands with
 * their status and logs, interrupts, bash sessions and resource metrics. Reached from any
 * {@link io.opensandbox.api.SandboxHandle} through {@link io.opensandbox.commands.Commands#of}.
 *
 * <p>The package {@code io.opensandbox.commands.internal} holds the wire types and the mapping of execd's events to
 * the model; the stream itself (reader, decoder, handler threads) is the shared runtime of {@code io.opensandbox.api}.
 * It is not exported and carries no compatibility promise.
 */
module io.opensandbox.commands {
    requires transitive io.opensandbox.api;
    requires com.fasterxml.jackson.core;
    requires com.fasterxml.jackson.annotation;
    requires com.fasterxml.jackson.databind;
    requires org.slf4j;
    requires static transitive org.jspecify;

    exports io.opensandbox.commands;

    opens io.opensandbox.commands.internal to
            com.fasterxml.jackson.databind;
}
