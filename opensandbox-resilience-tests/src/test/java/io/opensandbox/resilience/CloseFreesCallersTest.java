package io.opensandbox.resilience;

import static org.assertj.core.api.Assertions.assertThat;

import io.opensandbox.api.ConnectionConfig;
import io.opensandbox.api.DirectHandle;
import io.opensandbox.api.Endpoint;
import io.opensandbox.api.RetryPolicy;
import io.opensandbox.api.SandboxClosedException;
import io.opensandbox.api.SandboxError;
import io.opensandbox.commands.Commands;
import io.opensandbox.commands.ExecutionHandlers;
import io.opensandbox.commands.RunOptions;
import io.opensandbox.files.ReadOptions;
import io.opensandbox.files.SandboxFiles;
import io.opensandbox.lifecycle.Sandbox;
import io.opensandbox.lifecycle.SandboxManager;
import io.opensandbox.resilience.support.RawServer;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Closing a {@code SandboxManager}, a {@code Sandbox} or a {@code DirectHandle} frees every caller it owns with a
 * {@link SandboxClosedException}: a call waiting for headers, in a retry wait, mid-stream, in readiness polling and
 * in a file transfer, on both transports. The server in each case would keep the caller waiting for 30 s or more
 * (it stalls, or asks to retry in ten years), so a caller freed within {@link #FREED} seconds was freed by the
 * close, not by any deadline.
 */
@Timeout(120)
class CloseFreesCallersTest {
    /** Far below every wait the server imposes (30 s stalls, a ten-year Retry-After capped at 60 s). */
    private static final long FREED = 10;

    private static ConnectionConfig config(String transport, String address) {
        return ConnectionConfig.builder()
                .domain(address)
                .apiKey("close-key")
                .transportName(transport)
                .requestTimeout(Duration.ofSeconds(60))
                .streamIdleTimeout(Duration.ofSeconds(60))
                .build();
    }

    /** Runs a blocking call on its own thread, waits until the server saw its request, closes, and returns what the call threw. */
    private static Throwable closeWhileWaiting(CountDownLatch requestSeen, AutoCloseable owner, Supplier<?> call)
            throws Exception {
        CompletableFuture<Object> running = CompletableFuture.supplyAsync(call::get);
        assertThat(requestSeen.await(30, TimeUnit.SECONDS))
                .as("the server saw the request")
                .isTrue();
        assertThat(running).as("still waiting before close").isNotDone();

        owner.close();

        try {
            running.get(FREED, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            return e.getCause();
        }
        throw new AssertionError("the call succeeded after close");
    }

    private static void assertClosed(Throwable failure) {
        assertThat(failure).isInstanceOf(SandboxClosedException.class);
        assertThat(((SandboxClosedException) failure).error().code()).isEqualTo(SandboxError.CLOSED);
        assertThat(failure.getMessage()).contains("closed");
    }

    @ParameterizedTest
    @ValueSource(strings = {"httpclient5", "jdk"})
    void closingTheManager_freesACallWaitingForHeaders(String transport) throws Exception {
        CountDownLatch seen = new CountDownLatch(1);
        try (RawServer raw = RawServer.start((request, exchange) -> {
            seen.countDown();
            exchange.stallUntilClientCloses();
        })) {
            SandboxManager manager = SandboxManager.create(config(transport, raw.address()));

            assertClosed(closeWhileWaiting(seen, manager, () -> manager.getSandboxInfo("sbx")));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"httpclient5", "jdk"})
    void closingTheManager_freesACallInARetryWait(String transport) throws Exception {
        CountDownLatch seen = new CountDownLatch(1);
        try (RawServer raw = RawServer.start((request, exchange) -> {
            seen.countDown();
            exchange.respond(
                    503,
                    "application/json",
                    "{\"code\":\"BUSY\",\"message\":\"come back later\"}",
                    "Retry-After: 315360000");
        })) {
            ConnectionConfig config = config(transport, raw.address()).toBuilder()
                    .retryPolicy(RetryPolicy.builder().maxRetries(3).build())
                    .build();
            SandboxManager manager = SandboxManager.create(config);

            assertClosed(closeWhileWaiting(seen, manager, () -> manager.getSandboxInfo("sbx")));
            assertThat(raw.count("GET /v1/sandboxes/sbx"))
                    .as("no retry after close")
                    .isEqualTo(1);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"httpclient5", "jdk"})
    void closingTheHandle_freesACommandMidStream_blockingAndAsync(String transport) throws Exception {
        CountDownLatch seen = new CountDownLatch(2);
        try (RawServer raw = RawServer.start((request, exchange) -> {
            exchange.write("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + chunk("{\"type\":\"init\",\"text\":\"cmd-1\",\"timestamp\":1}\n\n")
                    + chunk("{\"type\":\"stdout\",\"text\":\"started\",\"timestamp\":2}\n\n"));
            seen.countDown();
            exchange.stallUntilClientCloses();
        })) {
            DirectHandle handle =
                    DirectHandle.of(config(transport, "127.0.0.1:1"), Endpoint.of(raw.address(), Map.of()));
            Commands commands = Commands.of(handle);
            RunOptions noInterrupt =
                    RunOptions.builder().interruptOnCancel(false).build();
            CompletableFuture<?> async = commands.runAsync("sleep 100", noInterrupt, ExecutionHandlers.NONE);

            Throwable blocking = closeWhileWaiting(seen, handle, () -> commands.run("sleep 100", noInterrupt));

            assertClosed(blocking);
            Throwable asyncFailure = catchCause(async);
            assertClosed(asyncFailure);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"httpclient5", "jdk"})
    void closingTheSandbox_freesReadinessPolling(String transport) throws Exception {
        CountDownLatch seen = new CountDownLatch(1);
        RawServer[] self = new RawServer[1];
        self[0] = RawServer.start((request, exchange) -> {
            if (request.path().startsWith("/v1/sandboxes/sbx/endpoints/44772")) {
                exchange.json("{\"endpoint\":\"" + self[0].address() + "/execd\",\"headers\":{}}");
            } else if (request.path().startsWith("/v1/sandboxes/sbx")) {
                exchange.json(RawServer.sandboxJson("sbx"));
            } else {
                // execd is not up yet: every health check fails, and the wait goes on polling
                seen.countDown();
                exchange.respond(503, "text/plain", "starting");
            }
        });
        try (RawServer raw = self[0]) {
            Sandbox sandbox = Sandbox.connector("sbx")
                    .connectionConfig(config(transport, raw.address()))
                    .skipHealthCheck(true)
                    .connect();

            Throwable failure = closeWhileWaiting(seen, sandbox, () -> {
                sandbox.waitUntilReady(Duration.ofMinutes(5));
                return null;
            });

            assertClosed(failure);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"httpclient5", "jdk"})
    void closingTheHandle_freesFileTransfers(String transport, @TempDir Path dir) throws Exception {
        CountDownLatch seen = new CountDownLatch(3);
        try (RawServer raw = RawServer.start((request, exchange) -> {
            exchange.write(
                    "HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nContent-Length: 1000000\r\n\r\n"
                            + "first bytes");
            seen.countDown();
            exchange.stallUntilClientCloses();
        })) {
            DirectHandle handle =
                    DirectHandle.of(config(transport, "127.0.0.1:1"), Endpoint.of(raw.address(), Map.of()));
            SandboxFiles files = SandboxFiles.of(handle);
            CompletableFuture<Long> async =
                    files.downloadAsync("/data/big", new ByteArrayOutputStream(), ReadOptions.defaults());
            InputStream stream = files.readStream("/data/big");

            Throwable toPath = closeWhileWaiting(seen, handle, () -> files.download("/data/big", dir.resolve("big")));

            assertClosed(toPath);
            assertClosed(catchCause(async));
            Throwable read = null;
            try {
                stream.readAllBytes();
            } catch (java.io.IOException e) {
                read = e.getCause();
            }
            assertClosed(read);
            try (var left = Files.list(dir)) {
                assertThat(left).as("no partial file left").isEmpty();
            }
        }
    }

    private static Throwable catchCause(CompletableFuture<?> future) throws Exception {
        try {
            future.get(FREED, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            return e.getCause();
        }
        throw new AssertionError("the call succeeded after close");
    }

    private static String chunk(String text) {
        byte[] bytes = text.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        return Integer.toHexString(bytes.length) + "\r\n" + text + "\r\n";
    }
}
