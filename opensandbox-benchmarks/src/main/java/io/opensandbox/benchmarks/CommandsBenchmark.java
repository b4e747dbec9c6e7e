package io.opensandbox.benchmarks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.opensandbox.api.ConnectionConfig;
import io.opensandbox.api.DirectHandle;
import io.opensandbox.api.Endpoint;
import io.opensandbox.commands.Commands;
import io.opensandbox.commands.Execution;
import io.opensandbox.commands.ExecutionHandlers;
import io.opensandbox.commands.OutputMessage;
import io.opensandbox.commands.RunOptions;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.hc.client5.http.classic.methods.HttpPost;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.io.entity.StringEntity;

/**
 * The commands module against a loopback server that writes execd's command stream from memory, so that the client
 * is the bottleneck. Prints a table; asserts nothing (speed is never asserted in tests).
 *
 * <ol>
 *   <li>{@code echo} round trip while the server keeps each stream open one second after the terminal event, as
 *       execd does, next to a client that reads to the end of the stream as the official SDKs do;
 *   <li>1 GiB of stdout in 100-byte lines through {@code run} with a no-op handler and skip accumulation, next to
 *       plain HttpClient 5 reading the same stream (a) scanning lines, (b) parsing each event into a Jackson tree;
 *       peak used heap sampled during each;
 *   <li>200 commands streaming at once through the shared pool: every line checked, SDK threads counted;
 *   <li>a chatty command, three million short lines, through {@code run} with default options (accumulation on):
 *       it must complete at {@code -Xmx64m}, its handler seeing every line, the {@code Execution} keeping what
 *       {@code RunOptions.maxRetainedOutput()} allows and saying how much it dropped.
 * </ol>
 *
 * <p>Arguments (all optional): echo calls (300), bulk MiB (1024), concurrent streams (200), lines per stream
 * (1000; with many more, the transport, which reads ahead of slow consumers, outgrows {@code -Xmx64m}: see
 * {@code opensandbox-commands/docs/BENCHMARKS.md}), bulk rounds (3), chatty lines (3,000,000). A count of 0 skips
 * that part.
 */
public final class CommandsBenchmark {
    private static final String COMMAND_LINE = "mvn -B -q -pl opensandbox-benchmarks -am package -DskipTests && java"
            + " -Xmx64m -cp opensandbox-benchmarks/target/classes:$(cat opensandbox-benchmarks/target/classpath.txt)"
            + " io.opensandbox.benchmarks.CommandsBenchmark";
    private static final long TIMESTAMP = 1_795_000_000_000L;
    private static final Duration GRACE = Duration.ofSeconds(1);
    private static final int LINE_BYTES = 100;
    private static final int BLOCK_LINES = 1024;
    private static final int STREAM_BLOCK_LINES = 100;
    private static final Pattern BULK = Pattern.compile("bulk-(\\d+)");
    private static final Pattern FANOUT = Pattern.compile("fanout-(\\d+)-(\\d+)-(\\d+)");
    private static final Pattern CHATTY = Pattern.compile("chatty-(\\d+)");
    private static final int CHATTY_BLOCK_LINES = 1000;

    private static final byte[] INIT = StreamingHttpServer.chunk(event("{\"type\":\"init\",\"text\":\"cmd-bench\""));
    private static final byte[] HELLO = StreamingHttpServer.chunk(event("{\"type\":\"stdout\",\"text\":\"hello\""));
    private static final byte[] COMPLETE =
            StreamingHttpServer.chunk(event("{\"type\":\"execution_complete\",\"execution_time\":1"));
    private static final byte[] BULK_BLOCK = StreamingHttpServer.chunk(bulkBlock());

    private static volatile CountDownLatch fanoutArrivals = new CountDownLatch(0);

    private CommandsBenchmark() {}

    private static byte[] event(String withoutTimestamp) {
        return (withoutTimestamp + ",\"timestamp\":" + TIMESTAMP + "}\n\n").getBytes(StandardCharsets.UTF_8);
    }

