package io.opensandbox.commands;

/**
 * Output of one stream that reached the handlers but was not kept in the {@link Execution}, because keeping it would
 * have passed {@link RunOptions#maxRetainedOutput()}.
 *
 * @param lines how many lines were dropped
 * @param bytes their text in UTF-8 bytes
 */
public record DroppedOutput(long lines, long bytes) {
    private static final DroppedOutput NONE = new DroppedOutput(0, 0);

    /**
     * Checks the counts.
     *
     * @param lines the lines, 0 or more
     * @param bytes the bytes, 0 or more
     */
    public DroppedOutput {
        if (lines < 0 || bytes < 0) {
            throw new IllegalArgumentException("dropped output cannot be negative: " + lines + " lines, " + bytes);
        }
    }

    /**
     * Nothing dropped.
     *
     * @return the value
     */
    public static DroppedOutput none() {
        return NONE;
    }

    /**
     * Whether anything was dropped.
     *
     * @return {@code lines > 0}
     */
    public boolean any() {
        return lines > 0;
    }
}
