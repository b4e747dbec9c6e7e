package io.opensandbox.pty;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.opensandbox.api.ConflictException;
import io.opensandbox.api.SandboxError;
import io.opensandbox.api.SandboxException;
import io.opensandbox.api.StreamBrokenException;
import java.io.IOException;
import java.io.InputStream;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;

/**
 * The connection state machine driven with recorded execd frames through a fake WebSocket session: offsets, replay
 * overlap and loss, demand, takeover, error frames and what goes out.
 */
class TerminalConnectionTest {
    private final FakeWebSocketSession ws = new FakeWebSocketSession();
    private final RecordingListener listener = new RecordingListener();

    private TerminalConnection open(AttachOptions options) {
        TerminalConnection connection = new TerminalConnection(
                "9b1deb4d-3b7d-4bad-9bdd-2b0d7b3dcb6d", PtyMode.PTY, options, new ListenerSink(listener));
        connection.onOpen(ws);
        return connection;
    }

    private static void text(TerminalConnection connection, String recorded) {
        connection.onText(RecordedFrames.text(recorded), true);
    }

    private static void binary(TerminalConnection connection, String recorded) {
        connection.onBinary(RecordedFrames.binary(recorded), true);
    }

    private static ByteBuffer stdout(String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        ByteBuffer frame = ByteBuffer.allocate(bytes.length + 1).put((byte) 1).put(bytes);
        return frame.flip();
    }

    @Test
    void replayThenConnectedThenLive_deliversInOrder_withOffsets() {
        TerminalConnection connection = open(AttachOptions.builder().since(42).build());

        binary(connection, "server.replay.42");
        assertThat(connection.connectedFuture()).isNotDone();
        text(connection, "server.connected.pty");
        binary(connection, "server.stdout");

        assertThat(connection.connectedFuture()).isCompletedWithValue(connection);
        assertThat(listener.events)
                .containsExactly("REPLAY@42:$ echo hi\r\nhi\r\n", "connected PTY", "STDOUT@57:hi\r\n");
        assertThat(connection.offset()).isEqualTo(61);
        assertThat(connection.mode()).isEqualTo(PtyMode.PTY);
    }

    @Test
    void firstAttach_withNothingToReplay_countsFromTheGivenOffset() {
        TerminalConnection connection = open(AttachOptions.defaults());
        text(connection, "server.connected.pipe");
        binary(connection, "server.stdout");
        binary(connection, "server.stderr");

        assertThat(connection.mode()).isEqualTo(PtyMode.PIPE);
        assertThat(listener.events).containsExactly("connected PIPE", "STDOUT@0:hi\r\n", "STDERR@4:oops\n");
        assertThat(connection.offset()).isEqualTo(9);
    }

    @Test
    void replayAfterTheOffsetAskedFor_reportsTheLostBytes() {
        TerminalConnection connection = open(AttachOptions.builder().since(10).build());
        binary(connection, "server.replay.42");

        assertThat(listener.events).containsExactly("lost 10..42", "REPLAY@42:$ echo hi\r\nhi\r\n");
        assertThat(connection.offset()).isEqualTo(57);
    }

    @Test
    void replayOverlappingWhatWasDelivered_skipsTheRepeatedBytes() {
        // execd never replays from before since, but a resumed offset inside a replay must not repeat a byte
        TerminalConnection connection = open(AttachOptions.builder().since(53).build());
        byte[] replay = RecordedFrames.bytes("server.replay.42");
        connection.onBinary(ByteBuffer.wrap(replay, 0, 12), false);
        connection.onBinary(ByteBuffer.wrap(replay, 12, replay.length - 12), true);

        assertThat(listener.text()).isEqualTo("hi\r\n");
        assertThat(listener.outputs).allSatisfy(o -> assertThat(o.channel()).isEqualTo(PtyChannel.REPLAY));
        assertThat(listener.outputs.get(0).offset()).isEqualTo(53);
        assertThat(connection.offset()).isEqualTo(57);
    }

