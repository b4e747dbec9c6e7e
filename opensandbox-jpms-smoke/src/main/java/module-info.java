/**
 * A consumer of the SDK that requires the lifecycle module and nothing else of it; the HttpClient 5 transport
 * is only on the module path and is found through {@link java.util.ServiceLoader}. The stub server uses the
 * JDK's own HTTP server.
 */
module io.opensandbox.smoke {
    requires io.opensandbox.lifecycle;
    requires jdk.httpserver;
}