    private static String pad(String prefix) {
        StringBuilder text = new StringBuilder(LINE_BYTES).append(prefix);
        while (text.length() < LINE_BYTES) {
            text.append((char) ('a' + text.length() % 26));
        }
        return text.toString();
    }

    private static byte[] bulkBlock() {
        StringBuilder block = new StringBuilder();
        for (int i = 0; i < BLOCK_LINES; i++) {
            block.append("{\"type\":\"stdout\",\"text\":\"")
                    .append(pad("bulk line " + i + " "))
                    .append("\",\"timestamp\":")
                    .append(TIMESTAMP)
                    .append("}\n\n");
        }
        return block.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** A short line, as {@code seq} would print: {@code line 1234567}. */
    static String chattyLine(long line) {
        return "line " + line;
    }

    static String streamLine(int stream, int line) {
        return pad("s" + stream + "-" + line + " ");
    }

    private static byte[] streamBlock(int stream) {
        StringBuilder block = new StringBuilder();
        for (int i = 0; i < STREAM_BLOCK_LINES; i++) {
            block.append("{\"type\":\"stdout\",\"text\":\"")
                    .append(streamLine(stream, i))
                    .append("\",\"timestamp\":")
                    .append(TIMESTAMP)
                    .append("}\n\n");
        }
        return StreamingHttpServer.chunk(block.toString().getBytes(StandardCharsets.UTF_8));
    }

    /** execd: init, the output, the terminal event, then the stream stays open for the grace period. */
    private static void respond(String requestLine, String body, OutputStream out)
            throws IOException, InterruptedException {
        out.write(StreamingHttpServer.STREAM_HEAD);
        StreamingHttpServer.writeChunk(out, INIT);
        Matcher bulk = BULK.matcher(body);
        Matcher fanout = FANOUT.matcher(body);
        Matcher chatty = CHATTY.matcher(body);
        if (chatty.find()) {
            long lines = Long.parseLong(chatty.group(1));
            StringBuilder block = new StringBuilder();
            for (long i = 0; i < lines; i++) {
                block.append("{\"type\":\"stdout\",\"text\":\"")
                        .append(chattyLine(i))
                        .append("\",\"timestamp\":")
                        .append(TIMESTAMP + i / 1000)
                        .append("}\n\n");
                if ((i + 1) % CHATTY_BLOCK_LINES == 0 || i == lines - 1) {
                    StreamingHttpServer.writeChunk(
                            out, StreamingHttpServer.chunk(block.toString().getBytes(StandardCharsets.UTF_8)));
                    block.setLength(0);
                }
            }
        } else if (bulk.find()) {
            long blocks = Long.parseLong(bulk.group(1));
            for (long i = 0; i < blocks; i++) {
                out.write(BULK_BLOCK);
            }
        } else if (fanout.find()) {
            int stream = Integer.parseInt(fanout.group(1));
            int blocks = Integer.parseInt(fanout.group(2));
            byte[] block = streamBlock(stream);
            CountDownLatch arrivals = fanoutArrivals;
            arrivals.countDown();
            // Every stream is open before any output is written, so that all of them stream at once.
            arrivals.await(60, TimeUnit.SECONDS);
            for (int i = 0; i < blocks; i++) {
                StreamingHttpServer.writeChunk(out, block);
            }
        } else {
            StreamingHttpServer.writeChunk(out, HELLO);
        }
        StreamingHttpServer.writeChunk(out, COMPLETE);
        Thread.sleep(GRACE.toMillis());
        StreamingHttpServer.end(out);
    }

    /** A handle whose execd is the benchmark server, built the public way. */
    private static DirectHandle benchSandbox(int port) {
        ConnectionConfig config = ConnectionConfig.builder()
                .domain("127.0.0.1:" + port)
                .protocol("http")
                .apiKey("bench-key")
                .build();
        return DirectHandle.of("bench-sandbox", config, Endpoint.of("127.0.0.1:" + port, Map.of()));
    }

    /**
     * Samples the heap every few milliseconds: the largest used heap (garbage included, so it nears the maximum
     * whenever the collector lets it) and the largest heap left after a collection (what is really held).
     */
    private static final class HeapSampler implements AutoCloseable {
        private final AtomicLong peak = new AtomicLong();
        private final AtomicLong peakAfterGc = new AtomicLong();
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final Thread thread;

        HeapSampler() {
            List<MemoryPoolMXBean> pools = new ArrayList<>();
            for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
                if (pool.getType() == MemoryType.HEAP && pool.getCollectionUsage() != null) {
                    pools.add(pool);
                }
            }
            thread = new Thread(
                    () -> {
                        while (running.get()) {
                            long used = ManagementFactory.getMemoryMXBean()
                                    .getHeapMemoryUsage()
                                    .getUsed();
                            peak.accumulateAndGet(used, Math::max);
                            long afterGc = 0;
                            for (MemoryPoolMXBean pool : pools) {
                                afterGc += pool.getCollectionUsage().getUsed();
                            }
                            peakAfterGc.accumulateAndGet(afterGc, Math::max);
                            try {
                                Thread.sleep(2);
                            } catch (InterruptedException e) {
                                return;
                            }
                        }
                    },
                    "bench-heap-sampler");
            thread.setDaemon(true);
            thread.start();
        }

        String describe() {
            return "peak used heap " + peak.get() / (1024 * 1024) + " MiB, peak after GC "
                    + peakAfterGc.get() / (1024 * 1024) + " MiB";
        }

        @Override
        public void close() {
            running.set(false);
            try {
                thread.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** CPU time of the whole process (client, transport, the loopback server and the JVM's own threads). */
    private static long processCpuNanos() {
        java.lang.management.OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
        return os instanceof com.sun.management.OperatingSystemMXBean sun ? sun.getProcessCpuTime() : 0;
    }

    private static long usedAfterGcKiB() {
        System.gc();
        Runtime runtime = Runtime.getRuntime();
        return (runtime.totalMemory() - runtime.freeMemory()) / 1024;
    }

    /** One throughput measurement. */
    private record Throughput(String name, long payloadBytes, long nanos, long cpuNanos, String heap, long afterGcKiB) {
        double mibPerSecond() {
            return payloadBytes / (1024.0 * 1024.0) / (nanos / 1e9);
        }

        double cpuSecondsPerGiB() {
            return cpuNanos / 1e9 / (payloadBytes / (1024.0 * 1024.0 * 1024.0));
        }
    }

    /** A way of reading one bulk stream; returns the payload bytes (stdout text) it saw. */
    private interface BulkReader {
        long read(long blocks) throws Exception;
    }

    /**
     * Runs the benchmark.
     *
     * @param args echo calls, bulk MiB, concurrent streams, lines per stream, bulk rounds
     * @throws Exception on failure
     */
    public static void main(String[] args) throws Exception {
        int echoCalls = args.length > 0 ? Integer.parseInt(args[0]) : 300;
        long bulkMiB = args.length > 1 ? Long.parseLong(args[1]) : 1024;
        int streams = args.length > 2 ? Integer.parseInt(args[2]) : 200;
        int linesPerStream = args.length > 3 ? Integer.parseInt(args[3]) : 1000;
        int bulkRounds = args.length > 4 ? Integer.parseInt(args[4]) : 3;
        long chattyLines = args.length > 5 ? Long.parseLong(args[5]) : 3_000_000;
        long bulkBlocks =
                (bulkMiB * 1024 * 1024 + (long) BLOCK_LINES * LINE_BYTES - 1) / ((long) BLOCK_LINES * LINE_BYTES);
        int streamBlocks = Math.max(1, linesPerStream / STREAM_BLOCK_LINES);

        System.out.println("command: " + COMMAND_LINE);
        System.out.println("SDK transport: "
                + System.getProperty(
                        "opensandbox.transport", "httpclient5 (default; -Dopensandbox.transport=jdk for the other)"));
        System.out.printf(
                Locale.ROOT,
                "JVM %s, max heap %d MiB, %d processors, JVM flags %s%n",
                Runtime.version(),
                Runtime.getRuntime().maxMemory() / (1024 * 1024),
                Runtime.getRuntime().availableProcessors(),
                ManagementFactory.getRuntimeMXBean().getInputArguments());

        try (StreamingHttpServer server = new StreamingHttpServer(CommandsBenchmark::respond);
                DirectHandle sandbox = benchSandbox(server.port());
                CloseableHttpClient plain = HttpClients.custom().build()) {
            Commands commands = Commands.of(sandbox);
            String url = "http://127.0.0.1:" + server.port() + "/command";

            // ---- 1. echo round trip
            long[] echoNanos = new long[echoCalls];
            long[] toEof = new long[echoCalls > 0 ? 3 : 0];
            if (echoCalls > 0) {
                for (int i = 0; i < 50; i++) {
                    echo(commands);
                }
                for (int i = 0; i < echoCalls; i++) {
                    long started = System.nanoTime();
                    echo(commands);
                    echoNanos[i] = System.nanoTime() - started;
                }
                Arrays.sort(echoNanos);
                for (int i = 0; i < toEof.length; i++) {
                    long started = System.nanoTime();
                    readToEof(plain, url, "echo hello");
                    toEof[i] = System.nanoTime() - started;
                }
                Arrays.sort(toEof);
            }

            // ---- 2. bulk throughput
            BulkReader sdk = blocks -> {
                CountingHandler counting = new CountingHandler();
                Execution execution = commands.run(
                        "bulk-" + blocks,
                        RunOptions.builder().skipAccumulation(true).build(),
                        counting);
                check(execution.exitCode().orElse(-1) == 0, "bulk run did not complete");
                check(counting.lines == blocks * BLOCK_LINES, "SDK saw " + counting.lines + " lines");
                return counting.bytes;
            };
            BulkReader scan = blocks -> scanLines(plain, url, "bulk-" + blocks);
            BulkReader tree = blocks -> parseTrees(plain, url, "bulk-" + blocks);
            // The three readers take turns, round after round, so that a load spike from other processes on a
            // shared machine hits all of them alike; the table shows the best and the median round of each.
            String[] names = {
                "SDK run, no-op handler, skipAccumulation",
                "plain HttpClient 5, scanning lines",
                "plain HttpClient 5, Jackson tree per event"
            };
            BulkReader[] readers = {sdk, scan, tree};
            List<List<Throughput>> results = new ArrayList<>();
            for (int k = 0; k < names.length && bulkBlocks > 0; k++) {
                results.add(new ArrayList<>());
                readers[k].read(Math.max(1, bulkBlocks / 8)); // warm-up
            }
            for (int round = 0; round < bulkRounds && bulkBlocks > 0; round++) {
                for (int k = 0; k < names.length; k++) {
                    results.get(k).add(bulk(names[k], readers[k], bulkBlocks));
                }
            }

            // ---- 3. many streams at once
            Fanout fanout = streams > 0 ? fanout(commands, streams, streamBlocks) : null;

            // ---- 4. a chatty command with default options
            Chatty chattyRun = chattyLines > 0 ? chatty(commands, chattyLines) : null;

            // ---- table
            System.out.println();
            System.out.printf(Locale.ROOT, "%-58s %14s %s%n", "measurement", "result", "target / note");
            if (echoCalls > 0) {
                System.out.printf(
                        Locale.ROOT,
                        "%-58s %11.2f ms %s%n",
                        "echo round trip, median of " + echoCalls,
                        ms(echoNanos[echoCalls / 2]),
                        "<= 10 ms; server holds each stream 1 s after the last event");
                System.out.printf(
                        Locale.ROOT,
                        "%-58s %11.2f ms %s%n",
                        "echo round trip, p99",
                        ms(echoNanos[Math.min(echoCalls - 1, (int) (echoCalls * 0.99))]),
                        "");
                System.out.printf(
                        Locale.ROOT,
                        "%-58s %11.2f ms %s%n",
                        "echo, plain HttpClient 5 reading to EOF, median of 3",
                        ms(toEof[1]),
                        "what the official SDKs do (~1,007 ms)");
            }
            for (List<Throughput> rounds : results) {
                List<Throughput> sorted = new ArrayList<>(rounds);
                sorted.sort((a, b) -> Double.compare(b.mibPerSecond(), a.mibPerSecond()));
                Throughput best = sorted.get(0);
                Throughput median = sorted.get(sorted.size() / 2);
                System.out.printf(
                        Locale.ROOT,
                        "%-58s %9.0f MiB/s %s%n",
                        best.name() + ", " + best.payloadBytes() / (1024 * 1024) + " MiB, best of " + sorted.size(),
                        best.mibPerSecond(),
                        String.format(
                                        Locale.ROOT,
                                        "median %.0f MiB/s; process CPU %.2f s/GiB (median round); ",
                                        median.mibPerSecond(),
                                        median.cpuSecondsPerGiB())
                                + best.heap() + ", after GC " + best.afterGcKiB() + " KiB at the end"
                                + (best.name().startsWith("SDK") ? "; target >= 400 MiB/s" : ""));
            }
            if (fanout != null) {
                System.out.printf(
                        Locale.ROOT,
                        "%-58s %11s    %s%n",
                        streams + " concurrent streams x " + streamBlocks * STREAM_BLOCK_LINES + " lines",
                        fanout.complete() + "/" + streams,
                        String.format(
                                Locale.ROOT, "complete and in order, %.0f ms, %s", ms(fanout.nanos()), fanout.heap()));
                System.out.printf(
                        Locale.ROOT,
                        "%-58s %11d    %s%n",
                        "SDK threads (opensandbox-*) while they streamed",
                        fanout.threadNames().size(),
                        "<= 8: " + fanout.threadNames());
            }
            if (chattyRun != null) {
                Execution execution = chattyRun.execution();
                System.out.printf(
                        Locale.ROOT,
                        "%-58s %11s    %s%n",
                        "chatty command, " + chattyLines + " short lines, default RunOptions",
                        "completed",
                        String.format(
                                Locale.ROOT,
                                "%.1f s; handler saw %d lines; kept %d lines, retained %d bytes (bound %d);"
                                        + " dropped %d lines, %d bytes; %s",
                                chattyRun.nanos() / 1e9,
                                chattyRun.handlerLines(),
                                execution.stdout().size(),
                                execution.retainedOutputBytes(),
                                RunOptions.DEFAULT_MAX_RETAINED_OUTPUT,
                                execution.droppedStdout().lines(),
                                execution.droppedStdout().bytes(),
                                chattyRun.heap()));
            }
        }
    }

    /** What the chatty command did. */
    private record Chatty(Execution execution, long handlerLines, long nanos, String heap) {}

    private static Chatty chatty(Commands commands, long lines) throws InterruptedException {
        CountingHandler counting = new CountingHandler();
        Execution execution;
        long nanos;
        String heap;
        try (HeapSampler sampler = new HeapSampler()) {
            long started = System.nanoTime();
            execution = commands.run("chatty-" + lines, RunOptions.defaults(), counting);
            nanos = System.nanoTime() - started;
            heap = sampler.describe();
        }
        check(execution.exitCode().orElse(-1) == 0, "the chatty run did not complete");
        check(counting.lines == lines, "the handler saw " + counting.lines + " of " + lines + " lines");
        int kept = execution.stdout().size();
        check(kept + execution.droppedStdout().lines() == lines, "kept and dropped lines do not add up");
        check(
                kept == 0 || execution.stdout().get(kept - 1).text().equals(chattyLine(kept - 1)),
                "kept lines out of order");
        check(execution.retainedOutputBytes() <= RunOptions.DEFAULT_MAX_RETAINED_OUTPUT, "retained past the bound");
        return new Chatty(execution, counting.lines, nanos, heap);
    }

    /** Counts stdout lines and their bytes; runs on the caller's thread in a blocking run. */
    private static final class CountingHandler implements ExecutionHandlers {
        long lines;
        long bytes;

        @Override
        public void onStdout(OutputMessage message) {
            lines++;
            bytes += message.text().length();
        }
    }

    private static double ms(long nanos) {
        return nanos / 1e6;
    }

    private static void check(boolean condition, String message) {
        if (!condition) {
            throw new IllegalStateException(message);
        }
    }

    private static void echo(Commands commands) {
        Execution execution = commands.run("echo hello");
        check(execution.stdoutText().equals("hello") && execution.exitCode().orElse(-1) == 0, "bad echo");
    }

    private static Throughput bulk(String name, BulkReader reader, long blocks) throws Exception {
        long before = usedAfterGcKiB();
        long payload;
        long nanos;
        String heap;
        long cpu;
        try (HeapSampler sampler = new HeapSampler()) {
            long cpuBefore = processCpuNanos();
            long started = System.nanoTime();
            payload = reader.read(blocks);
            nanos = System.nanoTime() - started;
            cpu = processCpuNanos() - cpuBefore;
            heap = sampler.describe();
        }
        check(payload == blocks * BLOCK_LINES * LINE_BYTES, name + " saw " + payload + " payload bytes");
        long after = usedAfterGcKiB();
        System.out.printf(
                Locale.ROOT,
                "  %s: %d MiB in %.2f s (%.0f MiB/s, process CPU %.2f s), heap after GC %d KiB before, %d KiB after%n",
                name,
                payload / (1024 * 1024),
                nanos / 1e9,
                payload / (1024.0 * 1024.0) / (nanos / 1e9),
                cpu / 1e9,
                before,
                after);
        return new Throughput(name, payload, nanos, cpu, heap, after);
    }

    private static HttpPost post(String url, String command) {
        HttpPost post = new HttpPost(url);
        post.addHeader("Accept", "text/event-stream");
        post.setEntity(new StringEntity("{\"command\":\"" + command + "\"}", ContentType.APPLICATION_JSON));
        return post;
    }

    private static void readToEof(CloseableHttpClient client, String url, String command) throws IOException {
        HttpPost post = post(url, command);
        try (ClassicHttpResponse response = client.executeOpen(null, post, null)) {
            InputStream in = response.getEntity().getContent();
            in.transferTo(OutputStream.nullOutputStream());
        }
    }

    private static final byte[] TEXT_KEY = "\"text\":\"".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] COMPLETE_PREFIX =
            "{\"type\":\"execution_complete\"".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] STDOUT_PREFIX = "{\"type\":\"stdout\"".getBytes(StandardCharsets.US_ASCII);

    /** Cuts lines as bytes; for each stdout line finds the text's length; stops at execution_complete. */
    private static long scanLines(CloseableHttpClient client, String url, String command) throws IOException {
        HttpPost post = post(url, command);
        long payload = 0;
        ClassicHttpResponse response = client.executeOpen(null, post, null);
        try {
            InputStream in = response.getEntity().getContent();
            byte[] buffer = new byte[64 * 1024];
            byte[] line = new byte[64 * 1024];
            int lineLength = 0;
            int n;
            reading:
            while ((n = in.read(buffer)) >= 0) {
                for (int i = 0; i < n; i++) {
                    byte b = buffer[i];
                    if (b != '\n') {
                        line[lineLength++] = b;
                        continue;
                    }
                    if (lineLength > 0) {
                        if (startsWith(line, lineLength, STDOUT_PREFIX)) {
                            int start = indexOf(line, lineLength, TEXT_KEY) + TEXT_KEY.length;
                            int end = start;
                            while (line[end] != '"') {
                                end++;
                            }
                            payload += end - start;
                        } else if (startsWith(line, lineLength, COMPLETE_PREFIX)) {
                            post.cancel();
                            break reading;
                        }
                    }
                    lineLength = 0;
                }
            }
        } finally {
            closeQuietly(response);
        }
        return payload;
    }

    private static boolean startsWith(byte[] line, int length, byte[] prefix) {
        if (length < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (line[i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    private static int indexOf(byte[] line, int length, byte[] key) {
        outer:
        for (int i = 0; i + key.length <= length; i++) {
            for (int j = 0; j < key.length; j++) {
                if (line[i + j] != key[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    private static final ObjectMapper MAPPER = new ObjectMapper();

    /** Reads lines as Strings and parses each event into a tree; stops at execution_complete. */
    private static long parseTrees(CloseableHttpClient client, String url, String command) throws IOException {
        HttpPost post = post(url, command);
        long payload = 0;
        ClassicHttpResponse response = client.executeOpen(null, post, null);
        try {
            BufferedReader reader = new BufferedReader(
                    new InputStreamReader(response.getEntity().getContent(), StandardCharsets.UTF_8), 64 * 1024);
            String line;
            while ((line = reader.readLine()) != null) {
                if (line.isEmpty()) {
                    continue;
                }
                JsonNode event = MAPPER.readTree(line);
                String type = event.path("type").asText();
                if (type.equals("stdout")) {
                    payload += event.path("text").asText().length();
                } else if (type.equals("execution_complete")) {
                    post.cancel();
                    break;
                }
            }
        } finally {
            closeQuietly(response);
        }
        return payload;
    }

    /** After {@code cancel()} the connection is already closed; closing the response then fails harmlessly. */
    private static void closeQuietly(ClassicHttpResponse response) {
        try {
            response.close();
        } catch (IOException e) {
            // the exchange was cancelled on the terminal event
        }
    }

    /** The outcome of the concurrent streams. */
    private record Fanout(int complete, long nanos, Set<String> threadNames, String heap) {}

    private static Fanout fanout(Commands commands, int streams, int blocks) throws Exception {
        // warm-up with a few streams
        fanoutOnce(commands, Math.min(streams, 8), 1);
        return fanoutOnce(commands, streams, blocks);
    }

    private static Fanout fanoutOnce(Commands commands, int streams, int blocks) throws Exception {
        fanoutArrivals = new CountDownLatch(streams);
        Set<String> names = new TreeSet<>();
        AtomicBoolean sampling = new AtomicBoolean(true);
        Thread sampler = new Thread(
                () -> {
                    while (sampling.get()) {
                        for (Thread thread : Thread.getAllStackTraces().keySet()) {
                            if (thread.getName().startsWith("opensandbox-")) {
                                synchronized (names) {
                                    names.add(thread.getName());
                                }
                            }
                        }
                        try {
                            Thread.sleep(5);
                        } catch (InterruptedException e) {
                            return;
                        }
                    }
                },
                "bench-thread-sampler");
        sampler.setDaemon(true);
        sampler.start();
        long expectedLines = (long) blocks * STREAM_BLOCK_LINES;
        AtomicInteger wrong = new AtomicInteger();
        List<CompletableFuture<Execution>> futures = new ArrayList<>();
        List<AtomicLong> counts = new ArrayList<>();
        HeapSampler heap = new HeapSampler();
        long started = System.nanoTime();
        for (int s = 0; s < streams; s++) {
            int stream = s;
            String[] expected = new String[STREAM_BLOCK_LINES];
            for (int i = 0; i < expected.length; i++) {
                expected[i] = streamLine(stream, i);
            }
            AtomicLong count = new AtomicLong();
            counts.add(count);
            futures.add(commands.runAsync(
                    "fanout-" + stream + "-" + blocks + "-" + streams,
                    RunOptions.builder().skipAccumulation(true).build(),
                    new ExecutionHandlers() {
                        @Override
                        public void onStdout(OutputMessage message) {
                            long seen = count.getAndIncrement();
                            if (!message.text().equals(expected[(int) (seen % STREAM_BLOCK_LINES)])) {
                                wrong.incrementAndGet();
                            }
                        }
                    }));
        }
        CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).get(120, TimeUnit.SECONDS);
        long nanos = System.nanoTime() - started;
        sampling.set(false);
        sampler.join();
        heap.close();
        int complete = 0;
        for (int s = 0; s < streams; s++) {
            Execution execution = futures.get(s).get();
            if (execution.exitCode().orElse(-1) == 0 && counts.get(s).get() == expectedLines) {
                complete++;
            }
        }
        check(wrong.get() == 0, wrong.get() + " lines out of order or from another stream");
        synchronized (names) {
            return new Fanout(complete, nanos, new TreeSet<>(names), heap.describe());
        }
    }
}
