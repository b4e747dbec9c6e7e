package io.opensandbox.commands.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.opensandbox.api.ConnectionConfig;
import io.opensandbox.api.SandboxApiException;
import io.opensandbox.api.SandboxError;
import io.opensandbox.api.SandboxException;
import io.opensandbox.commands.CommandLogs;
import io.opensandbox.commands.CommandStatus;
import io.opensandbox.commands.Commands;
import io.opensandbox.commands.Execution;
import io.opensandbox.commands.ExecutionHandlers;
import io.opensandbox.commands.ExecutionInit;
import io.opensandbox.commands.Metrics;
import io.opensandbox.commands.MetricsWatch;
import io.opensandbox.commands.OutputMessage;
import io.opensandbox.commands.RunOptions;
import io.opensandbox.lifecycle.Sandbox;
import io.opensandbox.testkit.LocalSandboxExtension;
import io.opensandbox.testkit.LocalSandboxServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Real commands in a real sandbox of the local test server, created through the lifecycle API. The server keeps
 * every command stream open for five seconds after its last event, so any call that waited for the end of the
 * stream would show up as a five-second call (and the whole class would take minutes).
 */
@Timeout(60)
class CommandsEndToEndTest {
    private static final String API_KEY = "e2e-lifecycle-key";
    private static final Duration GRACE = Duration.ofSeconds(5);

    @RegisterExtension
    static final LocalSandboxExtension SERVER =
            LocalSandboxExtension.withApiKey(API_KEY).gracePeriod(GRACE);

    private static Sandbox sandbox;
    private static Commands commands;

    @BeforeAll
    static void createSandbox(ConnectionConfig config) {
        sandbox = Sandbox.builder().image("any").connectionConfig(config).create();
        commands = Commands.of(sandbox);
        // both transports are on the class path: httpclient5 by priority, or the one this run names
        assertThat(sandbox.transport().name()).isEqualTo(System.getProperty("opensandbox.transport", "httpclient5"));
    }

    @AfterAll
    static void killSandbox(LocalSandboxServer server) {
        try {
            sandbox.kill();
        } finally {
            sandbox.close();
        }
        assertThat(server.leakedApiKeyRequests()).isZero();
    }

    /** A shell snippet that waits (at most 30 s) until {@code path} exists. */
    private static String waitFor(String path) {
        return "i=0; while [ ! -e " + path + " ] && [ $i -lt 600 ]; do sleep 0.05; i=$((i+1)); done; ";
    }

    private static String uniquePath() {
        return "/tmp/go-" + UUID.randomUUID();
    }

