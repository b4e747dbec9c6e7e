package io.opensandbox.benchmarks;

import io.opensandbox.api.ConnectionConfig;
import io.opensandbox.api.RetryPolicy;
import io.opensandbox.files.SandboxFiles;
import io.opensandbox.files.WriteEntry;
import io.opensandbox.lifecycle.Sandbox;
import io.opensandbox.lifecycle.SandboxManager;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * This SDK (HttpClient 5 transport) next to the official Kotlin SDK ({@code com.alibaba.opensandbox:sandbox:1.0.0},
 * OkHttp) in one JVM, against one loopback server ({@link FilesLoopbackServer}) that answers from memory: streaming
 * a download through {@code readStream} and discarding it, a sequential {@code getSandboxInfo} loop, 32 threads
 * calling {@code getSandboxInfo} at once, and, for contrast, a streamed upload from an {@code InputStream}. Each
 * measure runs the two stacks alternately (A B A B ...) for the given number of rounds and prints every round and
 * the medians. Prints numbers; asserts nothing but that each call succeeded and each transfer was whole.
 *
 * <p>Run at {@code -Xmx256m} (the downloads stream; neither SDK may hold a file in memory). Arguments: download
 * MiB (default 512), upload MiB (default 512), sequential calls (default 2000), concurrent callers (default 32),
 * calls per caller (default 300), rounds (default 5), and the measures to run (default
 * {@code download,info,concurrent,upload}; fewer is useful under a profiler).
 */
public final class PeerComparisonBenchmark {
    private static final String REMOTE = "/workspace/bench.bin";
    private static final int READ_BUFFER = 64 * 1024;
    private static final double MIB = 1024.0 * 1024.0;

    private PeerComparisonBenchmark() {}

    /** One SDK's way of doing each measured operation. */
    private interface Stack extends AutoCloseable {
        String name();

        /** Streams {@link #REMOTE} and discards it; returns the number of bytes read. */
        long download() throws Exception;

        void upload(InputStream content) throws Exception;

        void getInfo() throws Exception;

        @Override
        void close();
    }

    /**
     * Runs the benchmark.
     *
     * @param args download MiB, upload MiB, sequential calls, callers, calls per caller, rounds
     * @throws Exception on failure
     */
    public static void main(String[] args) throws Exception {
        long downloadSize = (args.length > 0 ? Long.parseLong(args[0]) : 512) * 1024 * 1024;
        long uploadSize = (args.length > 1 ? Long.parseLong(args[1]) : 512) * 1024 * 1024;
        int sequential = args.length > 2 ? Integer.parseInt(args[2]) : 2000;
        int callers = args.length > 3 ? Integer.parseInt(args[3]) : 32;
        int perCaller = args.length > 4 ? Integer.parseInt(args[4]) : 300;
        int rounds = args.length > 5 ? Integer.parseInt(args[5]) : 5;
        List<String> measures = List.of((args.length > 6 ? args[6] : "download,info,concurrent,upload").split(","));
        boolean doDownload = measures.contains("download");
        boolean doInfo = measures.contains("info");
        boolean doConcurrent = measures.contains("concurrent");
        boolean doUpload = measures.contains("upload");

        try (FilesLoopbackServer server = new FilesLoopbackServer(downloadSize)) {
            String domain = "127.0.0.1:" + server.port();
            String id = UUID.randomUUID().toString(); // the Kotlin SDK takes sandbox ids as UUIDs
            try (Stack ours = new OpenSandboxStack(domain, id);
                    Stack kotlin = new KotlinStack(domain, id)) {
                Stack[] stacks = {ours, kotlin};
                System.out.printf(
                        Locale.ROOT,
                        "Peer comparison on a loopback server; download %d MiB, upload %d MiB, %d sequential getInfo,"
                                + " %d callers x %d getInfo; %d rounds, stacks alternating; Java %s, %d cores,"
                                + " max heap %d MiB%n",
                        downloadSize >> 20,
                        uploadSize >> 20,
                        sequential,
                        callers,
                        perCaller,
                        rounds,
                        System.getProperty("java.version"),
                        Runtime.getRuntime().availableProcessors(),
                        Runtime.getRuntime().maxMemory() >> 20);

                for (Stack stack : stacks) { // warm-up: JIT, connection pools
                    server.setDownloadSize(Math.min(downloadSize, 64L * 1024 * 1024));
                    stack.download();
                    sequentialMillis(stack, sequential / 4);
                    concurrentRate(stack, callers, perCaller / 4);
                    stack.upload(FilesBenchmark.Pattern.stream(Math.min(uploadSize, 64L * 1024 * 1024)));
                }
                server.setDownloadSize(downloadSize);

                double[][] download = new double[2][rounds];
                double[][] latency = new double[2][rounds];
                double[][] rate = new double[2][rounds];
                double[][] upload = new double[2][rounds];
                // CPU of the whole process (client, server, JVM) per unit of work: the server's share is the same
                // for both stacks, so the difference is the client's
                double[][] downloadCpu = new double[2][rounds];
                double[][] latencyCpu = new double[2][rounds];
                double[][] rateCpu = new double[2][rounds];
                double[][] uploadCpu = new double[2][rounds];
                // thread wake-ups (voluntary context switches of every thread of the process, Linux only)
                double[][] latencySwitches = new double[2][rounds];
                for (int round = 0; round < rounds; round++) {
                    for (int s = 0; s < 2 && doDownload; s++) {
                        long cpu = processCpuNanos();
                        download[s][round] = downloadRate(stacks[s], downloadSize);
                        downloadCpu[s][round] = (processCpuNanos() - cpu) / 1e6 / (downloadSize / MIB);
                    }
                    for (int s = 0; s < 2 && doInfo; s++) {
                        long cpu = processCpuNanos();
                        long switches = contextSwitches();
                        latency[s][round] = sequentialMillis(stacks[s], sequential);
                        latencyCpu[s][round] = (processCpuNanos() - cpu) / 1e3 / sequential;
                        latencySwitches[s][round] = (contextSwitches() - switches) / (double) sequential;
                    }
                    for (int s = 0; s < 2 && doConcurrent; s++) {
                        long cpu = processCpuNanos();
                        rate[s][round] = concurrentRate(stacks[s], callers, perCaller);
                        rateCpu[s][round] = (processCpuNanos() - cpu) / 1e3 / ((double) callers * perCaller);
                    }
                    for (int s = 0; s < 2 && doUpload; s++) {
                        long cpu = processCpuNanos();
                        upload[s][round] = uploadRate(stacks[s], server, uploadSize);
                        uploadCpu[s][round] = (processCpuNanos() - cpu) / 1e6 / (uploadSize / MIB);
                    }
                }
                System.out.printf(
                        Locale.ROOT,
                        "%-30s %-36s %-36s%n",
                        "measure (every round, then median)",
                        ours.name(),
                        kotlin.name());
                print("download MiB/s", download, "%.0f");
                print("sequential getInfo mean ms", latency, "%.3f");
                print(callers + "-concurrent getInfo req/s", rate, "%.0f");
                print("upload MiB/s", upload, "%.0f");
                print("download: CPU ms per MiB", downloadCpu, "%.2f");
                print("getInfo: CPU us per call", latencyCpu, "%.0f");
                print("getInfo: context switches per call", latencySwitches, "%.1f");
                print("concurrent: CPU us per call", rateCpu, "%.0f");
                print("upload: CPU ms per MiB", uploadCpu, "%.2f");
                System.out.printf(
                        Locale.ROOT,
                        "ours / Kotlin (medians): download %.2fx, getInfo latency %.2fx (lower is better),"
                                + " concurrent getInfo %.2fx, upload %.2fx%n",
                        median(download[0]) / median(download[1]),
                        median(latency[0]) / median(latency[1]),
                        median(rate[0]) / median(rate[1]),
                        median(upload[0]) / median(upload[1]));
            }
        }
    }

