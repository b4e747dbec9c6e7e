package io.opensandbox.pty.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.opensandbox.pty.RecordedFrames;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/** The codec against frames recorded byte for byte from execd's Go encoders. */
class FramesTest {

    private static byte[] bytes(ByteBuffer buffer) {
        byte[] bytes = new byte[buffer.remaining()];
        buffer.duplicate().get(bytes);
        return bytes;
    }

    @Test
    void clientFrames_areByteForByteWhatExecdsEncoderWrites() {
        byte[] typed = "echo hi\n".getBytes(StandardCharsets.UTF_8);
        assertThat(bytes(Frames.stdin(typed, 0, typed.length))).isEqualTo(RecordedFrames.bytes("client.stdin"));
        assertThat(Frames.resize(120, 40)).isEqualTo(RecordedFrames.text("client.resize"));
        assertThat(Frames.signal("SIGINT")).isEqualTo(RecordedFrames.text("client.signal.sigint"));
        assertThat(Frames.ping()).isEqualTo(RecordedFrames.text("client.ping"));
    }

    @Test
    void stdin_takesAnArraySlice() {
        byte[] data = "xxabcxx".getBytes(StandardCharsets.UTF_8);
        assertThat(bytes(Frames.stdin(data, 2, 3))).containsExactly(0, 'a', 'b', 'c');
    }

    @Test
    void decode_connectedFrames_withTheirTrailingNewline() {
        Frames.ServerFrame pty = Frames.decode(RecordedFrames.text("server.connected.pty"));
        assertThat(pty).isNotNull();
        assertThat(pty.type()).isEqualTo("connected");
        assertThat(pty.sessionId()).isEqualTo("9b1deb4d-3b7d-4bad-9bdd-2b0d7b3dcb6d");
        assertThat(pty.mode()).isEqualTo("pty");
        assertThat(Frames.decode(RecordedFrames.text("server.connected.pipe")).mode())
                .isEqualTo("pipe");
    }

    @Test
    void decode_exitFrames_keepExitCodeZero() {
        assertThat(Frames.decode(RecordedFrames.text("server.exit.0")).exitCode())
                .isEqualTo(OptionalInt.of(0));
        assertThat(Frames.decode(RecordedFrames.text("server.exit.130")).exitCode())
                .isEqualTo(OptionalInt.of(130));
        assertThat(Frames.decode(RecordedFrames.text("server.pong")).exitCode()).isEmpty();
    }

    @Test
    void decode_errorFrames_readCodeAndMessage() {
        Frames.ServerFrame invalid = Frames.decode(RecordedFrames.text("server.error.invalid_frame"));
        assertThat(invalid.type()).isEqualTo("error");
        assertThat(invalid.code()).isEqualTo("INVALID_FRAME");
        assertThat(invalid.error()).isEqualTo("unknown frame type \"bogus\"");
        assertThat(Frames.decode(RecordedFrames.text("server.error.start_failed"))
                        .code())
                .isEqualTo("START_FAILED");
    }

    @Test
    void decode_refusesWhatIsNoFrame() {
        assertThat(Frames.decode("not json")).isNull();
        assertThat(Frames.decode("[1,2]")).isNull();
        assertThat(Frames.decode("{\"type\":7}")).isNull();
        assertThat(Frames.decode("{\"type\":\"later\",\"extra\":{}}").type()).isEqualTo("later");
    }

    /** What a decoder found, as text. */
    private static final class Found implements Frames.OutputSink {
        final List<String> events = new ArrayList<>();

        @Override
        public void replayStarts(long offset) {
            events.add("replay@" + offset);
        }

        @Override
        public void output(byte channel, ByteBuffer data) {
            events.add(channel + ":" + StandardCharsets.UTF_8.decode(data));
        }

        @Override
        public void unknownChannel(byte channel) {
            events.add("unknown " + channel);
        }
    }

    @Test
    void binaryDecoder_splitsChannelAndPayload_andReadsTheReplayOffset() {
        Found found = new Found();
        Frames.BinaryDecoder decoder = new Frames.BinaryDecoder();

        decoder.feed(RecordedFrames.binary("server.replay.42"), true, found);
        decoder.feed(RecordedFrames.binary("server.stdout"), true, found);
        decoder.feed(RecordedFrames.binary("server.stderr"), true, found);

        assertThat(found.events).containsExactly("replay@42", "3:$ echo hi\r\nhi\r\n", "1:hi\r\n", "2:oops\n");
        assertThat(decoder.midMessage()).isFalse();
    }

    @Test
    void binaryDecoder_acceptsAMessageCutAnywhere_evenInsideTheOffset() {
        byte[] replay = RecordedFrames.bytes("server.replay.42");
        for (int cut = 0; cut <= replay.length; cut++) {
            Found found = new Found();
            Frames.BinaryDecoder decoder = new Frames.BinaryDecoder();
            decoder.feed(ByteBuffer.wrap(replay, 0, cut), false, found);
            assertThat(decoder.midMessage()).isEqualTo(cut > 0);
            decoder.feed(ByteBuffer.wrap(replay, cut, replay.length - cut), true, found);

            assertThat(String.join("", found.events.subList(1, found.events.size()))
                            .replace("3:", ""))
                    .as("cut at %d", cut)
                    .isEqualTo("$ echo hi\r\nhi\r\n");
            assertThat(found.events.get(0)).isEqualTo("replay@42");
        }
    }

    @Test
    void binaryDecoder_readsAFullWidthOffset() {
        ByteBuffer frame = ByteBuffer.allocate(10)
                .put((byte) 3)
                .putLong(0x0102030405060708L)
                .put((byte) 'x');
        frame.flip();
        Found found = new Found();
        new Frames.BinaryDecoder().feed(frame, true, found);
        assertThat(found.events).containsExactly("replay@" + 0x0102030405060708L, "3:x");
    }

    @Test
    void binaryDecoder_skipsUnknownChannels_andAnEmptyStdoutFrame() {
        Found found = new Found();
        Frames.BinaryDecoder decoder = new Frames.BinaryDecoder();
        decoder.feed(ByteBuffer.wrap(new byte[] {9, 'a'}), false, found);
        decoder.feed(ByteBuffer.wrap(new byte[] {'b'}), true, found);
        decoder.feed(ByteBuffer.wrap(new byte[] {1}), true, found);
        decoder.feed(ByteBuffer.wrap(new byte[] {1, 'c'}), true, found);
        assertThat(found.events).containsExactly("unknown 9", "1:c");
    }

    @Test
    void recordedCloseFrames_carryExecdsCodes() {
        assertThat(RecordedFrames.closeCode("server.close.taken_over")).isEqualTo(Frames.CLOSE_TAKEN_OVER);
        assertThat(RecordedFrames.closeReason("server.close.taken_over")).isEqualTo("TAKEN_OVER");
        assertThat(RecordedFrames.closeCode("server.close.exited")).isEqualTo(1000);
    }
}
