package io.opensandbox.testkit;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * Command-line entry point: {@code java -jar opensandbox-testkit-VERSION-server.jar [--port P] [--api-key K]
 * [--grace-period-ms N] [--ping-interval-ms N] [--unisolated] [--allowed-host-paths P1,P2]}. Host volumes are refused
 * unless their path is under one of the {@code --allowed-host-paths} prefixes (none by default). Prints the domain it listens on and runs until
 * SIGTERM or Ctrl-C.
 */
public final class LocalSandboxServerMain {

    private LocalSandboxServerMain() {}

    /**
     * Runs the server until the JVM is asked to stop.
     *
     * @param args the command-line options
     * @throws InterruptedException if the main thread is interrupted while waiting
     */
    public static void main(String[] args) throws InterruptedException {
        LocalSandboxServer.Builder builder = LocalSandboxServer.builder();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            switch (arg) {
                case "--port" -> {
                    builder.port(Integer.parseInt(value(args, ++i, arg)));
                }
                case "--api-key" -> {
                    builder.apiKey(value(args, ++i, arg));
                }
                case "--grace-period-ms" -> {
                    builder.gracePeriod(Duration.ofMillis(Long.parseLong(value(args, ++i, arg))));
                }
                case "--ping-interval-ms" -> {
                    builder.pingInterval(Duration.ofMillis(Long.parseLong(value(args, ++i, arg))));
                }
                case "--allowed-host-paths" -> {
                    builder.allowedHostPaths(List.of(value(args, ++i, arg).split(",", -1)));
                }
                case "--unisolated" -> {
                    builder.isolation(LocalSandboxServer.Isolation.UNISOLATED);
                }
                case "--help", "-h" -> {
                    System.out.println("Usage: java -jar opensandbox-testkit-server.jar [--port P] [--api-key K]"
                            + " [--grace-period-ms N] [--ping-interval-ms N] [--unisolated]"
                            + " [--allowed-host-paths P1,P2]");
                    return;
                }
                default -> {
                    System.err.println("Unknown option " + arg + " (try --help)");
                    System.exit(2);
                    return;
                }
            }
        }
        LocalSandboxServer server = builder.start();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            server.close();
                            stopped.countDown();
                        },
                        "opensandbox-testkit-shutdown"));
        System.out.println("OpenSandbox local server listening on " + server.domain());
        System.out.flush();
        stopped.await();
    }

    private static String value(String[] args, int i, String option) {
        if (i >= args.length) {
            System.err.println("Missing value for " + option);
            System.exit(2);
        }
        return args[i];
    }
}
