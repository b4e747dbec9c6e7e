package io.opensandbox.commands;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.opensandbox.api.InvalidArgumentException;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class ExecutionTest {
    private static OutputMessage out(String text) {
        return new OutputMessage(text, Instant.ofEpochMilli(5), false);
    }

    private static OutputMessage err(String text) {
        return new OutputMessage(text, Instant.ofEpochMilli(6), true);
    }

    @Test
    void addOutput_keepsEachStreamUpToItsBound_thenCountsWhatItDrops() {
        // each line costs its length + 20: "aaaaaaaaaa" costs 30, so three fit in 95 and the fourth does not
        Execution.Builder builder = Execution.builder().maxRetainedOutput(95);
        for (int i = 0; i < 5; i++) {
            builder.addOutput(out("aaaaaaaaa" + i));
        }
        builder.addOutput(out("")); // would fit in what is left, but the stream is already cut: no gap
        builder.addOutput(err("e1")).addOutput(err("e2"));

        Execution execution = builder.build();

        assertThat(execution.stdout())
                .extracting(OutputMessage::text)
                .containsExactly("aaaaaaaaa0", "aaaaaaaaa1", "aaaaaaaaa2");
        assertThat(execution.droppedStdout()).isEqualTo(new DroppedOutput(3, 20));
        assertThat(execution.stderrText()).isEqualTo("e1\ne2"); // stderr has its own bound
        assertThat(execution.droppedStderr()).isEqualTo(DroppedOutput.none());
        assertThat(execution.isOutputTruncated()).isTrue();
        assertThat(execution.retainedOutputBytes()).isEqualTo(3 * 30 + 2 * 22);
        assertThat(execution.toString()).contains("truncated: 3 stdout and 0 stderr lines dropped");
    }

    @Test
    void addOutput_underTheBound_keepsEverythingWithItsTimestampAndStream() {
        Execution execution =
                Execution.builder().addOutput(out("hi")).addOutput(err("oops")).build();

        assertThat(execution.stdout()).containsExactly(out("hi"));
        assertThat(execution.stderr()).containsExactly(err("oops"));
        assertThat(execution.isOutputTruncated()).isFalse();
        assertThat(execution.stdoutText()).isEqualTo("hi");
    }

    @Test
    void maxRetainedOutput_defaultsToEightMiBAndRejectsNegatives() {
        assertThat(RunOptions.defaults().maxRetainedOutput()).isEqualTo(8L * 1024 * 1024);
        assertThat(RunOptions.builder().maxRetainedOutput(0).build().toBuilder()
                        .build()
                        .maxRetainedOutput())
                .isZero();
        assertThatThrownBy(() -> RunOptions.builder().maxRetainedOutput(-1))
                .isInstanceOf(InvalidArgumentException.class);
        Execution none =
                Execution.builder().maxRetainedOutput(0).addOutput(out("x")).build();
        assertThat(none.stdout()).isEmpty();
        assertThat(none.droppedStdout()).isEqualTo(new DroppedOutput(1, 1));
    }
}
