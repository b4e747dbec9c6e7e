package io.opensandbox.pty.internal;

import com.fasterxml.jackson.databind.JsonNode;
import io.opensandbox.api.internal.Json;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.OptionalInt;
import org.jspecify.annotations.Nullable;

/**
 * execd's PTY WebSocket frames ({@code components/execd/pkg/web/model/pty_ws.go}): binary frames whose first byte
 * is the channel, and JSON text frames for control. The client-side encoders produce exactly what execd's Go
 * encoder would for the same frame (field order of {@code ClientFrame}, no spaces), so a recorded frame and an
 * encoded one compare byte for byte.
 */
public final class Frames {
    /** Client to server: raw stdin bytes follow. */
    public static final byte STDIN = 0x00;

    /** Server to client: raw stdout bytes (all output in PTY mode). */
    public static final byte STDOUT = 0x01;

    /** Server to client: raw stderr bytes (pipe mode only). */
    public static final byte STDERR = 0x02;

    /** Server to client: an 8-byte big-endian offset, then replayed output from that offset. */
    public static final byte REPLAY = 0x03;

    /** The length of a replay frame's offset header. */
    public static final int REPLAY_HEADER = 8;

    /** The close code execd sends to a client whose session another client took over. */
    public static final int CLOSE_TAKEN_OVER = 4001;

    /** The most stdin bytes put in one frame; longer input is split. */
    public static final int MAX_STDIN_CHUNK = 32 * 1024;

    private Frames() {}

    /**
     * A stdin frame: {@code 0x00} and the bytes.
     *
     * @param data the bytes
     * @param offset where they start
     * @param length how many
     * @return a buffer ready to send
     */
    public static ByteBuffer stdin(byte[] data, int offset, int length) {
        ByteBuffer frame = ByteBuffer.allocate(1 + length);
        frame.put(STDIN).put(data, offset, length).flip();
        return frame;
    }

    /**
     * A resize frame.
     *
     * @param cols columns, positive
     * @param rows rows, positive
     * @return the JSON text
     */
    public static String resize(int cols, int rows) {
        return "{\"type\":\"resize\",\"cols\":" + cols + ",\"rows\":" + rows + "}";
    }

    /**
     * A signal frame.
     *
     * @param signal the signal's name, such as {@code SIGINT} (letters and digits only)
     * @return the JSON text
     */
    public static String signal(String signal) {
        return "{\"type\":\"signal\",\"signal\":\"" + signal + "\"}";
    }

    /**
     * An application-level ping, answered by a {@code pong} text frame.
     *
     * @return the JSON text
     */
    public static String ping() {
        return "{\"type\":\"ping\"}";
    }

    /**
     * A server text frame, decoded. Fields execd leaves out are {@code null}.
     *
     * @param type the frame type ({@code connected}, {@code exit}, {@code pong}, {@code error}, or one this SDK
     *     does not know)
     * @param sessionId the session id ({@code connected})
     * @param mode {@code pty} or {@code pipe} ({@code connected})
     * @param exitCode the exit code ({@code exit})
     * @param code the error code ({@code error})
     * @param error the error message ({@code error})
     */
    public record ServerFrame(
            String type,
            @Nullable String sessionId,
            @Nullable String mode,
            OptionalInt exitCode,
            @Nullable String code,
            @Nullable String error) {}

    /**
     * Decodes a server text frame (execd ends each one with a newline, which JSON allows).
     *
     * @param text the whole message
     * @return the frame, or {@code null} when the text is not a JSON object with a string {@code type}
     */
    public static @Nullable ServerFrame decode(CharSequence text) {
        JsonNode tree = Json.tryTree(text.toString().getBytes(StandardCharsets.UTF_8));
        if (tree == null || !tree.isObject() || !tree.path("type").isTextual()) {
            return null;
        }
        JsonNode exit = tree.path("exit_code");
        return new ServerFrame(
                tree.path("type").asText(),
                text(tree, "session_id"),
                text(tree, "mode"),
                exit.isIntegralNumber() ? OptionalInt.of(exit.asInt()) : OptionalInt.empty(),
                text(tree, "code"),
                text(tree, "error"));
    }

    private static @Nullable String text(JsonNode tree, String field) {
        JsonNode node = tree.path(field);
        return node.isTextual() ? node.asText() : null;
    }

    /** Receives the output a {@link BinaryDecoder} finds. */
    public interface OutputSink {
        /**
         * A replay frame's header: the offset of the first replayed byte.
         *
         * @param offset the offset
         */
        void replayStarts(long offset);

        /**
         * Output bytes of one channel.
         *
         * @param channel {@link #STDOUT}, {@link #STDERR} or {@link #REPLAY}
         * @param data the bytes (a slice of the received buffer)
         */
        void output(byte channel, ByteBuffer data);

        /**
         * A binary message with a channel byte this SDK does not know; its bytes are skipped.
         *
         * @param channel the byte
         */
        void unknownChannel(byte channel);
    }

    /**
     * Decodes binary messages as they arrive, fragment by fragment, without buffering a message: the channel byte
     * and the replay offset may fall in any fragment. One per connection; not thread-safe (a WebSocket delivers
     * one call at a time).
     */
    public static final class BinaryDecoder {
        private int channel = -1; // -1: at the start of a message
        private int headerBytes;
        private long replayOffset;
        private boolean skipping;

        /**
         * Feeds one fragment.
         *
         * @param fragment the bytes
         * @param last whether it ends the message
         * @param sink where the output goes
         */
        public void feed(ByteBuffer fragment, boolean last, OutputSink sink) {
            ByteBuffer data = fragment.slice();
            if (channel < 0 && data.hasRemaining()) {
                channel = data.get() & 0xff;
                headerBytes = 0;
                replayOffset = 0;
                skipping = channel != STDOUT && channel != STDERR && channel != REPLAY;
                if (skipping) {
                    sink.unknownChannel((byte) channel);
                }
            }
            if (channel == REPLAY) {
                while (headerBytes < REPLAY_HEADER && data.hasRemaining()) {
                    replayOffset = (replayOffset << 8) | (data.get() & 0xff);
                    headerBytes++;
                    if (headerBytes == REPLAY_HEADER) {
                        sink.replayStarts(replayOffset);
                    }
                }
            }
            boolean headerDone = channel != REPLAY || headerBytes == REPLAY_HEADER;
            if (channel >= 0 && !skipping && headerDone && data.hasRemaining()) {
                sink.output((byte) channel, data.slice());
            }
            if (last) {
                channel = -1;
            }
        }

        /**
         * Whether the decoder is inside a message (a fragment without {@code last} was fed).
         *
         * @return whether a message is incomplete
         */
        public boolean midMessage() {
            return channel >= 0;
        }
    }
}
