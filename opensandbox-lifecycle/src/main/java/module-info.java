/**
 * The lifecycle of OpenSandbox sandboxes: {@link io.opensandbox.lifecycle.Sandbox} creates, connects to,
 * pauses, resumes, renews and kills one sandbox and resolves its endpoints; {@link
 * io.opensandbox.lifecycle.SandboxManager} lists, filters and administers many, and manages snapshots.
 *
 * <p>A {@code Sandbox} is an {@link io.opensandbox.api.SandboxHandle}: pass it to the commands, files and
 * network capabilities. Needs a transport at run time, for example {@code opensandbox-transport-httpclient5}.
 */
module io.opensandbox.lifecycle {
    requires transitive io.opensandbox.api;
    requires com.fasterxml.jackson.databind;
    requires org.slf4j;
    requires static org.jspecify;

    exports io.opensandbox.lifecycle;

    opens io.opensandbox.lifecycle.internal to
            com.fasterxml.jackson.databind;
}