    private static void eventually(String what, BooleanSupplier condition) throws InterruptedException {
        for (int i = 0; i < 300; i++) {
            if (condition.getAsBoolean()) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("not within 30 s: " + what);
    }

    private static List<String> texts(List<OutputMessage> messages) {
        return messages.stream().map(OutputMessage::text).collect(Collectors.toList());
    }

    @Test
    void run_handlerSeesTheFirstLineWhileTheCommandStillWaitsForTheTest() {
        String go = uniquePath();
        List<String> seen = new ArrayList<>();
        Thread caller = Thread.currentThread();
        Execution execution = commands.run(
                "echo line1; " + waitFor(go) + "[ -e " + go + " ] || exit 9; echo line2; echo line3",
                RunOptions.defaults(),
                new ExecutionHandlers() {
                    @Override
                    public void onStdout(OutputMessage message) {
                        assertThat(Thread.currentThread())
                                .as("a blocking run's handlers run on its caller")
                                .isSameAs(caller);
                        seen.add(message.text());
                        if (message.text().equals("line1")) {
                            // The command cannot print line2 (nor end) before this file exists.
                            assertThat(commands.run("touch " + go).exitCode()).hasValue(0);
                        }
                    }
                });

        assertThat(execution.exitCode()).hasValue(0);
        assertThat(seen).containsExactly("line1", "line2", "line3");
        assertThat(texts(execution.stdout())).containsExactly("line1", "line2", "line3");
        assertThat(execution.id()).isPresent();
        assertThat(execution.complete()).isPresent();
    }

    @Test
    void runAsync_completesOnlyAfterTheTestUnblocksIt() throws Exception {
        String go = uniquePath();
        CountDownLatch firstLine = new CountDownLatch(1);
        List<String> handlerThreads = Collections.synchronizedList(new ArrayList<>());
        CompletableFuture<Execution> future = commands.runAsync(
                "echo first; " + waitFor(go) + "[ -e " + go + " ] || exit 9; echo second",
                RunOptions.defaults(),
                new ExecutionHandlers() {
                    @Override
                    public void onStdout(OutputMessage message) {
                        handlerThreads.add(Thread.currentThread().getName());
                        if (message.text().equals("first")) {
                            firstLine.countDown();
                        }
                    }
                });

        assertThat(firstLine.await(30, TimeUnit.SECONDS)).isTrue();
        assertThat(future).isNotDone();
        commands.run("touch " + go);
        Execution execution = future.get(30, TimeUnit.SECONDS);
        assertThat(execution.exitCode()).hasValue(0);
        assertThat(execution.stdoutText()).isEqualTo("first\nsecond");
        // never the transport's I/O threads: a handler that blocks must not stall other streams
        assertThat(handlerThreads).hasSize(2).allMatch(name -> name.startsWith("opensandbox-handler-"));
    }

    @Test
    void run_separatesStderrFromStdout() {
        Execution execution = commands.run("echo out1; echo err1 >&2; echo out2; echo err2 1>&2");

        assertThat(texts(execution.stdout())).containsExactly("out1", "out2");
        assertThat(texts(execution.stderr())).containsExactly("err1", "err2");
        assertThat(execution.stderr()).allMatch(OutputMessage::isError);
        assertThat(execution.stdout()).noneMatch(OutputMessage::isError);
        assertThat(execution.exitCode()).hasValue(0);
    }

    @Test
    void run_reportsExitCodes() {
        Execution three = commands.run("echo before; exit 3");
        assertThat(three.exitCode()).hasValue(3);
        assertThat(three.error()).hasValueSatisfying(error -> {
            assertThat(error.name()).isEqualTo("CommandExecError");
            assertThat(error.value()).isEqualTo("3");
        });
        assertThat(three.complete()).isEmpty();
        assertThat(three.stdoutText()).isEqualTo("before");

        assertThat(commands.run("false").exitCode()).hasValue(1);
        assertThat(commands.run("no-such-command-here").exitCode()).hasValue(127);
        Execution ok = commands.run("true");
        assertThat(ok.exitCode()).hasValue(0);
        assertThat(ok.error()).isEmpty();
        assertThat(ok.complete()).isPresent();
    }

    @Test
    void run_appliesEnvironmentAndWorkingDirectory() {
        commands.run("mkdir -p /tmp/e2e-cwd");
        Execution execution = commands.run(
                "echo \"$GREETING|$SPACED\"; pwd",
                RunOptions.builder()
                        .env("GREETING", "hello")
                        .env("SPACED", "two words; not a command")
                        .workingDirectory("/tmp/e2e-cwd")
                        .build());

        assertThat(texts(execution.stdout())).containsExactly("hello|two words; not a command", "/tmp/e2e-cwd");
    }

    @Test
    void run_timeoutEndsTheCommandWithAnError() {
        Execution execution = commands.run(
                "echo started; sleep 30; echo never",
                RunOptions.builder().timeout(Duration.ofMillis(700)).build());

        assertThat(execution.stdoutText()).isEqualTo("started");
        assertThat(execution.error()).isPresent();
        assertThat(execution.complete()).isEmpty();
        assertThat(execution.exitCode()).isNotEqualTo(java.util.OptionalInt.of(0));
    }

    @Test
    void run_returnsOnTheTerminalEventNotWhenTheServerClosesTheStream() {
        RecordingHandle recording = new RecordingHandle(sandbox);
        Commands recorded = Commands.of(recording.handle());
        recorded.run("echo warm-up");

        long started = System.nanoTime();
        Execution execution = recorded.run("echo hello");
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);

        assertThat(execution.stdoutText()).isEqualTo("hello");
        // The SDK stopped reading (cancelled the body) on execution_complete; the server never got to end either
        // stream, because it keeps each one open for its five-second grace period.
        assertThat(recording.cancelledBodies).hasValue(2);
        assertThat(recording.endedBodies).hasValue(0);
        // A generous bound: the server would hold the stream for 5 s.
        assertThat(millis).isLessThan(4000);
    }

    @Test
    void background_logsWithCursorAndFollow() throws Exception {
        String go = uniquePath();
        Execution started = commands.run(
                "echo a1; echo a2; " + waitFor(go) + "echo b1; echo b2",
                RunOptions.builder().background(true).build());
        assertThat(started.exitCode()).isEmpty();
        String id = started.id().orElseThrow();

        AtomicReference<CommandLogs> first = new AtomicReference<>();
        eventually("a1 and a2 in the logs", () -> {
            first.set(commands.getBackgroundCommandLogs(id));
            return first.get().content().contains("a2");
        });
        assertThat(first.get().content()).isEqualTo("a1\na2\n");
        long cursor = first.get().cursor().orElseThrow();
        assertThat(commands.getCommandStatus(id).running()).isTrue();

        commands.run("touch " + go);
        AtomicReference<CommandLogs> rest = new AtomicReference<>();
        eventually("b2 in the logs after the cursor", () -> {
            rest.set(commands.getBackgroundCommandLogs(id, cursor));
            return rest.get().content().contains("b2");
        });
        assertThat(rest.get().content()).isEqualTo("b1\nb2\n");

        StringBuilder followed = new StringBuilder();
        CommandStatus status = commands.followBackgroundCommand(id, followed::append, Duration.ofMillis(200));
        assertThat(status.running()).isFalse();
        assertThat(status.exitCode()).hasValue(0);
        assertThat(followed.toString()).isEqualTo("a1\na2\nb1\nb2\n");
    }

