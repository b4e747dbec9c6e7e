package io.opensandbox.resilience;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.opensandbox.api.ConnectionConfig;
import io.opensandbox.api.InvalidArgumentException;
import io.opensandbox.api.RetryPolicy;
import io.opensandbox.commands.Commands;
import io.opensandbox.commands.RunOptions;
import io.opensandbox.files.ByteRange;
import io.opensandbox.files.MoveEntry;
import io.opensandbox.files.SandboxFiles;
import io.opensandbox.files.WriteEntry;
import io.opensandbox.lifecycle.Sandbox;
import io.opensandbox.lifecycle.SandboxManager;
import io.opensandbox.resilience.support.RawServer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Bad input from callers, rejected before any I/O: each row names the call, the input and what must be thrown,
 * and the server (which is lifecycle server and execd at once) must see no request.
 *
 * <p>The convention: an invalid value (blank, malformed, out of range, CR/LF, control characters, traversal) is an
 * {@link InvalidArgumentException}. A {@code null} where the signature does not allow one is a programming error
 * and may be the JDK's {@link NullPointerException} (from {@code Objects.requireNonNull}, naming the parameter)
 * or an {@link InvalidArgumentException}; rows marked {@code NULL} accept either, and the printed table shows which.
 */
@Timeout(30)
class BadInputTest {
    private static RawServer server;
    private static ConnectionConfig config;
    private static Sandbox sandbox;
    private static SandboxManager manager;
    private static final List<String> PRINTED = new ArrayList<>();

    /** Expected outcome of a row. */
    enum Expect {
        /** An {@link InvalidArgumentException}. */
        INVALID,
        /** A {@link NullPointerException} or an {@link InvalidArgumentException}. */
        NULL,
        /**
         * A known gap, reported and not fixed here (the module is being edited by others): today the input is not
         * rejected (it is accepted, or sent to the server). The row fails once the gap is closed, to be moved to
         * {@link #INVALID}.
         */
        GAP
    }

    /** The objects a row acts on. */
    record Fixture(ConnectionConfig config, Sandbox sandbox, SandboxManager manager) {
        Commands commands() {
            return Commands.of(sandbox);
        }

        SandboxFiles files() {
            return SandboxFiles.of(sandbox);
        }

        ConnectionConfig.Builder configBuilder() {
            return ConnectionConfig.builder().domain(config.domain());
        }
    }

    /** A call that must be rejected. */
    @FunctionalInterface
    interface Call {
        void run(Fixture fixture) throws Exception;
    }

    @BeforeAll
    static void start() {
        RawServer[] self = new RawServer[1];
        self[0] = RawServer.start((request, exchange) -> {
            if (request.path().startsWith("/v1/sandboxes/sbx/endpoints/")) {
                exchange.json("{\"endpoint\":\"" + self[0].address() + "/execd\",\"headers\":{}}");
            } else {
                exchange.respond(
                        500, "application/json", "{\"code\":\"UNEXPECTED\",\"message\":\"bad input got here\"}");
            }
        });
        server = self[0];
        config = ConnectionConfig.builder()
                .domain(server.address())
                .retryPolicy(RetryPolicy.disabled())
                .build();
        sandbox = Sandbox.connector("sbx")
                .connectionConfig(config)
                .skipHealthCheck(true)
                .connect();
        manager = SandboxManager.create(config);
    }

    @AfterAll
    static void stop() {
        sandbox.close();
        manager.close();
        server.close();
        System.out.println();
        System.out.println("Bad input rejected before I/O");
        PRINTED.forEach(System.out::println);
    }

    private static Arguments row(String call, String input, Expect expect, Call action) {
        return Arguments.of(call, input, expect, action);
    }

