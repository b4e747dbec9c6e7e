package io.opensandbox.pty.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.opensandbox.api.ConflictException;
import io.opensandbox.api.ConnectionConfig;
import io.opensandbox.api.NotFoundException;
import io.opensandbox.lifecycle.Sandbox;
import io.opensandbox.pty.AttachOptions;
import io.opensandbox.pty.CreatePtyOptions;
import io.opensandbox.pty.Pty;
import io.opensandbox.pty.PtyChannel;
import io.opensandbox.pty.PtyConnection;
import io.opensandbox.pty.PtyDisconnect;
import io.opensandbox.pty.PtyListener;
import io.opensandbox.pty.PtyMode;
import io.opensandbox.pty.PtyOutput;
import io.opensandbox.pty.PtySession;
import io.opensandbox.pty.PtySignal;
import io.opensandbox.pty.PtyStatus;
import io.opensandbox.pty.PtyStreams;
import io.opensandbox.testkit.LocalSandboxExtension;
import io.opensandbox.testkit.LocalSandboxServer;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Real terminals in a sandbox of the local test server, whose PTY routes run bash on a real pseudo-terminal
 * (or on pipes), through the transport this run names (the suite runs on both).
 */
@Timeout(120)
class PtyEndToEndTest {
    private static final String API_KEY = "e2e-lifecycle-key";
    private static final Duration END = Duration.ofSeconds(30);

    @RegisterExtension
    static final LocalSandboxExtension SERVER = LocalSandboxExtension.withApiKey(API_KEY);

    private static Sandbox sandbox;
    private static Pty pty;