    @Test
    void followBackgroundCommand_seesOutputThatAppearsWhileFollowing() {
        Execution started = commands.run(
                "for i in 1 2 3 4 5; do echo tick$i; sleep 0.1; done; exit 4",
                RunOptions.builder().background(true).build());
        String id = started.id().orElseThrow();

        List<String> slices = new ArrayList<>();
        CommandStatus status = commands.followBackgroundCommand(id, slices::add, Duration.ofMillis(100));

        assertThat(String.join("", slices)).isEqualTo("tick1\ntick2\ntick3\ntick4\ntick5\n");
        assertThat(status.running()).isFalse();
        assertThat(status.exitCode()).hasValue(4);
    }

    @Test
    void interrupt_stopsASleepingCommand() throws Exception {
        AtomicReference<String> id = new AtomicReference<>();
        CountDownLatch ready = new CountDownLatch(1);
        CompletableFuture<Execution> future =
                commands.runAsync("echo ready; sleep 30; echo never", RunOptions.defaults(), new ExecutionHandlers() {
                    @Override
                    public void onInit(ExecutionInit init) {
                        id.set(init.id());
                    }

                    @Override
                    public void onStdout(OutputMessage message) {
                        ready.countDown();
                    }
                });
        assertThat(ready.await(30, TimeUnit.SECONDS)).isTrue();

        commands.interrupt(id.get());

        Execution execution = future.get(30, TimeUnit.SECONDS);
        assertThat(execution.stdoutText()).isEqualTo("ready");
        assertThat(execution.error().isPresent() ^ execution.complete().isPresent())
                .as("error XOR complete")
                .isTrue();
        assertThat(commands.getCommandStatus(id.get()).running()).isFalse();
    }

    @Test
    void interruptingTheCallingThread_abortsTheRunAndInterruptsTheCommand() throws Exception {
        AtomicReference<String> id = new AtomicReference<>();
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        CountDownLatch ready = new CountDownLatch(1);
        AtomicBoolean interruptFlagKept = new AtomicBoolean();
        Thread caller = new Thread(() -> {
            try {
                commands.run(
                        "echo ready; sleep 30",
                        RunOptions.builder().interruptOnCancel(true).build(),
                        new ExecutionHandlers() {
                            @Override
                            public void onInit(ExecutionInit init) {
                                id.set(init.id());
                            }

                            @Override
                            public void onStdout(OutputMessage message) {
                                ready.countDown();
                            }
                        });
            } catch (Throwable e) {
                thrown.set(e);
                interruptFlagKept.set(Thread.currentThread().isInterrupted());
            }
        });
        caller.start();
        assertThat(ready.await(30, TimeUnit.SECONDS)).isTrue();

        caller.interrupt();
        caller.join(30_000);

        assertThat(caller.isAlive()).isFalse();
        assertThat(thrown.get())
                .isInstanceOf(SandboxException.class)
                .satisfies(
                        e -> assertThat(((SandboxException) e).error().code()).isEqualTo(SandboxError.CANCELLED));
        assertThat(interruptFlagKept).isTrue();
        eventually(
                "the remote command ends",
                () -> !commands.getCommandStatus(id.get()).running());
    }

    @Test
    void cancellingTheFuture_interruptsTheCommandWhenAsked() throws Exception {
        AtomicReference<String> id = new AtomicReference<>();
        CountDownLatch ready = new CountDownLatch(1);
        CompletableFuture<Execution> future = commands.runAsync(
                "echo ready; sleep 30",
                RunOptions.builder().interruptOnCancel(true).build(),
                new ExecutionHandlers() {
                    @Override
                    public void onInit(ExecutionInit init) {
                        id.set(init.id());
                    }

                    @Override
                    public void onStdout(OutputMessage message) {
                        ready.countDown();
                    }
                });
        assertThat(ready.await(30, TimeUnit.SECONDS)).isTrue();

        assertThat(future.cancel(true)).isTrue();

        eventually(
                "the remote command ends",
                () -> !commands.getCommandStatus(id.get()).running());
    }

