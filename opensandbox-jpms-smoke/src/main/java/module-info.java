/**
 * A consumer of the SDK. {@link io.opensandbox.smoke.ModulePathSmoke} needs the lifecycle module and nothing else
 * of it; the HttpClient 5 transport is only on the module path and is found through {@link java.util.ServiceLoader}.
 * Its stub server uses the JDK's own HTTP server.
 *
 * <p>{@link io.opensandbox.smoke.CapabilitiesSmoke} also uses the commands, files and network capabilities and the
 * testkit's server: they are {@code requires static}, so the first run resolves without them, and the second run
 * adds them with {@code --add-modules}.
 */
module io.opensandbox.smoke {
    requires io.opensandbox.lifecycle;
    requires jdk.httpserver;
    requires static io.opensandbox.commands;
    requires static io.opensandbox.files;
    requires static io.opensandbox.network;
    requires static io.opensandbox.testkit;
}
