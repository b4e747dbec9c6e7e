package io.opensandbox.api.internal.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class EventDecoderTest {

    /** A decoded event copied out of the reused {@link WireEvent}. */
    record Seen(String type, String text, long timestamp, String error, String json) {}

    private static final String EXECD_STREAM = "{\"type\":\"init\",\"text\":\"cmd-1\",\"timestamp\":1700000000000}\n\n"
            + "{\"type\":\"stdout\",\"text\":\"h\u00e9llo \u4e16\u754c \uD83D\uDE00\",\"timestamp\":1700000000001}\n\n"
            + "{\"type\":\"ping\",\"text\":\"pong\",\"timestamp\":1700000000002}\n\n"
            + "{\"type\":\"stderr\",\"text\":\"warn\",\"timestamp\":1700000000003}\n\n"
            + "{\"type\":\"execution_complete\",\"execution_time\":12,\"timestamp\":1700000000004}\n\n";

    private static List<Seen> decodeAll(List<byte[]> chunks, boolean keepJson) {
        EventDecoder decoder = new EventDecoder(1 << 20, keepJson);
        List<Seen> seen = new ArrayList<>();
        EventDecoder.Sink sink = event -> {
            seen.add(copy(event));
            return false;
        };
        for (byte[] chunk : chunks) {
            decoder.feed(ByteBuffer.wrap(chunk), sink);
        }
        decoder.finish(sink);
        return seen;
    }

    private static Seen copy(WireEvent event) {
        String error = event.hasError()
                ? event.errorName() + "/" + event.errorValue() + "/" + event.traceback()
                : event.code() != null ? "code:" + event.code() + "/" + event.message() : null;
        return new Seen(event.type(), event.text(), event.timestamp(), error, event.json());
    }

    private static List<Seen> decode(String stream) {
        return decodeAll(List.of(stream.getBytes(StandardCharsets.UTF_8)), false);
    }

    @Test
    void decode_execdFormat_yieldsEveryEventInOrder() {
        List<Seen> seen = decode(EXECD_STREAM);

        assertThat(seen)
                .extracting(Seen::type)
                .containsExactly("init", "stdout", "ping", "stderr", "execution_complete");
        assertThat(seen.get(0).text()).isEqualTo("cmd-1");
        assertThat(seen.get(1).text()).isEqualTo("h\u00e9llo \u4e16\u754c \uD83D\uDE00");
        assertThat(seen.get(4).timestamp()).isEqualTo(1700000000004L);
    }

    @Test
    void decode_splitAtEveryByteOffset_yieldsTheSameEvents() {
        byte[] bytes = EXECD_STREAM.getBytes(StandardCharsets.UTF_8);
        List<Seen> expected = decode(EXECD_STREAM);
        for (int split = 0; split <= bytes.length; split++) {
            byte[] first = java.util.Arrays.copyOfRange(bytes, 0, split);
            byte[] second = java.util.Arrays.copyOfRange(bytes, split, bytes.length);
            assertThat(decodeAll(List.of(first, second), false))
                    .as("split at %d", split)
                    .isEqualTo(expected);
        }
    }

    @Test
    void decode_oneByteChunks_yieldsTheSameEvents() {
        byte[] bytes = EXECD_STREAM.getBytes(StandardCharsets.UTF_8);
        List<byte[]> chunks = new ArrayList<>();
        for (byte b : bytes) {
            chunks.add(new byte[] {b});
        }
        assertThat(decodeAll(chunks, false)).isEqualTo(decode(EXECD_STREAM));
    }

    @Test
    void decode_directBuffersSplitAtEveryOffset_yieldsTheSameEvents() {
        byte[] bytes = EXECD_STREAM.getBytes(StandardCharsets.UTF_8);
        List<Seen> expected = decode(EXECD_STREAM);
        for (int split = 0; split <= bytes.length; split += 7) {
            EventDecoder decoder = new EventDecoder(1 << 20, false);
            List<Seen> seen = new ArrayList<>();
            EventDecoder.Sink sink = event -> seen.add(copy(event)) && false;
            ByteBuffer first =
                    ByteBuffer.allocateDirect(split).put(bytes, 0, split).flip();
            ByteBuffer second = ByteBuffer.allocateDirect(bytes.length - split)
                    .put(bytes, split, bytes.length - split)
                    .flip();
            decoder.feed(first, sink);
            decoder.feed(second, sink);
            assertThat(seen).as("split at %d", split).isEqualTo(expected);
        }
    }

    @Test
    void decode_sseFraming_isToleratedAndStripped() {
        String stream = ": a comment\n"
                + "event: message\n"
                + "id: 7\n"
                + "retry: 1000\n"
                + "data: {\"type\":\"stdout\",\"text\":\"a\",\"timestamp\":1}\n\n"
                + "data:{\"type\":\"stdout\",\"text\":\"b\",\"timestamp\":2}\r\n\r\n"
                + "   {\"type\":\"stdout\",\"text\":\"c\",\"timestamp\":3}   \n";

        assertThat(decode(stream)).extracting(Seen::text).containsExactly("a", "b", "c");
    }

    @Test
    void decode_unknownFieldsAndTypes_areKeptOrSkipped() {
        String stream = "{\"type\":\"brand_new\",\"extra\":{\"nested\":[1,2,{\"x\":null}]},\"timestamp\":5}\n\n"
                + "{\"extra\":[1],\"type\":\"stdout\",\"text\":\"after\",\"more\":true,\"timestamp\":6}\n\n";

        assertThat(decode(stream)).extracting(Seen::type).containsExactly("brand_new", "stdout");
        assertThat(decode(stream).get(1).text()).isEqualTo("after");
    }

    @Test
    void decode_garbageLines_areSkipped() {
        String stream = "this is not json\n"
                + "{\"type\":\"stdout\",\"text\":\"ok\",\"timestamp\":1}\n"
                + "{\"type\":\"stdout\",\"text\":\"truncated\n"
                + "[1,2,3]\n"
                + "{\"type\":\"stdout\"} trailing\n"
                + "{\"type\":\"execution_complete\",\"timestamp\":2}\n";

        EventDecoder decoder = new EventDecoder(1 << 20, false);
        List<String> types = new ArrayList<>();
        decoder.feed(
                ByteBuffer.wrap(stream.getBytes(StandardCharsets.UTF_8)), event -> types.add(event.type()) && false);

        assertThat(types).containsExactly("stdout", "execution_complete");
        assertThat(decoder.skipped()).isEqualTo(4);
        assertThat(decoder.events()).isEqualTo(2);
    }

    @Test
    void decode_errorEvent_readsNameValueAndTraceback() {
        String stream = "{\"type\":\"error\",\"error\":{\"ename\":\"CommandExecError\",\"evalue\":\"127\","
                + "\"traceback\":[\"exit status 127\"]},\"timestamp\":9}\n\n";

        assertThat(decode(stream).get(0).error()).isEqualTo("CommandExecError/127/[exit status 127]");
    }

    @Test
    void decode_errorObjectAppendedToStream_readsCodeAndMessage() {
        String stream = "{\"code\":\"RUNTIME_ERROR\",\"message\":\"boom\"}\n";

        Seen seen = decode(stream).get(0);
        assertThat(seen.type()).isNull();
        assertThat(seen.error()).isEqualTo("code:RUNTIME_ERROR/boom");
    }

    @Test
    void decode_resultsAndCounts_readsEveryMimeType() {
        String stream = "{\"type\":\"result\",\"results\":{\"text\":\"4\",\"application/json\":{\"a\":1}},"
                + "\"timestamp\":1}\n{\"type\":\"execution_count\",\"execution_count\":3}\n";
        EventDecoder decoder = new EventDecoder(1 << 20, false);
        List<Object> seen = new ArrayList<>();
        decoder.feed(ByteBuffer.wrap(stream.getBytes(StandardCharsets.UTF_8)), event -> {
            seen.add(event.results() != null ? event.results() : event.executionCount());
            return false;
        });

        assertThat(seen).containsExactly(java.util.Map.of("text", "4", "application/json", "{\"a\":1}"), 3L);
    }

    @Test
    void decode_keepJson_givesTheObjectText() {
        List<Seen> seen = decodeAll(
                List.of("data: {\"type\":\"ping\",\"text\":\"pong\"}\n\n".getBytes(StandardCharsets.UTF_8)), true);

        assertThat(seen.get(0).json()).isEqualTo("{\"type\":\"ping\",\"text\":\"pong\"}");
    }

    @Test
    void decode_lastEventWithoutNewline_isDecodedByFinish() {
        assertThat(decode("{\"type\":\"execution_complete\",\"timestamp\":1}"))
                .extracting(Seen::type)
                .containsExactly("execution_complete");
    }

    @Test
    void feed_whenSinkStops_dropsTheRest() {
        EventDecoder decoder = new EventDecoder(1 << 20, false);
        List<String> types = new ArrayList<>();
        boolean stopped = decoder.feed(ByteBuffer.wrap(EXECD_STREAM.getBytes(StandardCharsets.UTF_8)), event -> {
            types.add(event.type());
            return "stdout".equals(event.type());
        });

        assertThat(stopped).isTrue();
        assertThat(types).containsExactly("init", "stdout");
    }

    @Test
    void feed_lineLongerThanTheLimit_fails() {
        EventDecoder decoder = new EventDecoder(16, false);
        byte[] longLine = "{\"type\":\"stdout\",\"text\":\"0123456789\"".getBytes(StandardCharsets.UTF_8);

        assertThatThrownBy(() -> decoder.feed(ByteBuffer.wrap(longLine), event -> false))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("longer than 16 bytes");
    }
}
