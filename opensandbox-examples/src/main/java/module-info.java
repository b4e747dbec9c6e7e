/** The SDK's quick start, as an application module. */
module io.opensandbox.examples {
    requires io.opensandbox.lifecycle;
    requires io.opensandbox.commands;
    requires io.opensandbox.files;
    requires io.opensandbox.network;
    requires io.opensandbox.testkit;
}
