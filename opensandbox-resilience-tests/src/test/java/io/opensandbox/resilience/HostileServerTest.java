package io.opensandbox.resilience;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.opensandbox.api.AuthenticationException;
import io.opensandbox.api.ConnectionConfig;
import io.opensandbox.api.DirectHandle;
import io.opensandbox.api.Endpoint;
import io.opensandbox.api.RateLimitedException;
import io.opensandbox.api.RetryPolicy;
import io.opensandbox.api.SandboxApiException;
import io.opensandbox.api.SandboxHandle;
import io.opensandbox.api.internal.Transports;
import io.opensandbox.commands.Commands;
import io.opensandbox.commands.DroppedOutput;
import io.opensandbox.commands.Execution;
import io.opensandbox.commands.ExecutionHandlers;
import io.opensandbox.commands.OutputMessage;
import io.opensandbox.commands.RunOptions;
import io.opensandbox.lifecycle.Sandbox;
import io.opensandbox.lifecycle.SandboxManager;
import io.opensandbox.resilience.support.RawServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Issue 18, items 2 and 4: what a deliberately hostile server on loopback answers, and what the SDK must make of
 * it, on both transports (picked by name, so both run in the same JVM): a {@code Retry-After} far beyond the cap
 * fails at once instead of waiting; error bodies far larger than what is read keep their status and exception type;
 * a code with CR/LF never reaches a message raw; a chatty command keeps a bounded prefix of its output (item 3).
 */
@Timeout(30)
class HostileServerTest {
    /** An error body far larger than the 64 KiB the SDK reads of one. */
    private static final int HUGE = 300 * 1024;

    private static ConnectionConfig.Builder config(String transport, RawServer server) {
        return ConnectionConfig.builder()
                .domain(server.address())
                .apiKey("hostile-key")
                .transportName(transport)
                .requestTimeout(Duration.ofSeconds(10));
    }

    private static long millisSince(long start) {
        return (System.nanoTime() - start) / 1_000_000;
    }

    private static String hugeJsonError(String code) {
        return "{\"code\":\"" + code + "\",\"message\":\"" + "x".repeat(HUGE) + "\"}";
    }

    /** A sandbox handle whose execd is the raw server. */
    private static SandboxHandle execdAt(RawServer server, ConnectionConfig config, Transports.Lease lease) {
        // the lease keeps the config's transport open for the test; the handle takes its own share of it
        return DirectHandle.of("hostile", config, Endpoint.of(server.address(), Map.of()));
    }