    @Test
    void reconnectFromTheDisconnectOffset_losesNothing_andRepeatsNothing() {
        // first connection: 15 bytes replayed from 0, then live output, then the network drops
        TerminalConnection first = open(AttachOptions.defaults());
        byte[] replayed = "bash-5.2$ echo".getBytes(StandardCharsets.UTF_8);
        ByteBuffer replay = ByteBuffer.allocate(9 + replayed.length)
                .put((byte) 3)
                .putLong(0)
                .put(replayed);
        first.onBinary(replay.flip(), true);
        text(first, "server.connected.pty");
        first.onBinary(stdout(" one\r\n"), true);
        first.onError(new SocketException("Connection reset"));

        PtyDisconnect dropped = listener.disconnect;
        assertThat(dropped.reason()).isEqualTo(PtyDisconnect.Reason.DROPPED);
        assertThat(dropped.offset()).isEqualTo(replayed.length + 6);
        assertThat(dropped.error()).containsInstanceOf(StreamBrokenException.class);

        // execd kept producing; the second connection resumes at the offset and execd replays from there
        String afterDrop = "one\r\nbash-5.2$ ";
        RecordingListener second = new RecordingListener();
        TerminalConnection next = new TerminalConnection(
                "s",
                PtyMode.PTY,
                AttachOptions.builder().since(dropped.offset()).build(),
                new ListenerSink(second));
        next.onOpen(new FakeWebSocketSession());
        byte[] tail = afterDrop.getBytes(StandardCharsets.UTF_8);
        ByteBuffer replay2 = ByteBuffer.allocate(9 + tail.length)
                .put((byte) 3)
                .putLong(dropped.offset())
                .put(tail);
        next.onBinary(replay2.flip(), true);
        text(next, "server.connected.pty");

        assertThat(listener.text() + second.text()).isEqualTo("bash-5.2$ echo one\r\none\r\nbash-5.2$ ");
        assertThat(second.events).doesNotContain("lost");
    }

    @Test
    void listenerDelivery_asksForTheNextMessageOnlyAfterTheListenerReturned() {
        long[] requestedDuringCall = new long[1];
        PtyListener slow = new PtyListener() {
            @Override
            public void onOutput(PtyOutput output) {
                requestedDuringCall[0] = ws.requested();
            }
        };
        TerminalConnection connection =
                new TerminalConnection("s", PtyMode.PTY, AttachOptions.defaults(), new ListenerSink(slow));
        connection.onOpen(ws);
        binary(connection, "server.stdout");

        assertThat(requestedDuringCall[0]).isEqualTo(1);
        assertThat(ws.requested()).isEqualTo(2);
    }

    @Test
    void aThrowingListener_doesNotStopTheConnection() {
        PtyListener throwing = new PtyListener() {
            @Override
            public void onOutput(PtyOutput output) {
                throw new IllegalStateException("boom");
            }
        };
        TerminalConnection connection =
                new TerminalConnection("s", PtyMode.PTY, AttachOptions.defaults(), new ListenerSink(throwing));
        connection.onOpen(ws);
        binary(connection, "server.stdout");
        binary(connection, "server.stdout");

        assertThat(connection.offset()).isEqualTo(8);
        assertThat(ws.requested()).isEqualTo(3);
    }

    @Test
    void takeover_closesWith4001_andTellsWhy() {
        TerminalConnection connection = open(AttachOptions.defaults());
        text(connection, "server.connected.pty");
        binary(connection, "server.stdout");
        connection.onClose(
                RecordedFrames.closeCode("server.close.taken_over"),
                RecordedFrames.closeReason("server.close.taken_over"));

        PtyDisconnect disconnect = connection.disconnected().join();
        assertThat(disconnect.reason()).isEqualTo(PtyDisconnect.Reason.TAKEN_OVER);
        assertThat(disconnect.closeCode()).isEqualTo(4001);
        assertThat(disconnect.closeReason()).isEqualTo("TAKEN_OVER");
        assertThat(disconnect.offset()).isEqualTo(4);
        assertThat(disconnect.error()).hasValueSatisfying(e -> {
            assertThat(e.error().code()).isEqualTo("TAKEN_OVER");
            assertThat(e.getMessage()).contains("since(4)");
        });
        assertThat(listener.events).endsWith("disconnected TAKEN_OVER");
        assertThat(connection.isOpen()).isFalse();
        assertThatThrownBy(() -> connection.write("x"))
                .isInstanceOfSatisfying(
                        SandboxException.class,
                        e -> assertThat(e.error().code()).isEqualTo(SandboxError.CLOSED))
                .hasMessageContaining("TAKEN_OVER");
    }