    @Test
    void fiftyConcurrentCommands_allOutputsCompleteAndInOrder() throws Exception {
        int commandsCount = 50;
        int lines = 200;
        List<CompletableFuture<Execution>> futures = new ArrayList<>();
        for (int c = 0; c < commandsCount; c++) {
            futures.add(commands.runAsync(
                    "i=1; while [ $i -le " + lines + " ]; do echo c" + c + "-$i; i=$((i+1)); done; echo c" + c
                            + "-err >&2",
                    RunOptions.defaults(),
                    ExecutionHandlers.NONE));
        }
        CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);

        for (int c = 0; c < commandsCount; c++) {
            int command = c;
            Execution execution = futures.get(c).get();
            List<String> expected = IntStream.rangeClosed(1, lines)
                    .mapToObj(i -> "c" + command + "-" + i)
                    .collect(Collectors.toList());
            assertThat(texts(execution.stdout())).as("command %d", c).isEqualTo(expected);
            assertThat(texts(execution.stderr())).containsExactly("c" + c + "-err");
            assertThat(execution.exitCode()).hasValue(0);
        }
        assertThat(futures.stream().map(f -> f.join().id().orElseThrow()).distinct())
                .hasSize(commandsCount);
    }

    @Test
    void fiftyConcurrentBlockingCallers_onOneSandbox() throws Exception {
        int callers = 50;
        List<Thread> threads = new ArrayList<>();
        List<String> outputs = Collections.synchronizedList(new ArrayList<>());
        List<Throwable> failures = Collections.synchronizedList(new ArrayList<>());
        for (int c = 0; c < callers; c++) {
            int caller = c;
            Thread thread = new Thread(() -> {
                try {
                    outputs.add(commands.run("echo caller-" + caller + "; echo done-" + caller)
                            .stdoutText());
                } catch (Throwable e) {
                    failures.add(e);
                }
            });
            threads.add(thread);
            thread.start();
        }
        for (Thread thread : threads) {
            thread.join(60_000);
        }
        assertThat(failures).isEmpty();
        assertThat(outputs)
                .containsExactlyInAnyOrderElementsOf(IntStream.range(0, callers)
                        .mapToObj(c -> "caller-" + c + "\ndone-" + c)
                        .collect(Collectors.toList()));
    }

    @Test
    void unknownCommandId_isNotFoundOrRejected() {
        assertThatThrownBy(() -> commands.getCommandStatus("no-such-id")).isInstanceOf(SandboxException.class);
    }

    @Test
    void run_asAnotherUserAndGroup() {
        Execution execution = commands.run(
                "id -u; id -g", RunOptions.builder().uid(1234).gid(2345).build());

        assertThat(texts(execution.stdout())).containsExactly("1234", "2345");
    }

    @Test
    void run_inAMissingDirectoryIsAnApiErrorBeforeAnyEvent() {
        assertThatThrownBy(() -> commands.run(
                        "pwd",
                        RunOptions.builder().workingDirectory("/no/such/dir").build()))
                .isInstanceOf(SandboxApiException.class)
                .satisfies(
                        e -> assertThat(((SandboxApiException) e).statusCode()).isEqualTo(400));
    }

    @Test
    void run_aCommandOutlivingTheRequestTimeoutIsNotCut(ConnectionConfig config) {
        ConnectionConfig shortRequests =
                config.toBuilder().requestTimeout(Duration.ofMillis(500)).build();
        try (Sandbox connected =
                Sandbox.connector(sandbox.id()).connectionConfig(shortRequests).connect()) {
            // The command takes at least 2 s, four times the request timeout; its stream is active all along.
            Execution execution = Commands.of(connected).run("echo start; sleep 2; echo end");

            assertThat(execution.stdoutText()).isEqualTo("start\nend");
            assertThat(execution.exitCode()).hasValue(0);
        }
    }

    @Test
    void metrics_sampleAndWatch() throws Exception {
        Metrics sample = commands.getMetrics();
        assertThat(sample.cpuCount()).isPositive();
        assertThat(sample.memoryTotalMiB()).isPositive();
        assertThat(sample.memoryUsedMiB()).isBetween(0.0, sample.memoryTotalMiB());

        List<Metrics> samples = Collections.synchronizedList(new ArrayList<>());
        CountDownLatch two = new CountDownLatch(2);
        try (MetricsWatch watch = commands.watchMetrics(metrics -> {
            samples.add(metrics);
            two.countDown();
        })) {
            assertThat(two.await(30, TimeUnit.SECONDS)).isTrue();
            assertThat(watch.completion()).isNotDone();
        }
        assertThat(samples).allSatisfy(metrics -> assertThat(metrics.cpuCount()).isPositive());
    }

    @Test
    void lifecycleApiKey_neverReachesExecd(LocalSandboxServer server) {
        commands.run("echo key-check");
        commands.getCommandStatus(commands.run("true").id().orElseThrow());

        assertThat(server.apiKey()).isEqualTo(API_KEY);
        assertThat(server.leakedApiKeyRequests()).isZero();
    }
}
