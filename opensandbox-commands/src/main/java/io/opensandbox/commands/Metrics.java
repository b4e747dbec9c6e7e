package io.opensandbox.commands;

import java.time.Instant;
import java.util.Objects;

/** A sample of the sandbox's resource usage. Immutable. */
public final class Metrics {
    private final double cpuCount;
    private final double cpuUsedPercent;
    private final double memoryTotalMiB;
    private final double memoryUsedMiB;
    private final Instant timestamp;

    private Metrics(
            double cpuCount, double cpuUsedPercent, double memoryTotalMiB, double memoryUsedMiB, Instant timestamp) {
        this.cpuCount = cpuCount;
        this.cpuUsedPercent = cpuUsedPercent;
        this.memoryTotalMiB = memoryTotalMiB;
        this.memoryUsedMiB = memoryUsedMiB;
        this.timestamp = Objects.requireNonNull(timestamp, "timestamp");
    }

    /**
     * Creates a sample.
     *
     * @param cpuCount the number of CPUs
     * @param cpuUsedPercent CPU usage in percent
     * @param memoryTotalMiB total memory in MiB
     * @param memoryUsedMiB used memory in MiB
     * @param timestamp when it was taken
     * @return the sample
     */
    public static Metrics of(
            double cpuCount, double cpuUsedPercent, double memoryTotalMiB, double memoryUsedMiB, Instant timestamp) {
        return new Metrics(cpuCount, cpuUsedPercent, memoryTotalMiB, memoryUsedMiB, timestamp);
    }

    /**
     * The number of CPUs (may be fractional under a CPU quota).
     *
     * @return the CPU count
     */
    public double cpuCount() {
        return cpuCount;
    }

    /**
     * CPU usage in percent.
     *
     * @return the percentage
     */
    public double cpuUsedPercent() {
        return cpuUsedPercent;
    }

    /**
     * Total memory in MiB.
     *
     * @return the total
     */
    public double memoryTotalMiB() {
        return memoryTotalMiB;
    }

    /**
     * Used memory in MiB.
     *
     * @return the used memory
     */
    public double memoryUsedMiB() {
        return memoryUsedMiB;
    }

    /**
     * When the sample was taken.
     *
     * @return the time
     */
    public Instant timestamp() {
        return timestamp;
    }

    @Override
    public String toString() {
        return "Metrics{cpuCount=" + cpuCount + ", cpuUsedPercent=" + cpuUsedPercent + ", memoryTotalMiB="
                + memoryTotalMiB + ", memoryUsedMiB=" + memoryUsedMiB + ", timestamp=" + timestamp + "}";
    }
}
