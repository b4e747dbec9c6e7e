package io.opensandbox.codeinterpreter;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * The error a run ended with. A kernel error (an exception raised by the code, a non-zero exit status in Bash, an
 * interrupt) is data, not an exception: {@code name} is the exception class ({@code NameError},
 * {@code KeyboardInterrupt}; empty for Bash), {@code value} its message (the exit status for Bash) and
 * {@code traceback} the kernel's trace lines, which may carry ANSI colour codes. When execd itself fails a run (an
 * unknown context, a context already running code) the run throws a {@link io.opensandbox.api.SandboxException}
 * instead.
 *
 * @param name the error name
 * @param value the error value or message
 * @param traceback the trace lines, possibly empty
 * @param timestamp when the server reported it
 */
public record CodeError(String name, String value, List<String> traceback, Instant timestamp) {

    /**
     * Checks and copies the components.
     *
     * @param name the error name
     * @param value the error value
     * @param traceback the trace lines
     * @param timestamp the time
     */
    public CodeError {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(value, "value");
        traceback = List.copyOf(traceback);
        Objects.requireNonNull(timestamp, "timestamp");
    }
}
