package io.opensandbox.resilience.support;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Rows collected by the fault-injection tests and printed once at the end, as a table. */
public final class FaultTable {
    private static final List<Row> ROWS = new ArrayList<>();

    private FaultTable() {}

    /**
     * One fault and what the SDK did.
     *
     * @param fault the fault injected
     * @param outcome what the caller saw
     * @param attempts attempts made
     * @param millis time to the outcome
     * @param threadsLeft SDK threads of the transport still alive after close
     * @param connectionsLeft connections still open after close
     */
    public record Row(String fault, String outcome, int attempts, long millis, int threadsLeft, int connectionsLeft) {}

    /**
     * Adds a row.
     *
     * @param row the row
     */
    public static synchronized void add(Row row) {
        ROWS.add(row);
    }

    /**
     * The table, formatted.
     *
     * @return the text
     */
    public static synchronized String format() {
        int faultWidth = Math.max(
                5, ROWS.stream().mapToInt(r -> r.fault().length()).max().orElse(0));
        int outcomeWidth = Math.max(
                7, ROWS.stream().mapToInt(r -> r.outcome().length()).max().orElse(0));
        String pattern = "| %-" + faultWidth + "s | %-" + outcomeWidth + "s | %8s | %8s | %12s | %11s |%n";
        StringBuilder text = new StringBuilder();
        text.append(String.format(
                Locale.ROOT, pattern, "fault", "outcome", "attempts", "time ms", "threads left", "conns left"));
        text.append(String.format(
                Locale.ROOT,
                pattern,
                "-".repeat(faultWidth),
                "-".repeat(outcomeWidth),
                "-".repeat(8),
                "-".repeat(8),
                "-".repeat(12),
                "-".repeat(11)));
        for (Row row : ROWS) {
            text.append(String.format(
                    Locale.ROOT,
                    pattern,
                    row.fault(),
                    row.outcome(),
                    row.attempts(),
                    row.millis(),
                    row.threadsLeft(),
                    row.connectionsLeft()));
        }
        return text.toString();
    }

    /** Prints the table to standard output. */
    public static void print() {
        System.out.println();
        System.out.println("Fault-injection results");
        System.out.print(format());
    }
}
