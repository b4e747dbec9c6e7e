/**
 * A local, in-process OpenSandbox server for tests.
 *
 * <p>{@link io.opensandbox.testkit.LocalSandboxServer} impersonates a whole OpenSandbox deployment on
 * {@code 127.0.0.1}: the lifecycle API (with diagnostics), execd (commands, bash sessions, files, metrics) and the
 * egress sidecar (policy and credential vault) of every sandbox. Sandboxes are directories on the local disk;
 * commands really run, isolated with Linux user, mount and PID namespaces (see
 * {@link io.opensandbox.testkit.LocalSandboxServer.Isolation}). SDK clients in any language can be pointed at it.
 *
 * <p>{@link io.opensandbox.testkit.LocalSandboxExtension} starts one server per JUnit 5 test class and injects a
 * ready {@code ConnectionConfig}; it needs {@code io.opensandbox.api} and {@code org.junit.jupiter.api}, which the
 * server alone does not.
 *
 * <p>The module reads no system properties and no environment variables.
 */
module io.opensandbox.testkit {
    requires jdk.httpserver;
    requires com.fasterxml.jackson.databind;
    requires org.slf4j;
    requires pty4j;
    requires org.java_websocket;
    requires static transitive org.jspecify;
    requires static io.opensandbox.api;
    requires static org.junit.jupiter.api;

    exports io.opensandbox.testkit;
}
