package io.opensandbox.api.internal.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LinesTest {
    private static final String TEXT = "{\"type\":\"stdout\",\"text\":\"héllo wörld ✓ 😀\"}\n\n"
            + "data: {\"type\":\"ping\"}\r\n: comment\nlast line without newline";

    @Test
    void feed_splitAtEveryByteOffset_givesTheSameLines() {
        byte[] bytes = TEXT.getBytes(StandardCharsets.UTF_8);
        List<String> expected = List.of(
                "{\"type\":\"stdout\",\"text\":\"héllo wörld ✓ 😀\"}", "", "data: {\"type\":\"ping\"}", ": comment");

        for (int cut = 0; cut <= bytes.length; cut++) {
            Lines splitter = new Lines(1024, "a line");
            List<String> lines = new ArrayList<>();
            splitter.feedText(ByteBuffer.wrap(bytes, 0, cut).slice(), lines::add);
            splitter.feedText(ByteBuffer.wrap(bytes, cut, bytes.length - cut).slice(), lines::add);

            assertThat(lines).as("cut at %d", cut).isEqualTo(expected);
            assertThat(splitter.rest()).isEqualTo("last line without newline");
        }
    }

    @Test
    void feed_oneByteAtATime_decodesMultiByteCharactersWhole() {
        byte[] bytes = "😀😀\n✓\n".getBytes(StandardCharsets.UTF_8);
        Lines splitter = new Lines(64, "a line");
        List<String> lines = new ArrayList<>();

        for (byte b : bytes) {
            splitter.feedText(ByteBuffer.wrap(new byte[] {b}), lines::add);
        }

        assertThat(lines).containsExactly("😀😀", "✓");
    }

    @Test
    void feed_directBuffers_work() {
        ByteBuffer direct = ByteBuffer.allocateDirect(16);
        direct.put("a\nbc\n".getBytes(StandardCharsets.UTF_8)).flip();
        List<String> lines = new ArrayList<>();

        new Lines(64, "a line").feedText(direct, lines::add);

        assertThat(lines).containsExactly("a", "bc");
    }

    @Test
    void feed_refusesLinesLongerThanTheLimit() {
        Lines splitter = new Lines(8, "a line");

        assertThatThrownBy(() -> {
                    splitter.feedText(ByteBuffer.wrap("12345".getBytes(StandardCharsets.UTF_8)), line -> {});
                    splitter.feedText(ByteBuffer.wrap("67890".getBytes(StandardCharsets.UTF_8)), line -> {});
                })
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("longer than 8");
    }
}