    static Stream<Arguments> rows() {
        Duration zero = Duration.ZERO;
        Duration negative = Duration.ofSeconds(-1);
        return Stream.of(
                // ---------------------------------------------------------------- connection config
                row(
                        "ConnectionConfig.header",
                        "value with CR LF",
                        Expect.INVALID,
                        f -> f.configBuilder()
                                .header("X-Trace", "a\r\nX-Injected: 1")
                                .build()),
                row(
                        "ConnectionConfig.header",
                        "name with a space",
                        Expect.INVALID,
                        f -> f.configBuilder().header("X Trace", "a").build()),
                row(
                        "ConnectionConfig.header",
                        "name with a colon",
                        Expect.INVALID,
                        f -> f.configBuilder().header("X-A: b", "a").build()),
                row(
                        "ConnectionConfig.header",
                        "value with NUL",
                        Expect.INVALID,
                        f -> f.configBuilder().header("X-Trace", "a\u0000b").build()),
                row(
                        "ConnectionConfig.header",
                        "null value",
                        Expect.NULL,
                        f -> f.configBuilder().header("X-Trace", null).build()),
                row(
                        "ConnectionConfig.apiKey",
                        "with LF",
                        Expect.INVALID,
                        f -> f.configBuilder().apiKey("key\nX-Injected: 1").build()),
                row(
                        "ConnectionConfig.header",
                        "the API key header",
                        Expect.INVALID,
                        f -> f.configBuilder()
                                .header("open-sandbox-api-key", "k")
                                .build()),
                row(
                        "ConnectionConfig.domain",
                        "blank",
                        Expect.INVALID,
                        f -> f.configBuilder().domain("   ").build()),
                row(
                        "ConnectionConfig.domain",
                        "with a space",
                        Expect.INVALID,
                        f -> f.configBuilder().domain("exa mple.com").build()),
                row(
                        "ConnectionConfig.domain",
                        "with user info",
                        Expect.INVALID,
                        f -> f.configBuilder().domain("user:pw@example.com").build()),
                row(
                        "ConnectionConfig.domain",
                        "with CR LF",
                        Expect.INVALID,
                        f -> f.configBuilder()
                                .domain("example.com\r\nHost: evil")
                                .build()),
                row(
                        "ConnectionConfig.domain",
                        "null",
                        Expect.NULL,
                        f -> f.configBuilder().domain(null).build()),
                row(
                        "ConnectionConfig.protocol",
                        "ftp",
                        Expect.INVALID,
                        f -> f.configBuilder().protocol("ftp").build()),
                row(
                        "ConnectionConfig.requestTimeout",
                        "zero",
                        Expect.INVALID,
                        f -> f.configBuilder().requestTimeout(zero).build()),
                row(
                        "ConnectionConfig.connectTimeout",
                        "negative",
                        Expect.INVALID,
                        f -> f.configBuilder().connectTimeout(negative).build()),
                row(
                        "ConnectionConfig.streamIdleTimeout",
                        "zero",
                        Expect.INVALID,
                        f -> f.configBuilder().streamIdleTimeout(zero).build()),
                row(
                        "ConnectionConfig.requestTimeout",
                        "Long.MAX_VALUE seconds",
                        Expect.INVALID,
                        f -> f.configBuilder()
                                .requestTimeout(Duration.ofSeconds(Long.MAX_VALUE))
                                .build()),
                row(
                        "ConnectionConfig.maxConnections",
                        "0",
                        Expect.INVALID,
                        f -> f.configBuilder().maxConnections(0).build()),
                row(
                        "ConnectionConfig.maxConnections",
                        "1,000,000",
                        Expect.INVALID,
                        f -> f.configBuilder().maxConnections(1_000_000).build()),
                // ---------------------------------------------------------------- retry policy
                row(
                        "RetryPolicy.maxRetries",
                        "-1",
                        Expect.INVALID,
                        f -> RetryPolicy.builder().maxRetries(-1)),
                row(
                        "RetryPolicy.maxRetries",
                        "11",
                        Expect.INVALID,
                        f -> RetryPolicy.builder().maxRetries(11)),
                row(
                        "RetryPolicy.initialBackoff",
                        "zero",
                        Expect.INVALID,
                        f -> RetryPolicy.builder().initialBackoff(zero)),
                row(
                        "RetryPolicy.maxBackoff",
                        "2 hours",
                        Expect.INVALID,
                        f -> RetryPolicy.builder().maxBackoff(Duration.ofHours(2))),
                row(
                        "RetryPolicy.build",
                        "maxBackoff < initialBackoff",
                        Expect.INVALID,
                        f -> RetryPolicy.builder()
                                .initialBackoff(Duration.ofSeconds(5))
                                .maxBackoff(Duration.ofSeconds(1))
                                .build()),
                // ---------------------------------------------------------------- sandbox ids
                row("Sandbox.connector", "null id", Expect.NULL, f -> Sandbox.connector(null)),
                row("Sandbox.connector", "blank id", Expect.INVALID, f -> Sandbox.connector("  ")),
                row("Sandbox.connector", "id with CR LF", Expect.INVALID, f -> Sandbox.connector("a\r\nb")),
                row(
                        "SandboxManager.getSandboxInfo",
                        "empty id",
                        Expect.INVALID,
                        f -> f.manager().getSandboxInfo("")),
                row(
                        "SandboxManager.getSandboxInfo",
                        "id with NUL",
                        Expect.INVALID,
                        f -> f.manager().getSandboxInfo("a\u0000b")),
                row(
                        "SandboxManager.getSandboxInfo",
                        "id '..' (traversal)",
                        Expect.INVALID,
                        f -> f.manager().getSandboxInfo("..")),
                row(
                        "SandboxManager.killSandbox",
                        "id '.' (traversal)",
                        Expect.INVALID,
                        f -> f.manager().killSandbox(".")),
                row(
                        "SandboxManager.renewSandbox",
                        "zero duration",
                        Expect.INVALID,
                        f -> f.manager().renewSandbox("sbx", zero)),
                row(
                        "SandboxManager.getSnapshot",
                        "blank id",
                        Expect.INVALID,
                        f -> f.manager().getSnapshot(" ")),
                row(
                        "SandboxManager.waitForSnapshot",
                        "zero timeout",
                        Expect.INVALID,
                        f -> f.manager().waitForSnapshot("snap", zero)),
                // ---------------------------------------------------------------- sandbox builder
                row(
                        "Sandbox.builder.create",
                        "no image",
                        Expect.INVALID,
                        f -> Sandbox.builder().connectionConfig(f.config()).create()),
                row(
                        "Sandbox.builder.image",
                        "blank",
                        Expect.INVALID,
                        f -> Sandbox.builder().image(" ")),
                row(
                        "Sandbox.builder.timeout",
                        "30 s (< 60 s)",
                        Expect.INVALID,
                        f -> Sandbox.builder().timeout(Duration.ofSeconds(30))),
                row(
                        "Sandbox.builder.timeout",
                        "negative",
                        Expect.INVALID,
                        f -> Sandbox.builder().timeout(negative)),
                row(
                        "Sandbox.builder.entrypoint",
                        "empty",
                        Expect.INVALID,
                        f -> Sandbox.builder().entrypoint(List.of())),
                row(
                        "Sandbox.builder.metadata",
                        "reserved prefix",
                        Expect.INVALID,
                        f -> Sandbox.builder().metadata("opensandbox.io/owner", "me")),
                row(
                        "Sandbox.builder.metadata",
                        "blank key",
                        Expect.INVALID,
                        f -> Sandbox.builder().metadata(" ", "me")),
                row(
                        "Sandbox.builder.resource",
                        "blank value",
                        Expect.INVALID,
                        f -> Sandbox.builder().resource("cpu", " ")),
                row(
                        "Sandbox.builder.env",
                        "blank name",
                        Expect.INVALID,
                        f -> Sandbox.builder().env("", "x")),
                row(
                        "Sandbox.builder.env",
                        "null value",
                        Expect.NULL,
                        f -> Sandbox.builder().env("A", null)),
                row(
                        "Sandbox.builder.readyTimeout",
                        "zero",
                        Expect.INVALID,
                        f -> Sandbox.builder().readyTimeout(zero)),
                row(
                        "Sandbox.builder.readyTimeout",
                        "2 days",
                        Expect.INVALID,
                        f -> Sandbox.builder().readyTimeout(Duration.ofDays(2))),
                row(
                        "Sandbox.builder.healthCheckPollingInterval",
                        "negative",
                        Expect.INVALID,
                        f -> Sandbox.builder().healthCheckPollingInterval(negative)),
                // ---------------------------------------------------------------- sandbox
                row(
                        "Sandbox.endpoint",
                        "port 0",
                        Expect.INVALID,
                        f -> f.sandbox().endpoint(0)),
                row(
                        "Sandbox.getEndpoint",
                        "port 65536",
                        Expect.INVALID,
                        f -> f.sandbox().getEndpoint(65536)),
                row(
                        "Sandbox.getEndpoint",
                        "port -1",
                        Expect.INVALID,
                        f -> f.sandbox().getEndpoint(-1)),
                row(
                        "Sandbox.getSignedEndpoint",
                        "expiry in the past",
                        Expect.INVALID,
                        f -> f.sandbox().getSignedEndpoint(44772, Instant.now().minusSeconds(5))),
                row("Sandbox.renew", "zero", Expect.INVALID, f -> f.sandbox().renew(zero)),
                row(
                        "Sandbox.renew",
                        "negative",
                        Expect.INVALID,
                        f -> f.sandbox().renew(negative)),
                row(
                        "Sandbox.renew",
                        "100,000 days",
                        Expect.INVALID,
                        f -> f.sandbox().renew(Duration.ofDays(100_000))),
                row("Sandbox.renew", "null", Expect.NULL, f -> f.sandbox().renew(null)),
                row(
                        "Sandbox.patchMetadata",
                        "reserved key",
                        Expect.INVALID,
                        f -> f.sandbox().patchMetadata(Map.of("opensandbox.io/x", "v"))),
                row(
                        "Sandbox.createSnapshot",
                        "blank name",
                        Expect.INVALID,
                        f -> f.sandbox().createSnapshot("  ")),
                row(
                        "Sandbox.waitUntilReady",
                        "zero",
                        Expect.INVALID,
                        f -> f.sandbox().waitUntilReady(zero)),
                // ---------------------------------------------------------------- commands
                row(
                        "Commands.run",
                        "null command",
                        Expect.NULL,
                        f -> f.commands().run(null)),
                row(
                        "Commands.run",
                        "blank command",
                        Expect.INVALID,
                        f -> f.commands().run("   ")),
                row(
                        "RunOptions.timeout",
                        "zero",
                        Expect.INVALID,
                        f -> f.commands()
                                .run("ls", RunOptions.builder().timeout(zero).build())),
                row(
                        "RunOptions.timeout",
                        "negative",
                        Expect.INVALID,
                        f -> f.commands()
                                .run(
                                        "ls",
                                        RunOptions.builder().timeout(negative).build())),
                row(
                        "RunOptions.idleTimeout",
                        "zero",
                        Expect.INVALID,
                        f -> f.commands()
                                .run(
                                        "ls",
                                        RunOptions.builder().idleTimeout(zero).build())),
                row(
                        "RunOptions.timeout",
                        "Long.MAX_VALUE seconds",
                        Expect.INVALID,
                        f -> f.commands()
                                .run(
                                        "ls",
                                        RunOptions.builder()
                                                .timeout(Duration.ofSeconds(Long.MAX_VALUE))
                                                .build())),
                row(
                        "RunOptions.timeout",
                        "3650 days + 1 ms",
                        Expect.INVALID,
                        f -> f.commands()
                                .run(
                                        "ls",
                                        RunOptions.builder()
                                                .timeout(RunOptions.MAX_TIMEOUT.plusMillis(1))
                                                .build())),
                row(
                        "RunOptions.timeout",
                        "half a millisecond",
                        Expect.INVALID,
                        f -> f.commands()
                                .run(
                                        "ls",
                                        RunOptions.builder()
                                                .timeout(Duration.ofNanos(500_000))
                                                .build())),
                row(
                        "RunOptions.idleTimeout",
                        "negative",
                        Expect.INVALID,
                        f -> f.commands()
                                .run(
                                        "ls",
                                        RunOptions.builder()
                                                .idleTimeout(negative)
                                                .build())),
                row(
                        "RunOptions.idleTimeout",
                        "Long.MAX_VALUE seconds",
                        Expect.INVALID,
                        f -> f.commands()
                                .run(
                                        "ls",
                                        RunOptions.builder()
                                                .idleTimeout(Duration.ofSeconds(Long.MAX_VALUE))
                                                .build())),
                row(
                        "RunOptions.idleTimeout",
                        "one day + 1 ns",
                        Expect.INVALID,
                        f -> f.commands()
                                .run(
                                        "ls",
                                        RunOptions.builder()
                                                .idleTimeout(Duration.ofDays(1).plusNanos(1))
                                                .build())),
                row(
                        "RunOptions.uid",
                        "-1",
                        Expect.INVALID,
                        f -> f.commands().run("ls", RunOptions.builder().uid(-1).build())),
                row(
                        "RunOptions.env",
                        "name with '='",
                        Expect.INVALID,
                        f -> f.commands()
                                .run("ls", RunOptions.builder().env("A=B", "x").build())),
                row(
                        "RunOptions.workingDirectory",
                        "with NUL",
                        Expect.INVALID,
                        f -> f.commands()
                                .run(
                                        "ls",
                                        RunOptions.builder()
                                                .workingDirectory("/tmp\u0000x")
                                                .build())),
                row(
                        "Commands.getCommandStatus",
                        "blank id",
                        Expect.INVALID,
                        f -> f.commands().getCommandStatus(" ")),
                row(
                        "Commands.getCommandStatus",
                        "id '..' (traversal)",
                        Expect.INVALID,
                        f -> f.commands().getCommandStatus("..")),
                row(
                        "Commands.interrupt",
                        "id with CR LF",
                        Expect.INVALID,
                        f -> f.commands().interrupt("a\r\nb")),
                row(
                        "Commands.getBackgroundCommandLogs",
                        "negative cursor",
                        Expect.INVALID,
                        f -> f.commands().getBackgroundCommandLogs("c1", -1)),
                row(
                        "Commands.runInSession",
                        "blank session",
                        Expect.INVALID,
                        f -> f.commands().runInSession(" ", "ls")),
                row(
                        "Commands.deleteSession",
                        "session '..' (traversal)",
                        Expect.INVALID,
                        f -> f.commands().deleteSession("..")),
                row(
                        "Commands.followBackgroundCommand",
                        "zero poll",
                        Expect.INVALID,
                        f -> f.commands().followBackgroundCommand("c1", line -> {}, zero)),
                row(
                        "Commands.followBackgroundCommand",
                        "poll Long.MAX_VALUE seconds",
                        Expect.INVALID,
                        f -> f.commands()
                                .followBackgroundCommand("c1", line -> {}, Duration.ofSeconds(Long.MAX_VALUE))),
                row(
                        "Commands.followBackgroundCommand",
                        "null poll",
                        Expect.NULL,
                        f -> f.commands().followBackgroundCommand("c1", line -> {}, null)),
                // ---------------------------------------------------------------- files
                row(
                        "SandboxFiles.readFile",
                        "null path",
                        Expect.NULL,
                        f -> f.files().readFile(null)),
                row(
                        "SandboxFiles.readFile",
                        "blank path",
                        Expect.INVALID,
                        f -> f.files().readFile(" ")),
                row(
                        "SandboxFiles.readFile",
                        "relative traversal",
                        Expect.INVALID,
                        f -> f.files().readFile("../../etc/passwd")),
                row(
                        "SandboxFiles.readFile",
                        "NUL in path",
                        Expect.INVALID,
                        f -> f.files().readFile("/tmp/a\u0000b")),
                row(
                        "SandboxFiles.writeFile",
                        "CR LF in path",
                        Expect.INVALID,
                        f -> f.files().writeFile("/tmp/a\r\nContent-Type: evil", "x")),
                row(
                        "SandboxFiles.writeFiles",
                        "empty list",
                        Expect.INVALID,
                        f -> f.files().writeFiles(List.of())),
                row(
                        "SandboxFiles.writeFiles",
                        "same path twice",
                        Expect.INVALID,
                        f -> f.files().writeFiles(List.of(WriteEntry.of("/tmp/a", "1"), WriteEntry.of("/tmp/a", "2")))),
                row(
                        "SandboxFiles.deleteFiles",
                        "empty list",
                        Expect.INVALID,
                        f -> f.files().deleteFiles(List.of())),
                row(
                        "SandboxFiles.moveFile",
                        "relative destination",
                        Expect.INVALID,
                        f -> f.files().moveFile("/tmp/a", "b")),
                row(
                        "SandboxFiles.moveFiles",
                        "tab in source",
                        Expect.INVALID,
                        f -> f.files().moveFiles(List.of(new MoveEntry("/tmp/\ta", "/tmp/b")))),
                row(
                        "SandboxFiles.listDirectory",
                        "depth -1",
                        Expect.INVALID,
                        f -> f.files().listDirectory("/tmp", -1)),
                row("ByteRange.of", "last < first", Expect.INVALID, f -> ByteRange.of(10, 5)),
                row("ByteRange.of", "negative first", Expect.INVALID, f -> ByteRange.of(-1, 5)),
                row("ByteRange.lastBytes", "zero bytes", Expect.INVALID, f -> ByteRange.lastBytes(0)));
    }