    // ------------------------------------------------------------------------------------ item 2: Retry-After

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"httpclient5", "jdk"})
    void retryAfterBeyondTheCap_failsAtOnceWithTheServersWait(String transport) {
        try (RawServer server = RawServer.start((request, exchange) -> exchange.respond(
                        503,
                        "application/json",
                        "{\"code\":\"BUSY\",\"message\":\"come back in ten years\"}",
                        "Retry-After: 315360000"));
                SandboxManager manager =
                        SandboxManager.create(config(transport, server).build())) {
            long start = System.nanoTime();
            SandboxApiException failure =
                    catchThrowableOfType(SandboxApiException.class, () -> manager.getSandboxInfo("ten-years"));

            assertThat(failure.statusCode()).isEqualTo(503);
            assertThat(failure.retryAfter()).contains(Duration.ofSeconds(315_360_000));
            assertThat(failure.attempts()).isEqualTo(1);
            assertThat(server.count("GET /v1/sandboxes/ten-years")).isEqualTo(1);
            // the default cap is 60 s: waiting for it even once would take far longer than this
            assertThat(millisSince(start)).isLessThan(10_000);
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"httpclient5", "jdk"})
    void rateLimitedBeyondACustomCap_failsAtOnceAsRateLimited(String transport) {
        try (RawServer server = RawServer.start((request, exchange) -> exchange.respond(
                        429, "application/json", "{\"code\":\"SLOW\",\"message\":\"slow down\"}", "Retry-After: 5"));
                SandboxManager manager = SandboxManager.create(config(transport, server)
                        .retryPolicy(RetryPolicy.builder()
                                .maxRetryAfter(Duration.ofSeconds(2))
                                .build())
                        .build())) {
            long start = System.nanoTime();
            RateLimitedException failure =
                    catchThrowableOfType(RateLimitedException.class, () -> manager.getSandboxInfo("slow"));

            assertThat(failure.retryAfter()).contains(Duration.ofSeconds(5));
            assertThat(failure.attempts()).isEqualTo(1);
            assertThat(server.count("GET /v1/sandboxes/slow")).isEqualTo(1);
            assertThat(millisSince(start)).isLessThan(2_000 + 3_000);
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"httpclient5", "jdk"})
    void retryAfterPastTheCallTimeout_failsAtOnceWithTheServersAnswer(String transport) {
        try (RawServer server = RawServer.start((request, exchange) -> exchange.respond(
                        503, "application/json", "{\"code\":\"BUSY\",\"message\":\"later\"}", "Retry-After: 20"));
                SandboxManager manager = SandboxManager.create(config(transport, server)
                        .callTimeout(Duration.ofSeconds(3))
                        .build())) {
            long start = System.nanoTime();
            SandboxApiException failure =
                    catchThrowableOfType(SandboxApiException.class, () -> manager.getSandboxInfo("later"));

            assertThat(failure.statusCode()).isEqualTo(503);
            assertThat(failure.retryAfter()).contains(Duration.ofSeconds(20));
            assertThat(failure.attempts()).isEqualTo(1);
            assertThat(millisSince(start)).isLessThan(3_000);
        }
    }

    // ------------------------------------------------------------------------------------ item 4: error bodies

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"httpclient5", "jdk"})
    void unauthorizedWithAHugeBody_isStillAnAuthenticationException(String transport) {
        try (RawServer server = RawServer.start((request, exchange) ->
                        exchange.respond(401, "application/json", hugeJsonError("AUTH::INVALID_KEY")));
                SandboxManager manager =
                        SandboxManager.create(config(transport, server).build())) {
            AuthenticationException failure =
                    catchThrowableOfType(AuthenticationException.class, () -> manager.getSandboxInfo("a1"));

            assertThat(failure.statusCode()).isEqualTo(401);
            assertThat(failure.error().code()).isEqualTo("AUTH::INVALID_KEY");
            assertThat(failure.getMessage()).hasSizeLessThan(2_000);
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"httpclient5", "jdk"})
    void serverErrorWithAHugeTextBody_keepsItsStatusOnACreate(String transport) {
        try (RawServer server =
                RawServer.start((request, exchange) -> exchange.respond(500, "text/plain", "boom ".repeat(HUGE / 5)))) {
            SandboxApiException failure = catchThrowableOfType(
                    SandboxApiException.class,
                    () -> Sandbox.builder()
                            .image("python:3.12")
                            .connectionConfig(config(transport, server).build())
                            .create());

            assertThat(failure.statusCode()).isEqualTo(500);
            assertThat(failure.error().message()).startsWith("boom boom").hasSizeLessThanOrEqualTo(503);
            assertThat(failure.attempts()).isEqualTo(1); // a POST after a status is not repeated
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"httpclient5", "jdk"})
    void unauthorizedWithAHugeBodyOnACommandStream_isStillAnAuthenticationException(String transport) {
        try (RawServer server = RawServer.start((request, exchange) ->
                exchange.respond(401, "application/json", hugeJsonError("EXECD::UNAUTHORIZED")))) {
            ConnectionConfig config = config(transport, server).build();
            Transports.Lease lease = Transports.lease(config);
            SandboxHandle handle = execdAt(server, config, lease);
            AuthenticationException failure = catchThrowableOfType(
                    AuthenticationException.class, () -> Commands.of(handle).run("echo hi"));

            assertThat(failure.statusCode()).isEqualTo(401);
            assertThat(failure.error().code()).isEqualTo("EXECD::UNAUTHORIZED");
            lease.close();
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"httpclient5", "jdk"})
    void errorCodeWithLineBreaks_isCleanedLikeTheMessage(String transport) {
        try (RawServer server = RawServer.start((request, exchange) -> exchange.respond(
                        400,
                        "application/json",
                        "{\"code\":\"BAD\\r\\nX-Injected: 1\\r\\n\\r\\n<html>\",\"message\":\"a\\r\\nb\"}"));
                SandboxManager manager =
                        SandboxManager.create(config(transport, server).build())) {
            SandboxApiException failure =
                    catchThrowableOfType(SandboxApiException.class, () -> manager.getSandboxInfo("crlf"));

            assertThat(failure.error().code()).isEqualTo("BAD X-Injected: 1 <html>");
            assertThat(failure.error().message()).isEqualTo("a b");
            assertThat(failure.getMessage()).doesNotContain("\r").doesNotContain("\n");
        }
    }

    // ------------------------------------------------------------------------------------ item 3: chatty command

    /** Lines of 8 characters: 28 bytes each against the bound, so 299,593 fit in the default 8 MiB. */
    private static final int CHATTY_LINES = 400_000;

    private static String chattyLine(long i) {
        return String.format(Locale.ROOT, "l%07d", i);
    }

    private static void chattyStream(RawServer.Exchange exchange) throws IOException {
        exchange.write("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n");
        StringBuilder block = new StringBuilder("{\"type\":\"init\",\"text\":\"chatty\"}\n\n");
        for (int i = 0; i < CHATTY_LINES; i++) {
            block.append("{\"type\":\"stdout\",\"text\":\"")
                    .append(chattyLine(i))
                    .append("\",\"timestamp\":1795000000000}\n\n");
            if (i % 2_000 == 1_999 || i == CHATTY_LINES - 1) {
                if (i == CHATTY_LINES - 1) {
                    block.append("{\"type\":\"stderr\",\"text\":\"done\"}\n\n");
                    block.append("{\"type\":\"execution_complete\",\"execution_time\":5}\n\n");
                }
                byte[] bytes = block.toString().getBytes(StandardCharsets.UTF_8);
                exchange.write(Integer.toHexString(bytes.length) + "\r\n" + block + "\r\n");
                block.setLength(0);
            }
        }
        exchange.write("0\r\n\r\n");
        exchange.stallUntilClientCloses();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"httpclient5", "jdk"})
    void chattyCommandWithDefaultOptions_keepsABoundedPrefixAndSaysWhatItDropped(String transport) {
        try (RawServer server = RawServer.start((request, exchange) -> chattyStream(exchange))) {
            ConnectionConfig config = config(transport, server).build();
            Transports.Lease lease = Transports.lease(config);
            long[] seen = new long[2];
            Execution execution = Commands.of(execdAt(server, config, lease))
                    .run("seq", RunOptions.defaults(), new ExecutionHandlers() {
                        @Override
                        public void onStdout(OutputMessage line) {
                            seen[0]++;
                        }

                        @Override
                        public void onStderr(OutputMessage line) {
                            seen[1]++;
                        }
                    });
            lease.close();

            assertThat(seen).containsExactly(CHATTY_LINES, 1); // the handlers see every line
            long kept = RunOptions.DEFAULT_MAX_RETAINED_OUTPUT / (8 + 20);
            assertThat(execution.stdout()).hasSize((int) kept);
            assertThat(execution.stdout().get((int) kept - 1).text()).isEqualTo(chattyLine(kept - 1));
            assertThat(execution.retainedOutputBytes()).isEqualTo(kept * 28 + 24);
            assertThat(execution.isOutputTruncated()).isTrue();
            assertThat(execution.droppedStdout())
                    .isEqualTo(new DroppedOutput(CHATTY_LINES - kept, (CHATTY_LINES - kept) * 8));
            // stderr has its own bound: a chatty stdout never crowds out the error at the end
            assertThat(execution.stderrText()).isEqualTo("done");
            assertThat(execution.droppedStderr()).isEqualTo(DroppedOutput.none());
            assertThat(execution.exitCode()).hasValue(0);
        }
    }
}