    private static void print(String measure, double[][] values, String format) {
        String[] cells = new String[2];
        for (int s = 0; s < 2; s++) {
            StringBuilder cell = new StringBuilder();
            for (double value : values[s]) {
                cell.append(String.format(Locale.ROOT, format, value)).append(' ');
            }
            cells[s] = cell.append("| ")
                    .append(String.format(Locale.ROOT, format, median(values[s])))
                    .toString();
        }
        System.out.printf(Locale.ROOT, "%-30s %-36s %-36s%n", measure, cells[0], cells[1]);
    }

    /** CPU time of the whole process (client, the loopback server and the JVM's own threads). */
    private static long processCpuNanos() {
        java.lang.management.OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
        return os instanceof com.sun.management.OperatingSystemMXBean sun ? sun.getProcessCpuTime() : 0;
    }

    /**
     * The voluntary context switches of all the process's threads so far (each one a thread that blocked and was
     * woken), read from {@code /proc/self/task/<tid>/status}; 0 where there is no {@code /proc}. Threads that ended
     * meanwhile are not counted, which only undercounts.
     */
    private static long contextSwitches() {
        long total = 0;
        try (DirectoryStream<Path> tasks = Files.newDirectoryStream(Path.of("/proc/self/task"))) {
            for (Path task : tasks) {
                try {
                    for (String line : Files.readAllLines(task.resolve("status"))) {
                        if (line.startsWith("voluntary_ctxt_switches:")) {
                            total += Long.parseLong(
                                    line.substring(line.indexOf(':') + 1).trim());
                        }
                    }
                } catch (IOException ended) {
                    // the thread ended while being read
                }
            }
        } catch (IOException noProc) {
            return 0;
        }
        return total;
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int middle = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }

    private static double downloadRate(Stack stack, long size) throws Exception {
        long start = System.nanoTime();
        long read = stack.download();
        double seconds = (System.nanoTime() - start) / 1e9;
        if (read != size) {
            throw new IllegalStateException(stack.name() + " read " + read + " of " + size + " bytes");
        }
        return size / MIB / seconds;
    }