    @ParameterizedTest(name = "{0}({1}) -> {2}")
    @MethodSource("rows")
    void rejectedBeforeAnyIo(String call, String input, Expect expect, Call action) {
        int before = server.requests().size();

        Throwable thrown = catchThrowable(() -> action.run(new Fixture(config, sandbox, manager)));

        List<String> sent = server.requests().subList(before, server.requests().size());
        PRINTED.add(String.format(
                "| %-42s | %-28s | %-7s | %-26s | %s |",
                call,
                input,
                expect,
                thrown == null ? "nothing thrown" : thrown.getClass().getSimpleName(),
                expect == Expect.GAP
                        ? "NOT rejected (reported)" + (sent.isEmpty() ? "" : ": sent " + sent)
                        : "no request"));
        if (expect == Expect.GAP) {
            boolean rejected = thrown instanceof InvalidArgumentException && sent.isEmpty();
            assertThat(rejected)
                    .as("known gap closed? move this row to INVALID")
                    .isFalse();
            return;
        }
        assertThat(sent).as("requests sent for bad input").isEmpty();
        switch (expect) {
            case INVALID -> assertThat(thrown).isInstanceOf(InvalidArgumentException.class);
            case NULL -> assertThat(thrown).isInstanceOfAny(NullPointerException.class, InvalidArgumentException.class);
            default -> throw new IllegalStateException(expect.name());
        }
    }
}
