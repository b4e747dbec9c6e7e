package io.opensandbox.interop;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The testkit's shaded server jar run the way a user of another language runs it: {@code java -jar
 * opensandbox-testkit-VERSION-server.jar --api-key K}, in its own JVM, on an ephemeral 127.0.0.1 port that it prints.
 */
final class StandaloneServer implements AutoCloseable {
    private static final Pattern LISTENING = Pattern.compile("listening on (127\\.0\\.0\\.1:\\d+)");

    /** The warning the server logs for every request to a sandbox port that carries the lifecycle API key. */
    private static final String LEAK_WARNING = "carried the lifecycle header OPEN-SANDBOX-API-KEY";

    private final Process process;
    private final String domain;
    private final StringBuffer output;

    private StandaloneServer(Process process, String domain, StringBuffer output) {
        this.process = process;
        this.domain = domain;
        this.output = output;
    }

    /** Starts the jar named by the system property {@code testkit.serverJar} and waits until it listens. */
    static StandaloneServer start(String apiKey) throws IOException, InterruptedException {
        String jarProperty = System.getProperty("testkit.serverJar");
        if (jarProperty == null || !Files.isRegularFile(Path.of(jarProperty))) {
            throw new IllegalStateException("the testkit server jar is missing (" + jarProperty
                    + "): build through the reactor, e.g. mvn -pl opensandbox-interop-tests -am verify");
        }
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        // no --port: the server binds an ephemeral port on 127.0.0.1 and prints it
        Process p = new ProcessBuilder(
                        java.toString(), "-jar", jarProperty, "--api-key", apiKey, "--grace-period-ms", "100")
                .redirectErrorStream(true)
                .start();
        StringBuffer output = new StringBuffer();
        CompletableFuture<String> listening = new CompletableFuture<>();
        Thread pump = new Thread(
                () -> {
                    try (BufferedReader r =
                            new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                        for (String line; (line = r.readLine()) != null; ) {
                            output.append(line).append('\n');
                            Matcher m = LISTENING.matcher(line);
                            if (m.find()) {
                                listening.complete(m.group(1));
                            }
                        }
                    } catch (IOException e) {
                        listening.completeExceptionally(e);
                    }
                    listening.completeExceptionally(new IOException("the server ended before listening"));
                },
                "standalone-server-output");
        pump.setDaemon(true);
        pump.start();
        try {
            return new StandaloneServer(p, listening.get(30, TimeUnit.SECONDS), output);
        } catch (ExecutionException | TimeoutException e) {
            p.destroyForcibly();
            throw new IllegalStateException("the standalone server did not start; its output:\n" + output, e);
        }
    }

    /** The {@code 127.0.0.1:PORT} the server listens on. */
    String domain() {
        return domain;
    }

    /** How many requests to execd or egress carried {@code OPEN-SANDBOX-API-KEY} so far (from the server's log). */
    long leakedApiKeyRequests() {
        return output.toString().lines().filter(l -> l.contains(LEAK_WARNING)).count();
    }

    @Override
    public void close() {
        process.destroy(); // SIGTERM: the server's shutdown hook kills every sandbox
        try {
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