    @Test
    void exitFrameThenNormalClose_isAnExit_withItsCode() {
        TerminalConnection connection = open(AttachOptions.defaults());
        text(connection, "server.connected.pty");
        text(connection, "server.exit.130");
        connection.onClose(1000, RecordedFrames.closeReason("server.close.exited"));

        PtyDisconnect disconnect = connection.disconnected().join();
        assertThat(disconnect.reason()).isEqualTo(PtyDisconnect.Reason.EXITED);
        assertThat(disconnect.exitCode()).hasValue(130);
        assertThat(disconnect.error()).isEmpty();
        assertThat(listener.events).containsExactly("connected PTY", "exit 130", "disconnected EXITED");
    }

    @Test
    void startFailed_failsTheAttach_withExecdsCode() {
        TerminalConnection connection = open(AttachOptions.defaults());
        text(connection, "server.error.start_failed");
        connection.onError(new IOException("closed without a close frame"));

        assertThat(connection.connectedFuture()).isCompletedExceptionally();
        assertThatThrownBy(() -> connection.connectedFuture().get())
                .isInstanceOf(ExecutionException.class)
                .cause()
                .isInstanceOfSatisfying(
                        SandboxException.class,
                        e -> assertThat(e.error().code()).isEqualTo("START_FAILED"));
        assertThat(listener.disconnect.reason()).isEqualTo(PtyDisconnect.Reason.FAILED);
    }

    @Test
    void takeoverTimeoutAfterTheUpgrade_isAConflict() {
        TerminalConnection connection =
                open(AttachOptions.builder().takeover(true).build());
        text(connection, "server.error.takeover_timeout");
        connection.onError(new IOException("closed"));

        assertThat(listener.errors).singleElement().isInstanceOf(ConflictException.class);
        assertThat(listener.disconnect.error()).containsInstanceOf(ConflictException.class);
    }

    @Test
    void invalidFrameError_doesNotEndTheConnection() {
        TerminalConnection connection = open(AttachOptions.defaults());
        text(connection, "server.connected.pty");
        text(connection, "server.error.invalid_frame");
        binary(connection, "server.stdout");

        assertThat(listener.events).containsExactly("connected PTY", "error INVALID_FRAME", "STDOUT@0:hi\r\n");
        assertThat(connection.isOpen()).isTrue();
    }

    @Test
    void fragmentedTextFrames_areJoined_andPongsAreQuiet() {
        TerminalConnection connection = open(AttachOptions.defaults());
        String connected = RecordedFrames.text("server.connected.pty");
        connection.onText(connected.substring(0, 10), false);
        connection.onText(connected.substring(10), true);
        text(connection, "server.pong");

        assertThat(listener.events).containsExactly("connected PTY");
        assertThat(ws.requested()).isEqualTo(4);
    }

