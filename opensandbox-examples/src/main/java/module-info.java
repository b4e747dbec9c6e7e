/** The SDK's quick start and samples, as an application module. */
module io.opensandbox.examples {
    requires io.opensandbox.lifecycle;
    requires io.opensandbox.commands;
    requires io.opensandbox.files;
    requires io.opensandbox.network;
    requires io.opensandbox.codeinterpreter;
    requires io.opensandbox.testkit;
}