    @BeforeAll
    static void createSandbox(ConnectionConfig config) {
        sandbox = Sandbox.builder().image("any").connectionConfig(config).create();
        pty = Pty.of(sandbox);
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

    @Test
    void interactiveBash_typeEchoHi_readsHi_onHandlerThreads() throws Exception {
        PtySession session = pty.create();
        Screen screen = new Screen();
        try (PtyConnection terminal = session.attach(screen)) {
            assertThat(screen.connected).isTrue();
            assertThat(terminal.mode()).isEqualTo(PtyMode.PTY);
            terminal.write("echo hi\n");
            screen.await("echo hi\r\nhi\r\n");
            terminal.write("tty\n");
            screen.await("/dev/");
            assertThat(screen.text()).doesNotContain("not a tty");
        } finally {
            session.delete();
        }
        assertThat(screen.threads).allSatisfy(name -> assertThat(name).startsWith("opensandbox-handler-"));
        assertThat(screen.outputs).allSatisfy(o -> assertThat(o.channel()).isEqualTo(PtyChannel.STDOUT));
    }

    @Test
    void python3Repl_evaluatesWhatIsTyped() throws Exception {
        PtySession session =
                pty.create(CreatePtyOptions.builder().command("python3 -q").build());
        Screen screen = new Screen();
        try (PtyConnection terminal = session.attach(screen)) {
            screen.await(">>> ");
            terminal.write("print(6 * 7)\n");
            screen.await("42\r\n");
            terminal.write("import sys; sys.exit(5)\n");
            PtyDisconnect end = terminal.awaitDisconnect(END);
            assertThat(end.reason()).isEqualTo(PtyDisconnect.Reason.EXITED);
            assertThat(end.exitCode()).hasValue(5);
        } finally {
            deleteQuietly(session);
        }
    }

    @Test
    void resize_isWhatSttySizeReports() throws Exception {
        PtySession session = pty.create();
        Screen screen = new Screen();
        try (PtyConnection terminal =
                session.attach(AttachOptions.builder().size(100, 30).build(), screen)) {
            terminal.write("stty size\n");
            screen.await("\r\n30 100\r\n");
            terminal.resize(132, 43);
            terminal.write("stty size\n");
            screen.await("\r\n43 132\r\n");
        } finally {
            session.delete();
        }
    }

    @Test
    void ctrlC_interruptsSleep100_andTheShellGoesOn() throws Exception {
        PtySession session = pty.create();
        Screen screen = new Screen();
        try (PtyConnection terminal = session.attach(screen)) {
            // the job prints once it is the terminal's foreground job, then becomes sleep 100: a Ctrl-C typed
            // before bash started the job would reach bash instead (and the testkit's relay before it is up)
            terminal.write("sh -c 'echo sleeping-$((1 + 1)); exec sleep 100'\n");
            screen.await("\r\nsleeping-2\r\n");
            terminal.write("\u0003");
            terminal.write("echo after-$((20 + 1))\n");
            screen.await("after-21\r\n");
            assertThat(session.status().running()).isTrue();
        } finally {
            session.delete();
        }
    }

    @Test
    void sigint_stopsSleep100_withItsExitCode() throws Exception {
        PtySession session = pty.create(CreatePtyOptions.builder()
                .command("echo started-$((1 + 1)); exec sleep 100")
                .build());
        Screen screen = new Screen();
        try (PtyConnection terminal = session.attach(screen)) {
            screen.await("started-2"); // a signal sent before the command runs has nothing to stop yet
            terminal.signal(PtySignal.SIGINT);
            PtyDisconnect end = terminal.awaitDisconnect(END);
            assertThat(end.reason()).isEqualTo(PtyDisconnect.Reason.EXITED);
            assertThat(end.exitCode()).hasValue(130);
            assertThat(screen.exitCode).isEqualTo(130);
        } finally {
            deleteQuietly(session);
        }
    }

    @Test
    void pipeMode_keepsStderrApart_andSigtermEndsIt() throws Exception {
        PtySession session =
                pty.create(CreatePtyOptions.builder().mode(PtyMode.PIPE).build());
        Screen screen = new Screen();
        try (PtyConnection terminal = session.attach(screen)) {
            assertThat(terminal.mode()).isEqualTo(PtyMode.PIPE);
            terminal.write("echo out; echo err >&2; tty || true\n");
            screen.await("not a tty");
            screen.await("err\n");
            assertThat(screen.stderrText()).isEqualTo("err\n");
            assertThat(screen.text()).contains("out\n");
            terminal.write("sleep 100\n");
            terminal.signal(PtySignal.SIGTERM);
            PtyDisconnect end = terminal.awaitDisconnect(END);
            assertThat(end.reason()).isEqualTo(PtyDisconnect.Reason.EXITED);
            assertThat(end.exitCode()).hasValue(143);
        } finally {
            deleteQuietly(session);
        }
    }

    @Test
    void exit_reportsTheExitCode() throws Exception {
        PtySession session = pty.create();
        Screen screen = new Screen();
        try (PtyConnection terminal = session.attach(screen)) {
            terminal.write("exit 7\n");
            PtyDisconnect end = terminal.awaitDisconnect(END);
            assertThat(end.reason()).isEqualTo(PtyDisconnect.Reason.EXITED);
            assertThat(end.exitCode()).hasValue(7);
            assertThat(end.closeCode()).isEqualTo(1000);
            assertThat(screen.exitCode).isEqualTo(7);
            assertThat(terminal.isOpen()).isFalse();
        } finally {
            deleteQuietly(session);
        }
    }

    @Test
    void command_runsInTheGivenDirectory_andItsExitCodeIsTheSessions() throws Exception {
        PtySession session = pty.create(CreatePtyOptions.builder()
                .workingDirectory("/tmp")
                .command("echo from-$(pwd); exit 3")
                .build());
        Screen screen = new Screen();
        try (PtyConnection terminal = session.attach(screen)) {
            PtyDisconnect end = terminal.awaitDisconnect(END);
            assertThat(end.exitCode()).hasValue(3);
            assertThat(screen.text()).contains("from-/tmp");
        } finally {
            deleteQuietly(session);
        }
    }

    @Test
    void reconnectFromTheOffset_losesNothing_andRepeatsNothing() throws Exception {
        PtySession session = pty.create();
        try {
            Screen first = new Screen();
            long offset;
            try (PtyConnection terminal = session.attach(first)) {
                terminal.write("echo one-$((0 + 1))\n");
                first.await("one-1\r\n");
                // output made while nobody is attached: execd keeps it for the replay
                terminal.write("sleep 1; echo two-$((1 + 1))\n");
                first.await("sleep 1; echo two");
            }
            offset = first.disconnect.offset();
            assertThat(first.disconnect.reason()).isEqualTo(PtyDisconnect.Reason.CLOSED);
            assertThat(offset).isEqualTo(first.bytes().length);

            Screen second = new Screen();
            try (PtyConnection terminal =
                    session.attach(AttachOptions.builder().since(offset).build(), second)) {
                assertThat(terminal.isOpen()).isTrue();
                second.await("two-2\r\n");
                assertThat(second.outputs.get(0).offset()).isEqualTo(offset);
                assertThat(second.text()).doesNotContain("one-1");
            }
            long total = second.disconnect.offset();

            Screen everything = new Screen();
            try (PtyConnection terminal = session.attach(everything)) {
                assertThat(terminal.isOpen()).isTrue();
                assertThat(everything.outputs).isNotEmpty();
                assertThat(everything.outputs.get(0).channel()).isEqualTo(PtyChannel.REPLAY);
            }
            byte[] joined = concat(first.bytes(), second.bytes());
            assertThat(joined.length).isEqualTo((int) total);
            assertThat(Arrays.copyOf(everything.bytes(), joined.length)).isEqualTo(joined);
        } finally {
            session.delete();
        }
    }

    @Test
    void takeover_movesTheShell_andTellsTheOldSideWhy() throws Exception {
        PtySession session = pty.create();
        Screen old = new Screen();
        try (PtyConnection first = session.attach(old)) {
            first.write("export MARK=kept-$((40 + 2))\n");
            first.write("echo ready\n");
            old.await("ready\r\n");

            assertThatThrownBy(() -> session.attach(new Screen()))
                    .isInstanceOf(ConflictException.class)
                    .hasMessageContaining("takeover(true)");

            Screen taker = new Screen();
            try (PtyConnection second = session.attach(
                    AttachOptions.builder().takeover(true).since(first.offset()).build(), taker)) {
                PtyDisconnect taken = first.awaitDisconnect(END);
                assertThat(taken.reason()).isEqualTo(PtyDisconnect.Reason.TAKEN_OVER);
                assertThat(taken.closeCode()).isEqualTo(4001);
                assertThat(taken.error())
                        .hasValueSatisfying(e -> assertThat(e.error().code()).isEqualTo("TAKEN_OVER"));
                second.write("echo $MARK\n");
                taker.await("kept-42\r\n");
            }
        } finally {
            session.delete();
        }
    }

    @Test
    void fiftyConcurrentTerminals_eachSeesOnlyItsOwnOutput() throws Exception {
        int count = 50;
        List<PtySession> sessions = new ArrayList<>();
        List<Screen> screens = new ArrayList<>();
        List<CompletableFuture<PtyConnection>> attaching = new ArrayList<>();
        try {
            for (int i = 0; i < count; i++) {
                PtySession session = pty.create();
                Screen screen = new Screen();
                sessions.add(session);
                screens.add(screen);
                attaching.add(session.attachAsync(AttachOptions.defaults(), screen));
            }
            List<PtyConnection> terminals = new ArrayList<>();
            for (CompletableFuture<PtyConnection> future : attaching) {
                terminals.add(future.get(60, java.util.concurrent.TimeUnit.SECONDS));
            }
            for (int i = 0; i < count; i++) {
                terminals.get(i).write("echo term-" + i + "-$((" + i + " * 3))\n");
            }
            for (int i = 0; i < count; i++) {
                screens.get(i).await("term-" + i + "-" + (i * 3) + "\r\n");
                assertThat(screens.get(i).text()).doesNotContain("term-" + ((i + 1) % count) + "-");
            }
            terminals.forEach(PtyConnection::close);
        } finally {
            sessions.forEach(PtyEndToEndTest::deleteQuietly);
        }
    }

    @Test
    void slowListener_holdsTheCommandBack_andLosesNothing() throws Exception {
        // 1,000,000 lines of 101 bytes: far more than the pipe, the sockets and the WebSocket buffers on the way
        // hold. The listener stops on its first output for 3 s; the command may only have written what those
        // buffers hold meanwhile (an SDK reading on into memory would let it run to the end), and afterwards every
        // line arrives once and in order.
        int lines = 1_000_000;
        long total = 101L * lines;
        PtySession session = pty.create(CreatePtyOptions.builder()
                .mode(PtyMode.PIPE)
                .command("seq -f %0100.0f 1 " + lines)
                .build());
        CountDownLatch stopped = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        SlowCounter slow = new SlowCounter(stopped, release);
        try (PtyConnection terminal = session.attach(slow)) {
            assertThat(stopped.await(30, TimeUnit.SECONDS)).isTrue();
            Thread.sleep(3_000);
            PtyStatus held = session.status();
            release.countDown();
            assertThat(held.running()).isTrue();
            assertThat(held.outputOffset()).isLessThan(total / 4);

            PtyDisconnect end = terminal.awaitDisconnect(Duration.ofSeconds(90));
            assertThat(end.exitCode()).hasValue(0);
            assertThat(slow.failure).isNull();
            assertThat(slow.bytes).isEqualTo(total);
            assertThat(slow.next).isEqualTo(lines + 1L);
        } finally {
            release.countDown();
            deleteQuietly(session);
        }
    }

    /** Checks that the lines of {@code seq} come once and in order, stopping on the first output until released. */
    private static final class SlowCounter implements PtyListener {
        private final CountDownLatch stopped;
        private final CountDownLatch release;
        private final StringBuilder line = new StringBuilder();
        volatile long bytes;
        volatile long next = 1;
        volatile String failure;

        SlowCounter(CountDownLatch stopped, CountDownLatch release) {
            this.stopped = stopped;
            this.release = release;
        }

        @Override
        public void onOutput(PtyOutput output) {
            if (stopped.getCount() > 0) {
                stopped.countDown();
                try {
                    release.await(60, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            byte[] data = output.bytes();
            bytes += data.length;
            for (byte b : data) {
                if (b != '\n') {
                    line.append((char) b);
                    continue;
                }
                if (failure == null && !line.toString().equals(String.format("%0100d", next))) {
                    failure = "line " + next + " was " + line;
                }
                next++;
                line.setLength(0);
            }
        }
    }

    @Test
    void streams_readAndWriteTheTerminal_andEndAtExit() throws Exception {
        PtySession session = pty.create();
        try (PtyStreams streams = session.attachStreams(AttachOptions.defaults())) {
            OutputStream keys = streams.output();
            InputStream screen = streams.input();
            keys.write("echo stream-$((2 + 3)); exit 4\n".getBytes(StandardCharsets.UTF_8));
            ByteArrayOutputStream shown = new ByteArrayOutputStream();
            screen.transferTo(shown);
            assertThat(shown.toString(StandardCharsets.UTF_8)).contains("stream-5\r\n");
            PtyDisconnect end = streams.connection().awaitDisconnect(END);
            assertThat(end.exitCode()).hasValue(4);
        } finally {
            deleteQuietly(session);
        }
    }

    @Test
    void statusAndDelete() throws Exception {
        PtySession session = pty.create();
        assertThat(session.status().running()).isFalse();
        Screen screen = new Screen();
        PtyConnection terminal = session.attach(screen);
        terminal.write("echo status-$((3 + 4))\n");
        screen.await("status-7\r\n");
        long delivered = terminal.offset();
        PtyStatus status = session.status();
        assertThat(status.running()).isTrue();
        assertThat(status.outputOffset()).isGreaterThanOrEqualTo(delivered);

        session.delete();

        PtyDisconnect end = terminal.awaitDisconnect(END);
        assertThat(end.reason()).isNotEqualTo(PtyDisconnect.Reason.CLOSED);
        assertThatThrownBy(session::status).isInstanceOf(NotFoundException.class);
        assertThatThrownBy(() -> session.attach(new Screen())).isInstanceOf(NotFoundException.class);
    }

    private static void deleteQuietly(PtySession session) {
        try {
            session.delete();
        } catch (NotFoundException e) {
            // already gone
        }
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] joined = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, joined, a.length, b.length);
        return joined;
    }
}