    private static double uploadRate(Stack stack, FilesLoopbackServer server, long size) throws Exception {
        server.resetUpload();
        long start = System.nanoTime();
        stack.upload(FilesBenchmark.Pattern.stream(size));
        double seconds = (System.nanoTime() - start) / 1e9;
        if (server.lastUploadBytes() < size) {
            throw new IllegalStateException(
                    stack.name() + " uploaded " + server.lastUploadBytes() + " bytes, fewer than " + size);
        }
        return size / MIB / seconds;
    }

    private static double sequentialMillis(Stack stack, int count) throws Exception {
        long start = System.nanoTime();
        for (int i = 0; i < count; i++) {
            stack.getInfo();
        }
        return (System.nanoTime() - start) / 1e6 / count;
    }

    private static double concurrentRate(Stack stack, int callers, int perCaller) throws Exception {
        CountDownLatch ready = new CountDownLatch(callers);
        CountDownLatch go = new CountDownLatch(1);
        AtomicLong failures = new AtomicLong();
        AtomicReference<Exception> firstFailure = new AtomicReference<>();
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < callers; i++) {
            Thread thread = new Thread(
                    () -> {
                        ready.countDown();
                        try {
                            go.await();
                            for (int j = 0; j < perCaller; j++) {
                                stack.getInfo();
                            }
                        } catch (Exception e) {
                            failures.incrementAndGet();
                            firstFailure.compareAndSet(null, e);
                        }
                    },
                    "bench-caller-" + i);
            thread.start();
            threads.add(thread);
        }
        ready.await();
        long start = System.nanoTime();
        go.countDown();
        for (Thread thread : threads) {
            thread.join(TimeUnit.MINUTES.toMillis(5));
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        if (failures.get() > 0) {
            throw new IllegalStateException(
                    stack.name() + ": " + failures.get() + " callers failed", firstFailure.get());
        }
        return callers * (double) perCaller / seconds;
    }

    private static long drain(InputStream in) throws Exception {
        byte[] buffer = new byte[READ_BUFFER];
        long total = 0;
        try (in) {
            for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                total += n;
            }
        }
        return total;
    }

    /** This SDK: {@code Sandbox.connect}, {@code SandboxFiles}, {@code SandboxManager}, HttpClient 5 transport. */
    private static final class OpenSandboxStack implements Stack {
        private final Sandbox sandbox;
        private final SandboxFiles files;
        private final SandboxManager manager;
        private final String id;

        OpenSandboxStack(String domain, String id) {
            ConnectionConfig config = ConnectionConfig.builder()
                    .domain(domain)
                    .protocol("http")
                    .apiKey("bench-key")
                    .transportName("httpclient5")
                    .retryPolicy(RetryPolicy.disabled())
                    .build();
            this.id = id;
            this.sandbox = Sandbox.connect(id, config);
            this.files = SandboxFiles.of(sandbox);
            this.manager = SandboxManager.create(config);
        }

        @Override
        public String name() {
            return "OpenSandbox Java SDK (hc5)";
        }

        @Override
        public long download() throws Exception {
            return drain(files.readStream(REMOTE));
        }

        @Override
        public void upload(InputStream content) {
            files.writeFiles(List.of(WriteEntry.of(REMOTE, content)));
        }

        @Override
        public void getInfo() {
            manager.getSandboxInfo(id);
        }

        @Override
        public void close() {
            manager.close();
            sandbox.close();
        }
    }

    /** The official Kotlin SDK 1.0.0 on OkHttp, called from Java as its README shows. */
    private static final class KotlinStack implements Stack {
        private final com.alibaba.opensandbox.sandbox.Sandbox sandbox;
        private final com.alibaba.opensandbox.sandbox.SandboxManager manager;
        private final UUID id;

        KotlinStack(String domain, String id) {
            com.alibaba.opensandbox.sandbox.config.ConnectionConfig config =
                    com.alibaba.opensandbox.sandbox.config.ConnectionConfig.builder()
                            .domain(domain)
                            .protocol("http")
                            .apiKey("bench-key")
                            .requestTimeout(Duration.ofSeconds(60))
                            .build();
            this.id = UUID.fromString(id);
            this.sandbox = com.alibaba.opensandbox.sandbox.Sandbox.connector()
                    .sandboxId(this.id)
                    .connectionConfig(config)
                    .connect();
            this.manager = com.alibaba.opensandbox.sandbox.SandboxManager.builder()
                    .connectionConfig(config)
                    .build();
        }

        @Override
        public String name() {
            return "Kotlin SDK 1.0.0 (OkHttp)";
        }

        @Override
        public long download() throws Exception {
            return drain(sandbox.files().readStream(REMOTE));
        }

        @Override
        public void upload(InputStream content) {
            sandbox.files()
                    .write(List.of(com.alibaba.opensandbox.sandbox.domain.models.execd.filesystem.WriteEntry.builder()
                            .path(REMOTE)
                            .data(content)
                            .build()));
        }

        @Override
        public void getInfo() {
            manager.getSandboxInfo(id);
        }

        @Override
        public void close() {
            manager.close();
            sandbox.close();
        }
    }
}
