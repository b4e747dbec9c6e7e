package io.opensandbox.testkit.internal;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** Settings of one server, fixed at start. */
public record ServerConfig(
        int port,
        @Nullable String apiKey,
        Duration gracePeriod,
        Duration pingInterval,
        Path rootDirectory,
        boolean deleteRootOnClose,
        boolean unisolated,
        Duration minimumTimeout,
        Duration reaperInterval,
        List<String> allowedHostPaths,
        Duration ptyPingInterval,
        Duration ptyReadTimeout) {}
