/**
 * The code interpreter of a sandbox: stateful code contexts (Python, Bash, and whatever kernels the sandbox image
 * has) served by execd's {@code /code} API, with results as MIME bundles. Reached from any
 * {@link io.opensandbox.api.SandboxHandle} through {@link io.opensandbox.codeinterpreter.CodeInterpreter#of}.
 *
 * <p>Calls go to the sandbox's execd endpoint with that endpoint's headers; the lifecycle API key is never sent
 * there. Needs a transport at run time, for example {@code opensandbox-transport-httpclient5}. The package
 * {@code io.opensandbox.codeinterpreter.internal} holds the wire types and the event mapping; it is not exported and
 * carries no compatibility promise.
 */
module io.opensandbox.codeinterpreter {
    requires transitive io.opensandbox.api;
    requires com.fasterxml.jackson.databind;
    requires org.slf4j;
    requires static org.jspecify;

    exports io.opensandbox.codeinterpreter;

    opens io.opensandbox.codeinterpreter.internal to
            com.fasterxml.jackson.databind;
}
