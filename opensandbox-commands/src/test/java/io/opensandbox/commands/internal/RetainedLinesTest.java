package io.opensandbox.commands.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.opensandbox.commands.OutputMessage;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RetainedLinesTest {
    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void snapshot_givesBackEveryLineAcrossPagesAndBlocks() {
        RetainedLines lines = new RetainedLines(true);
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 5_000; i++) {
            // short lines fill pages; every 700th is longer than a quarter page and gets its own
            String text = i % 700 == 0 ? "long-" + "x".repeat(20_000) + i : "line " + i + " é中";
            expected.add(text);
            lines.add(utf8(text), 1_000L + i);
        }

        List<OutputMessage> snapshot = lines.snapshot();

        assertThat(snapshot).hasSize(5_000);
        for (int i = 0; i < 5_000; i++) {
            assertThat(snapshot.get(i))
                    .isEqualTo(new OutputMessage(expected.get(i), Instant.ofEpochMilli(1_000L + i), true));
        }
        assertThat(RetainedLines.join(snapshot)).isEqualTo(String.join("\n", expected));
    }

    @Test
    void snapshot_isNotChangedByLaterLines() {
        RetainedLines lines = new RetainedLines(false);
        lines.add(utf8("a"), 1);
        List<OutputMessage> before = lines.snapshot();
        for (int i = 0; i < 3_000; i++) {
            lines.add(utf8("b" + i), 2);
        }

        assertThat(before).extracting(OutputMessage::text).containsExactly("a");
        assertThat(lines.snapshot()).hasSize(3_001);
        assertThatThrownBy(() -> before.get(1)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> before.add(before.get(0))).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void join_ofNothingAndOfEmptyLines() {
        RetainedLines lines = new RetainedLines(false);
        assertThat(RetainedLines.join(lines.snapshot())).isEmpty();
        lines.add(utf8(""), 1);
        lines.add(utf8(""), 1);
        assertThat(RetainedLines.join(lines.snapshot())).isEqualTo("\n");
        assertThat(RetainedLines.join(List.of(new OutputMessage("x", Instant.EPOCH, false))))
                .isEqualTo("x");
    }

    @Test
    void cost_isTheTextPlusTheFixedOverhead() {
        assertThat(RetainedLines.cost(0)).isEqualTo(RetainedLines.LINE_OVERHEAD);
        assertThat(RetainedLines.cost(100)).isEqualTo(100 + RetainedLines.LINE_OVERHEAD);
    }
}
