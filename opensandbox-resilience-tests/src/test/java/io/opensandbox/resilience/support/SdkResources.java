package io.opensandbox.resilience.support;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.function.IntSupplier;
import java.util.stream.Collectors;

/**
 * What the SDK holds in this JVM: its threads (all named {@code opensandbox-*}) and its client-side TCP
 * connections to a port (read from {@code /proc/net/tcp}, which lists every socket of the machine's network
 * namespace, so a connection the SDK still holds shows up whatever the server did).
 */
public final class SdkResources {
    /** Prefix of every SDK thread. */
    public static final String SDK_PREFIX = "opensandbox-";

    /** Prefix of the HttpClient 5 transport's threads, which must all end when the transport is closed. */
    public static final String TRANSPORT_PREFIX = "opensandbox-hc5-";

    /**
     * Prefixes of SDK threads in static pools shared by the whole JVM, which closing a sandbox or a manager cannot
     * end. None since the stream runtime: the handler, blocking-I/O and timer threads belong to a transport's
     * leases and end with the last one, so every SDK thread must be gone after close.
     */
    public static final List<String> SHARED_POOL_PREFIXES = List.of();

    private SdkResources() {}

    /**
     * Names of the live threads with a prefix.
     *
     * @param prefix the prefix
     * @return the names, sorted
     */
    public static List<String> threads(String prefix) {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(Thread::isAlive)
                .map(Thread::getName)
                .filter(name -> name.startsWith(prefix))
                .sorted()
                .collect(Collectors.toList());
    }

    /**
     * Live SDK threads that belong to a sandbox, manager or transport (not to a shared static pool).
     *
     * @return the names
     */
    public static List<String> ownedSdkThreads() {
        return threads(SDK_PREFIX).stream()
                .filter(name -> SHARED_POOL_PREFIXES.stream().noneMatch(name::startsWith))
                .collect(Collectors.toList());
    }

    /**
     * Client-side TCP connections to a loopback port that are still open in this machine (established, or
     * half-closed by the server and not yet closed by the client).
     *
     * @param port the server's port
     * @return the count
     */
    public static int clientConnections(int port) {
        String wanted = String.format(Locale.ROOT, ":%04X", port);
        int count = 0;
        for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
            List<String> lines;
            try {
                lines = Files.readAllLines(Path.of(table));
            } catch (IOException e) {
                continue;
            }
            for (String line : lines.subList(Math.min(1, lines.size()), lines.size())) {
                String[] fields = line.trim().split("\\s+");
                if (fields.length < 4) {
                    continue;
                }
                String remote = fields[2];
                String state = fields[3];
                // 01 ESTABLISHED, 08 CLOSE_WAIT: the client still holds the socket
                if (remote.endsWith(wanted) && (state.equals("01") || state.equals("08"))) {
                    count++;
                }
            }
        }
        return count;
    }

    /**
     * Polls until a value drops to at most {@code limit}, for a bounded time.
     *
     * @param value the value
     * @param limit the limit
     * @param within the longest wait
     * @return the last value seen
     */
    public static int awaitAtMost(IntSupplier value, int limit, Duration within) {
        long deadline = System.nanoTime() + within.toNanos();
        int seen = value.getAsInt();
        while (seen > limit && System.nanoTime() < deadline) {
            sleep(20);
            seen = value.getAsInt();
        }
        return seen;
    }

    /**
     * Waits until the SDK threads owned by sandboxes, managers and transports have ended.
     *
     * @param within the longest wait
     * @return the names of those still alive
     */
    public static List<String> awaitNoOwnedThreads(Duration within) {
        awaitAtMost(() -> ownedSdkThreads().size(), 0, within);
        return ownedSdkThreads();
    }

    /**
     * Heap in use after asking for garbage collection a few times.
     *
     * @return bytes
     */
    public static long usedHeapAfterGc() {
        Runtime runtime = Runtime.getRuntime();
        long best = Long.MAX_VALUE;
        for (int i = 0; i < 4; i++) {
            System.gc();
            sleep(50);
            best = Math.min(best, runtime.totalMemory() - runtime.freeMemory());
        }
        return best;
    }

    /**
     * Sleeps, keeping the interrupt flag.
     *
     * @param millis how long
     */
    public static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Whether the long forms of the soak and load tests run.
     *
     * @return the system property {@code opensandbox.resilience.long}
     */
    public static boolean longForm() {
        return Boolean.getBoolean("opensandbox.resilience.long");
    }
}
