package io.opensandbox.pty;

/** Argument checks shared by the public types. */
final class Checks {
    private Checks() {}

    static void size(int cols, int rows) {
        if (cols < 1 || cols > 0xffff || rows < 1 || rows > 0xffff) {
            throw new IllegalArgumentException("cols and rows must be between 1 and 65535: " + cols + " x " + rows);
        }
    }
}
