package io.opensandbox.commands;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.opensandbox.api.SandboxError;
import io.opensandbox.api.SandboxException;
import io.opensandbox.api.SandboxTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Timing behaviour of the stream against a server whose every write the test controls. */
@Timeout(60)
class CommandsStreamingTest {
    private ScriptedServer server;
    private TestSandbox sandbox;

    @AfterEach
    void tearDown() throws Exception {
        if (sandbox != null) {
            sandbox.close();
        }
        if (server != null) {
            server.close();
        }
        assertThat(server == null ? java.util.List.of() : server.failures).isEmpty();
    }

    private Commands start(ScriptedServer.Handler handler, Duration requestTimeout, Duration idleTimeout)
            throws Exception {
        server = new ScriptedServer(handler);
        sandbox = new TestSandbox(server.port(), requestTimeout, idleTimeout);
        return Commands.of(sandbox.handle());
    }

    private ScriptedServer.Exchange exchange(String method) {
        return server.exchanges.stream()
                .filter(exchange -> exchange.method.equals(method))
                .findFirst()
                .orElseThrow();
    }

    @Test
    void run_deliversEventsWhileTheCommandIsStillRunning() throws Exception {
        CountDownLatch handled = new CountDownLatch(1);
        AtomicBoolean seenBeforeEnd = new AtomicBoolean();
        Commands commands = start(
                exchange -> {
                    exchange.startStream();
                    exchange.send(Events.init("cmd-1") + Events.stdout("first"));
                    seenBeforeEnd.set(handled.await(20, TimeUnit.SECONDS));
                    exchange.send(Events.stdout("second") + Events.complete(5));
                    exchange.end();
                },
                Duration.ofSeconds(10),
                Duration.ofSeconds(30));

        Execution execution = commands.run("x", RunOptions.defaults(), new ExecutionHandlers() {
            @Override
            public void onStdout(OutputMessage message) {
                handled.countDown();
            }
        });

        assertThat(seenBeforeEnd).isTrue();
        assertThat(execution.stdoutText()).isEqualTo("first\nsecond");
    }

    @Test
    void run_returnsOnTheTerminalEventAndClosesTheConnection() throws Exception {
        Commands commands = start(
                exchange -> {
                    exchange.startStream();
                    exchange.send(Events.init("cmd-2") + Events.stdout("out") + Events.complete(1));
                    // execd keeps the connection open for its grace period; here it never closes it
                },
                Duration.ofSeconds(10),
                Duration.ofSeconds(30));

        Execution execution = commands.run("x");

        assertThat(execution.exitCode()).hasValue(0);
        assertThat(sandbox.cancelledBodies()).isEqualTo(1);
        assertThat(exchange("POST").awaitClientClose(20)).isTrue();
    }

    @Test
    void runAsync_returnsOnTheTerminalEventAndClosesTheConnection() throws Exception {
        Commands commands = start(
                exchange -> {
                    exchange.startStream();
                    exchange.send(Events.init("cmd-3") + Events.error("2"));
                },
                Duration.ofSeconds(10),
                Duration.ofSeconds(30));

        Execution execution = commands.runAsync("x", RunOptions.defaults(), ExecutionHandlers.NONE)
                .get(20, TimeUnit.SECONDS);

        assertThat(execution.exitCode()).hasValue(2);
        assertThat(sandbox.cancelledBodies()).isEqualTo(1);
        assertThat(exchange("POST").awaitClientClose(20)).isTrue();
    }

    @Test
    void run_whenTheStreamGoesSilent_failsWithTimeout() throws Exception {
        Commands commands = start(
                exchange -> {
                    exchange.startStream();
                    exchange.send(Events.init("cmd-4"));
                },
                Duration.ofSeconds(10),
                Duration.ofSeconds(30));

        assertThatThrownBy(() -> commands.run(
                        "x",
                        RunOptions.builder().idleTimeout(Duration.ofMillis(300)).build()))
                .isInstanceOf(SandboxTimeoutException.class)
                .hasMessageContaining("cmd-4");
        assertThat(exchange("POST").awaitClientClose(20)).isTrue();
    }

    @Test
    void runAsync_whenTheStreamGoesSilent_failsWithTimeout() throws Exception {
        Commands commands = start(
                exchange -> {
                    exchange.startStream();
                    exchange.send(Events.init("cmd-5"));
                },
                Duration.ofSeconds(10),
                Duration.ofMillis(300));

        CompletableFuture<Execution> result = commands.runAsync("x", RunOptions.defaults(), ExecutionHandlers.NONE);

        assertThatThrownBy(() -> result.get(20, TimeUnit.SECONDS)).hasCauseInstanceOf(SandboxTimeoutException.class);
    }

