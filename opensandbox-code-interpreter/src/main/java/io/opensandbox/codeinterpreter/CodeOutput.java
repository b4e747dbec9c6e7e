package io.opensandbox.codeinterpreter;

import java.time.Instant;
import java.util.Objects;

/**
 * A piece of output the code wrote to stdout or stderr. Kernels stream output in chunks, not lines: a chunk may
 * hold several lines and usually ends with its newline.
 *
 * @param text the text as the kernel sent it
 * @param timestamp when the server saw it; when the server omitted it, when the SDK received it
 * @param isError {@code true} for stderr, {@code false} for stdout
 */
public record CodeOutput(String text, Instant timestamp, boolean isError) {

    /**
     * Checks the components.
     *
     * @param text the text
     * @param timestamp the time
     * @param isError whether it came from stderr
     */
    public CodeOutput {
        Objects.requireNonNull(text, "text");
        Objects.requireNonNull(timestamp, "timestamp");
    }
}