    @Test
    void sends_areExecdsFrames_andLongInputIsSplit() {
        TerminalConnection connection =
                open(AttachOptions.builder().size(120, 40).build());
        text(connection, "server.connected.pty");
        connection.write("echo hi\n");
        connection.resize(120, 40);
        connection.signal(PtySignal.SIGINT);
        byte[] big = new byte[80_000];
        Arrays.fill(big, (byte) 'a');
        connection.write(big);

        assertThat(ws.texts)
                .containsExactly(
                        RecordedFrames.text("client.resize"),
                        RecordedFrames.text("client.resize"),
                        RecordedFrames.text("client.signal.sigint"));
        assertThat(ws.binaries.get(0)).isEqualTo(RecordedFrames.bytes("client.stdin"));
        assertThat(ws.binaries.subList(1, 4)).extracting(b -> b.length).containsExactly(32769, 32769, 14465);
        assertThat(ws.binaries.subList(1, 4)).allSatisfy(b -> assertThat(b[0]).isEqualTo((byte) 0));
        assertThatThrownBy(() -> connection.resize(0, 10)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aFailedWrite_isASandboxException() {
        TerminalConnection connection = open(AttachOptions.defaults());
        ws.sendFailure = new IllegalStateException("output closed");
        assertThatThrownBy(() -> connection.write("x")).isInstanceOf(SandboxException.class);
    }

    @Test
    void close_sendsANormalClose_andEndsAsClosed() {
        TerminalConnection connection = open(AttachOptions.defaults());
        text(connection, "server.connected.pty");
        Thread answer = new Thread(() -> {
            while (ws.closes.isEmpty()) {
                Thread.onSpinWait();
            }
            connection.onClose(1000, "");
        });
        answer.start();
        connection.close();

        assertThat(ws.closes).containsExactly(1000);
        assertThat(connection.disconnected().join().reason()).isEqualTo(PtyDisconnect.Reason.CLOSED);
        connection.close(); // idempotent
        assertThat(ws.closes).containsExactly(1000);
    }

    @Test
    void abort_beforeConnected_failsTheAttach() {
        TerminalConnection connection = open(AttachOptions.defaults());
        connection.abort(new SandboxException("TIMEOUT", "not attached in time"));

        assertThat(ws.aborted).isTrue();
        assertThat(connection.connectedFuture()).isCompletedExceptionally();
        assertThat(listener.disconnect.reason()).isEqualTo(PtyDisconnect.Reason.FAILED);
    }

    @Test
    void streams_readOutputInOrder_andStopReadingWhileTheQueueIsFull() throws IOException {
        StreamSink sink = new StreamSink();
        TerminalConnection connection = new TerminalConnection("s", PtyMode.PTY, AttachOptions.defaults(), sink);
        connection.onOpen(ws);
        sink.bind(connection);
        PtyStreams streams = new PtyStreams(connection, sink.reader());
        text(connection, "server.connected.pty");

        // the reader asked for a window of pieces; the network is read for exactly that many, then not at all
        int delivered = 0;
        while (ws.requested() > delivered + 1) {
            connection.onBinary(stdout(delivered + ","), true);
            delivered++;
        }
        assertThat(delivered).isEqualTo(StreamSink.WINDOW);
        long stalledAt = ws.requested();

        InputStream in = streams.input();
        byte[] first = new byte[2];
        assertThat(in.read(first)).isEqualTo(2);
        assertThat(new String(first, StandardCharsets.UTF_8)).isEqualTo("0,");
        // consuming frees room: the network is read again
        for (int i = 1; i < StreamSink.WINDOW / 2 + 1; i++) {
            assertThat(in.read(new byte[8])).isPositive();
        }
        assertThat(ws.requested()).isGreaterThan(stalledAt);

        text(connection, "server.exit.0");
        connection.onClose(1000, "process exited");
        byte[] rest = in.readAllBytes();
        assertThat(new String(rest, StandardCharsets.UTF_8)).startsWith(StreamSink.WINDOW / 2 + 1 + ",");
        assertThat(in.read()).isEqualTo(-1);
        assertThat(streams.connection().disconnected().join().exitCode()).hasValue(0);
    }

    @Test
    void streams_failWithTheReason_whenTakenOver() {
        StreamSink sink = new StreamSink();
        TerminalConnection connection = new TerminalConnection("s", PtyMode.PTY, AttachOptions.defaults(), sink);
        connection.onOpen(ws);
        sink.bind(connection);
        PtyStreams streams = new PtyStreams(connection, sink.reader());
        connection.onClose(4001, "TAKEN_OVER");

        assertThatThrownBy(() -> streams.input().read())
                .isInstanceOf(IOException.class)
                .hasMessageContaining("taken over")
                .cause()
                .isInstanceOf(SandboxException.class);
    }

    @Test
    void streams_outputWritesStdin() throws IOException {
        StreamSink sink = new StreamSink();
        TerminalConnection connection = new TerminalConnection("s", PtyMode.PTY, AttachOptions.defaults(), sink);
        connection.onOpen(ws);
        sink.bind(connection);
        PtyStreams streams = new PtyStreams(connection, sink.reader());
        streams.output().write("echo hi\n".getBytes(StandardCharsets.UTF_8));

        assertThat(ws.binaries).singleElement().isEqualTo(RecordedFrames.bytes("client.stdin"));
    }
}