    @Test
    void run_whilePingsArrive_outlivesTheRequestAndIdleTimeouts() throws Exception {
        Commands commands = start(
                exchange -> {
                    exchange.startStream();
                    exchange.send(Events.init("cmd-6"));
                    for (int i = 0; i < 25; i++) {
                        Thread.sleep(100);
                        exchange.send(Events.ping());
                    }
                    exchange.send(Events.complete(2500));
                    exchange.end();
                },
                Duration.ofMillis(300),
                Duration.ofMillis(1500));

        Execution execution = commands.run("sleep 2.5");

        assertThat(execution.exitCode()).hasValue(0);
    }

    @Test
    void runAsync_whenCancelled_stopsReadingAndInterruptsTheRemoteCommand() throws Exception {
        CountDownLatch deleted = new CountDownLatch(1);
        Commands commands = start(
                exchange -> {
                    if (exchange.method.equals("DELETE")) {
                        exchange.respond(200, "");
                        deleted.countDown();
                        return;
                    }
                    exchange.startStream();
                    exchange.send(Events.init("cmd-7") + Events.stdout("working"));
                },
                Duration.ofSeconds(10),
                Duration.ofSeconds(30));
        CountDownLatch started = new CountDownLatch(1);

        CompletableFuture<Execution> result = commands.runAsync(
                "x", RunOptions.builder().interruptOnCancel(true).build(), new ExecutionHandlers() {
                    @Override
                    public void onStdout(OutputMessage message) {
                        started.countDown();
                    }
                });
        assertThat(started.await(20, TimeUnit.SECONDS)).isTrue();
        result.cancel(true);

        assertThat(sandbox.cancelledBodies()).isEqualTo(1);
        assertThat(exchange("POST").awaitClientClose(20)).isTrue();
        assertThat(deleted.await(20, TimeUnit.SECONDS)).isTrue();
        assertThat(exchange("DELETE").target).isEqualTo(TestSandbox.PREFIX + "/command?id=cmd-7");
    }

    @Test
    void run_whenTheCallingThreadIsInterrupted_abortsAndInterruptsTheRemoteCommand() throws Exception {
        CountDownLatch deleted = new CountDownLatch(1);
        Commands commands = start(
                exchange -> {
                    if (exchange.method.equals("DELETE")) {
                        exchange.respond(200, "");
                        deleted.countDown();
                        return;
                    }
                    exchange.startStream();
                    exchange.send(Events.init("cmd-8"));
                },
                Duration.ofSeconds(10),
                Duration.ofSeconds(30));

        try {
            assertThatThrownBy(() -> commands.run(
                            "x", RunOptions.builder().interruptOnCancel(true).build(), new ExecutionHandlers() {
                                @Override
                                public void onInit(ExecutionInit init) {
                                    Thread.currentThread().interrupt();
                                }
                            }))
                    .isInstanceOfSatisfying(
                            SandboxException.class,
                            e -> assertThat(e.error().code()).isEqualTo(SandboxError.CANCELLED));
            assertThat(Thread.currentThread().isInterrupted()).isTrue();
        } finally {
            Thread.interrupted();
        }
        assertThat(sandbox.cancelledBodies()).isEqualTo(1);
        assertThat(exchange("POST").awaitClientClose(20)).isTrue();
        assertThat(deleted.await(20, TimeUnit.SECONDS)).isTrue();
        assertThat(exchange("DELETE").target).isEqualTo(TestSandbox.PREFIX + "/command?id=cmd-8");
    }

    @Test
    void runAsync_twoHundredConcurrentStreams_shareAFewSdkThreads() throws Exception {
        int streams = 200;
        CountDownLatch allStreaming = new CountDownLatch(streams);
        CountDownLatch release = new CountDownLatch(1);
        Commands commands = start(
                exchange -> {
                    exchange.startStream();
                    exchange.send(Events.init("cmd") + Events.stdout("running"));
                    if (release.await(40, TimeUnit.SECONDS)) {
                        exchange.send(Events.stdout("done") + Events.complete(1));
                    }
                },
                Duration.ofSeconds(30),
                Duration.ofSeconds(50));
        ExecutionHandlers handlers = new ExecutionHandlers() {
            @Override
            public void onStdout(OutputMessage message) {
                if (message.text().equals("running")) {
                    allStreaming.countDown();
                }
            }
        };
        List<CompletableFuture<Execution>> results = new ArrayList<>();
        for (int i = 0; i < streams; i++) {
            results.add(commands.runAsync("x", RunOptions.defaults(), handlers));
        }

        boolean allOpen = allStreaming.await(40, TimeUnit.SECONDS);
        long sdkThreads = Thread.getAllStackTraces().keySet().stream()
                .filter(thread -> thread.getName().startsWith("opensandbox-"))
                .count();
        release.countDown();
        for (CompletableFuture<Execution> result : results) {
            assertThat(result.get(40, TimeUnit.SECONDS).stdoutText()).isEqualTo("running\ndone");
        }

        assertThat(allOpen).isTrue();
        assertThat(sdkThreads).isLessThanOrEqualTo(8);
    }
}
