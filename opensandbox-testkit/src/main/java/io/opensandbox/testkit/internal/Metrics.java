package io.opensandbox.testkit.internal;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Host metrics in execd's shape, read from {@code /proc}. */
final class Metrics {
    private Metrics() {}

    /** Samples CPU over {@code windowMs} (execd samples over one second). */
    static ObjectNode sample(long windowMs) {
        long[] a = cpuTimes();
        try {
            Thread.sleep(windowMs);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        long[] b = cpuTimes();
        double used = 0;
        long total = b[0] - a[0];
        if (total > 0) {
            used = 100.0 * (total - (b[1] - a[1])) / total;
        }
        long memTotalKb = 0;
        long memAvailKb = 0;
        try {
            for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
                if (line.startsWith("MemTotal:")) {
                    memTotalKb = kb(line);
                } else if (line.startsWith("MemAvailable:")) {
                    memAvailKb = kb(line);
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux: leave zeros
        }
        ObjectNode o = Json.object();
        o.put("cpu_count", (double) Runtime.getRuntime().availableProcessors());
        o.put("cpu_used_pct", Math.round(used * 100) / 100.0);
        o.put("mem_total_mib", memTotalKb / 1024.0);
        o.put("mem_used_mib", (memTotalKb - memAvailKb) / 1024.0);
        o.put("timestamp", System.currentTimeMillis());
        return o;
    }

    private static long kb(String line) {
        String[] parts = line.trim().split("\\s+", -1);
        return Long.parseLong(parts[1]);
    }

    /** {total, idle} jiffies. */
    private static long[] cpuTimes() {
        try {
            List<String> lines = Files.readAllLines(Path.of("/proc/stat"));
            String[] f = lines.get(0).trim().split("\\s+", -1);
            long total = 0;
            for (int i = 1; i < f.length; i++) {
                total += Long.parseLong(f[i]);
            }
            long idle = Long.parseLong(f[4]) + (f.length > 5 ? Long.parseLong(f[5]) : 0);
            return new long[] {total, idle};
        } catch (IOException | RuntimeException e) {
            return new long[] {0, 0};
        }
    }
}
