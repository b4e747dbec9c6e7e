package io.opensandbox.commands.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.opensandbox.api.SandboxTimeoutException;
import io.opensandbox.commands.ExecutionHandlers;
import io.opensandbox.commands.RunOptions;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** An execution call takes any idle timeout, however long, without an arithmetic failure in its messages. */
@Timeout(30)
class ExecutionCallTest {
    private static final Duration HUGE = Duration.ofSeconds(Long.MAX_VALUE, 999_999_999);

    @Test
    void executionCall_withAnIdleTimeoutTooLongForMilliseconds_stillDescribesTheTimeout() throws Exception {
        ExecutionCall call = new ExecutionCall(
                ExecutionHandlers.NONE, false, RunOptions.DEFAULT_MAX_RETAINED_OUTPUT, false, HUGE, "POST /command");
        call.fail(new SocketTimeoutException("stuck"));

        call.drainHere();

        assertThat(call.result())
                .failsWithin(Duration.ofSeconds(1))
                .withThrowableOfType(ExecutionException.class)
                .havingCause()
                .isInstanceOf(SandboxTimeoutException.class)
                .withMessageContaining("idle timeout (" + Long.MAX_VALUE + " ms)");
    }
}
