package io.opensandbox.benchmarks;

import io.opensandbox.api.ConnectionConfig;
import io.opensandbox.api.DirectHandle;
import io.opensandbox.api.Endpoint;
import io.opensandbox.api.RetryPolicy;
import io.opensandbox.api.spi.Transport;
import io.opensandbox.api.spi.TransportOptions;
import io.opensandbox.api.spi.TransportProvider;
import io.opensandbox.files.ReadOptions;
import io.opensandbox.files.SandboxFiles;
import io.opensandbox.files.WriteEntry;
import io.opensandbox.files.WriteOptions;
import io.opensandbox.transport.httpclient5.HttpClient5TransportProvider;
import io.opensandbox.transport.jdk.JdkTransportProvider;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.SequenceInputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32;
import org.apache.hc.client5.http.async.methods.SimpleHttpResponse;
import org.apache.hc.client5.http.async.methods.SimpleResponseConsumer;
import org.apache.hc.client5.http.classic.methods.HttpGet;
import org.apache.hc.client5.http.classic.methods.HttpPost;
import org.apache.hc.client5.http.impl.async.CloseableHttpAsyncClient;
import org.apache.hc.client5.http.impl.async.HttpAsyncClients;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.HttpResponse;
import org.apache.hc.core5.http.io.entity.EntityUtils;
import org.apache.hc.core5.http.io.entity.InputStreamEntity;
import org.apache.hc.core5.http.nio.AsyncEntityProducer;
import org.apache.hc.core5.http.nio.DataStreamChannel;
import org.apache.hc.core5.http.nio.entity.AbstractBinAsyncEntityConsumer;
import org.apache.hc.core5.http.nio.support.AbstractAsyncResponseConsumer;
import org.apache.hc.core5.http.nio.support.AsyncRequestBuilder;
import org.apache.hc.core5.http.protocol.HttpContext;
import org.apache.hc.core5.io.CloseMode;
import org.apache.hc.core5.reactor.IOReactorConfig;

/**
 * Moves a large file (default 2 GiB) each way through the files SDK (httpclient5 transport) and through plain
 * HttpClient 5 doing the same requests (a streamed multipart upload in execd's format, a streamed download), against
 * {@link FilesLoopbackServer} on 127.0.0.1. Plain HttpClient 5 runs two ways: the async client with the content
 * produced and consumed on its I/O thread (the fastest it goes; the SDK may not run callers' code there), and the
 * classic client reading an {@code InputStream} and writing an {@code OutputStream} on the calling thread (what
 * the SDK's stream methods do for their callers). Every transfer is checked by CRC32. Prints time, throughput and peak heap per transfer; asserts nothing. Run it with
 * {@code -Xmx64m}: a client that buffered the file would fail with {@link OutOfMemoryError}.
 *
 * <p>Arguments: size in MiB (default 2048), rounds (default 1), and optionally a part of the case names to run
 * (for example {@code download}). A warm-up of every case ({@value #WARM_UP_PASSES} passes of up to 512 MiB) runs
 * first and is not reported; the rounds interleave the clients, and the ratios compare both the best and the median
 * round of each, since single rounds on a shared 2-core machine vary by a third.
 */
public final class FilesBenchmark {
    private static final String REMOTE = "/workspace/bench/data.bin";

    /** Passes of every case over {@code min(size, 512 MiB)} before measuring. */
    private static final int WARM_UP_PASSES = 4;

    private FilesBenchmark() {}

    /** The generated content: a fixed pseudo-random block repeated; the same bytes for every client. */
    static final class Pattern {
        static final byte[] BLOCK = block();

        private Pattern() {}

        private static byte[] block() {
            byte[] bytes = new byte[1024 * 1024];
            new Random(20261127L).nextBytes(bytes);
            return bytes;
        }

        /** The CRC32 of the first {@code size} bytes of the repeated block. */
        static long crc(long size) {
            CRC32 crc = new CRC32();
            long left = size;
            while (left > 0) {
                int n = (int) Math.min(BLOCK.length, left);
                crc.update(BLOCK, 0, n);
                left -= n;
            }
            return crc.getValue();
        }

        /** The content as a stream, made as it is read. */
        static InputStream stream(long size) {
            return new InputStream() {
                private long position;

                @Override
                public int read() {
                    if (position >= size) {
                        return -1;
                    }
                    return BLOCK[(int) (position++ % BLOCK.length)] & 0xff;
                }

                @Override
                public int read(byte[] target, int offset, int length) {
                    if (position >= size) {
                        return -1;
                    }
                    int at = (int) (position % BLOCK.length);
                    int n = (int) Math.min(Math.min(length, BLOCK.length - at), size - position);
                    System.arraycopy(BLOCK, at, target, offset, n);
                    position += n;
                    return n;
                }
            };
        }
    }

    /** An output stream that only counts and checksums. */
    private static final class Discard extends OutputStream {
        private final CRC32 crc = new CRC32();
        private long count;

        @Override
        public void write(int b) {
            crc.update(b);
            count++;
        }

        @Override
        public void write(byte[] b, int off, int len) {
            crc.update(b, off, len);
            count += len;
        }
    }

    private record Result(
            String direction, String client, long bytes, long nanos, long cpuNanos, long peakHeap, boolean ok) {}

    /** One way of moving the file; returns the bytes moved and whether the checksum matched. */
    private interface Transfer {
        boolean run(long size, long crc) throws Exception;
    }

    /**
     * Runs the benchmark.
     *
     * @param args size in MiB, rounds
     * @throws Exception on failure
     */
    public static void main(String[] args) throws Exception {
        long size = (args.length > 0 ? Long.parseLong(args[0]) : 2048) * 1024 * 1024;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 1;
        String only = args.length > 2 ? args[2] : "";
        long expectedCrc = Pattern.crc(size);
        long warmSize = Math.min(size, 512L * 1024 * 1024);
        long warmCrc = Pattern.crc(warmSize);

        try (FilesLoopbackServer server = new FilesLoopbackServer(size)) {
            String base = "127.0.0.1:" + server.port();
            // -Dopensandbox.transport=jdk measures the JDK transport instead
            TransportProvider provider = "jdk".equals(System.getProperty("opensandbox.transport"))
                    ? new JdkTransportProvider()
                    : new HttpClient5TransportProvider();
            System.out.println("SDK transport: " + provider.name());
            Transport transport =
                    provider.create(new TransportOptions(Duration.ofSeconds(5), 8, "OpenSandbox-Java-SDK/bench"));
            ConnectionConfig config = ConnectionConfig.builder()
                    .domain(base)
                    .protocol("http")
                    .retryPolicy(RetryPolicy.disabled())
                    .build();
            SandboxFiles files = SandboxFiles.of(DirectHandle.of(
                    "bench", config.toBuilder().transport(transport).build(), Endpoint.of(base, Map.of())));
            CloseableHttpAsyncClient plain = HttpAsyncClients.custom()
                    .setIOReactorConfig(IOReactorConfig.custom()
                            .setIoThreadCount(Math.min(2, Runtime.getRuntime().availableProcessors()))
                            .setTcpNoDelay(true)
                            .build())
                    .build();
            plain.start();
            CloseableHttpClient classic = HttpClients.custom()
                    .setConnectionManager(
                            PoolingHttpClientConnectionManagerBuilder.create().build())
                    .build();
            String url = "http://" + base;
            try {
                List<String> names = List.of(
                        "upload/sdk",
                        "upload/plain",
                        "upload/plain-fresh-buffers",
                        "upload/plain-classic",
                        "download/sdk-outputstream",
                        "download/sdk-inputstream",
                        "download/plain",
                        "download/plain-handoff",
                        "download/plain-classic");
                List<Transfer> cases = List.of(
                        (n, crc) -> sdkUpload(files, server, n, crc),
                        (n, crc) -> plainUpload(plain, url, server, n, crc, false),
                        (n, crc) -> plainUpload(plain, url, server, n, crc, true),
                        (n, crc) -> classicUpload(classic, url, server, n, crc),
                        (n, crc) -> sdkDownload(files, n, crc),
                        (n, crc) -> sdkDownloadStream(files, n, crc),
                        (n, crc) -> plainDownload(plain, url, n, crc),
                        (n, crc) -> handoffDownload(plain, url, n, crc),
                        (n, crc) -> classicDownload(classic, url, n, crc));
                // warm-up: the JIT (a few hundred MiB leave the copy loops half compiled), the connection pools
                server.setDownloadSize(warmSize);
                for (int pass = 0; pass < WARM_UP_PASSES; pass++) {
                    for (int i = 0; i < cases.size(); i++) {
                        if (names.get(i).contains(only) && !cases.get(i).run(warmSize, warmCrc)) {
                            throw new IllegalStateException("checksum mismatch in the warm-up of " + names.get(i));
                        }
                    }
                }
                server.setDownloadSize(size);
                List<Result> results = new ArrayList<>();
                for (int round = 0; round < rounds; round++) {
                    for (int i = 0; i < cases.size(); i++) {
                        if (!names.get(i).contains(only)) {
                            continue;
                        }
                        String[] name = names.get(i).split("/");
                        System.gc();
                        resetPeaks();
                        long cpu = processCpuNanos();
                        long start = System.nanoTime();
                        boolean ok = cases.get(i).run(size, expectedCrc);
                        long nanos = System.nanoTime() - start;
                        cpu = processCpuNanos() - cpu;
                        results.add(new Result(name[0], name[1], size, nanos, cpu, peakHeap(), ok));
                    }
                }
                print(results, size, expectedCrc, warmCrc, args);
            } finally {
                plain.close(CloseMode.GRACEFUL);
                classic.close(CloseMode.GRACEFUL);
                transport.close();
            }
        }
    }

    // ------------------------------------------------------------------------------------------------ the SDK

    private static boolean sdkUpload(SandboxFiles files, FilesLoopbackServer server, long size, long expected) {
        server.resetUpload();
        files.writeFiles(
                List.of(WriteEntry.builder(REMOTE)
                        .content(Pattern.stream(size), size)
                        .build()),
                WriteOptions.defaults());
        return server.lastUploadBytes() == size && server.lastUploadCrc() == expected;
    }

    private static boolean sdkDownload(SandboxFiles files, long size, long expected) {
        Discard out = new Discard();
        long count = files.download(REMOTE, out, ReadOptions.defaults());
        return count == size && out.count == size && out.crc.getValue() == expected;
    }

    private static boolean sdkDownloadStream(SandboxFiles files, long size, long expected) throws IOException {
        CRC32 crc = new CRC32();
        long count = 0;
        byte[] buffer = new byte[64 * 1024];
        try (InputStream in = files.readStream(REMOTE)) {
            for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                crc.update(buffer, 0, n);
                count += n;
            }
        }
        return count == size && crc.getValue() == expected;
    }

    // ------------------------------------------------------------------------------------------------ plain client

    /**
     * A streamed multipart upload. With {@code fresh}, every 256 KiB chunk is a newly allocated array, as a
     * publisher must do when it cannot know when the transport is done with a buffer (the SDK's case); otherwise
     * one 128 KiB array is reused, as a client that writes the socket itself can.
     */
    private static boolean plainUpload(
            CloseableHttpAsyncClient client,
            String url,
            FilesLoopbackServer server,
            long size,
            long expected,
            boolean fresh)
            throws Exception {
        server.resetUpload();
        String boundary = "PlainBoundary" + Long.toHexString(new Random().nextLong());
        byte[] head = multipartHead(boundary);
        byte[] tail = multipartTail(boundary);
        MultipartProducer body = new MultipartProducer(head, Pattern.stream(size), size, tail, boundary, fresh);
        SimpleHttpResponse response = client.execute(
                        AsyncRequestBuilder.post(url + "/files/upload")
                                .setEntity(body)
                                .build(),
                        SimpleResponseConsumer.create(),
                        null)
                .get(10, TimeUnit.MINUTES);
        if (response.getCode() != 200) {
            throw new IllegalStateException("upload answered " + response.getCode() + ": " + response.getBodyText());
        }
        return server.lastUploadBytes() == size && server.lastUploadCrc() == expected;
    }

    /** execd's multipart upload up to the file content: the metadata part (with a filename) and the file part head. */
    private static byte[] multipartHead(String boundary) {
        String metadata = "{\"path\":\"" + REMOTE + "\"}";
        return ("--" + boundary + "\r\n"
                        + "Content-Disposition: form-data; name=\"metadata\"; filename=\"metadata\"\r\n"
                        + "Content-Type: application/json\r\n\r\n" + metadata + "\r\n"
                        + "--" + boundary + "\r\n"
                        + "Content-Disposition: form-data; name=\"file\"; filename=\"data.bin\"\r\n"
                        + "Content-Type: application/octet-stream\r\n\r\n")
                .getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] multipartTail(String boundary) {
        return ("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8);
    }

    private static boolean plainDownload(CloseableHttpAsyncClient client, String url, long size, long expected)
            throws Exception {
        CRC32 crc = new CRC32();
        long[] count = {0};
        client.execute(
                        AsyncRequestBuilder.get(url + "/files/download?path=%2Fworkspace%2Fbench%2Fdata.bin")
                                .build(),
                        new IoThreadConsumer((src, endOfStream) -> {
                            count[0] += src.remaining();
                            crc.update(src);
                        }),
                        null)
                .get(10, TimeUnit.MINUTES);
        return count[0] == size && crc.getValue() == expected;
    }

    /**
     * The async client handing the body to the calling thread the plain way, as the SDK's stream methods must: the
     * I/O thread copies each read into a buffer from a pool of 256 (allocating when the pool is empty) and puts it
     * on a {@link LinkedBlockingQueue}; the calling thread checksums it and returns it to the pool. No backpressure
     * and no timeouts, so it does less than the SDK.
     */
    private static boolean handoffDownload(CloseableHttpAsyncClient client, String url, long size, long expected)
            throws Exception {
        BlockingQueue<ByteBuffer> ready = new LinkedBlockingQueue<>();
        BlockingQueue<ByteBuffer> pool = new ArrayBlockingQueue<>(256);
        ByteBuffer end = ByteBuffer.allocate(0);
        Future<Void> done = client.execute(
                AsyncRequestBuilder.get(url + "/files/download?path=%2Fworkspace%2Fbench%2Fdata.bin")
                        .build(),
                new IoThreadConsumer((src, endOfStream) -> {
                    if (src.hasRemaining()) {
                        ByteBuffer copy = pool.poll();
                        if (copy == null || copy.capacity() < src.remaining()) {
                            copy = ByteBuffer.allocate(Math.max(32 * 1024, src.remaining()));
                        }
                        copy.clear();
                        copy.put(src).flip();
                        ready.add(copy);
                    }
                    if (endOfStream) {
                        ready.add(end);
                    }
                }),
                null);
        CRC32 crc = new CRC32();
        long count = 0;
        for (ByteBuffer buffer = ready.take(); buffer != end; buffer = ready.take()) {
            count += buffer.remaining();
            crc.update(buffer);
            pool.offer(buffer); // a full pool leaves the buffer to the garbage collector
        }
        done.get(1, TimeUnit.MINUTES);
        return count == size && crc.getValue() == expected;
    }

    /**
     * The classic (blocking) client: the multipart body is written from the calling thread, straight from the
     * content stream into the connection, as a user of HttpClient 5 uploading an {@code InputStream} would do it.
     */
    private static boolean classicUpload(
            CloseableHttpClient client, String url, FilesLoopbackServer server, long size, long expected)
            throws IOException {
        server.resetUpload();
        String boundary = "ClassicBoundary" + Long.toHexString(new Random().nextLong());
        byte[] head = multipartHead(boundary);
        byte[] tail = multipartTail(boundary);
        InputStream body = new SequenceInputStream(
                new ByteArrayInputStream(head),
                new SequenceInputStream(Pattern.stream(size), new ByteArrayInputStream(tail)));
        HttpPost post = new HttpPost(url + "/files/upload");
        post.setEntity(new InputStreamEntity(
                body,
                head.length + size + tail.length,
                ContentType.parse("multipart/form-data; boundary=" + boundary)));
        int status = client.execute(post, response -> {
            EntityUtils.consume(response.getEntity());
            return response.getCode();
        });
        if (status != 200) {
            throw new IllegalStateException("upload answered " + status);
        }
        return server.lastUploadBytes() == size && server.lastUploadCrc() == expected;
    }

    /**
     * The classic (blocking) client writing the body to an {@code OutputStream} on the calling thread, as a user of
     * HttpClient 5 downloading to a stream would do it.
     */
    private static boolean classicDownload(CloseableHttpClient client, String url, long size, long expected)
            throws IOException {
        Discard out = new Discard();
        int status =
                client.execute(new HttpGet(url + "/files/download?path=%2Fworkspace%2Fbench%2Fdata.bin"), response -> {
                    response.getEntity().writeTo(out);
                    return response.getCode();
                });
        return status == 200 && out.count == size && out.crc.getValue() == expected;
    }

    /** A streamed multipart body: head bytes, then the content stream in 128 KiB chunks, then the tail. */
    private static final class MultipartProducer implements AsyncEntityProducer {
        private final ByteBuffer head;
        private final InputStream content;
        private final ByteBuffer tail;
        private final long length;
        private final String boundary;
        private final boolean fresh;
        private byte[] chunk;
        private ByteBuffer current;
        private int stage;

        MultipartProducer(
                byte[] head, InputStream content, long contentLength, byte[] tail, String boundary, boolean fresh) {
            this.fresh = fresh;
            this.chunk = new byte[fresh ? 256 * 1024 : 128 * 1024];
            this.head = ByteBuffer.wrap(head);
            this.content = content;
            this.tail = ByteBuffer.wrap(tail);
            this.length = head.length + contentLength + tail.length;
            this.boundary = boundary;
            this.current = this.head;
        }

        @Override
        public boolean isRepeatable() {
            return false;
        }

        @Override
        public void failed(Exception cause) {}

        @Override
        public long getContentLength() {
            return length;
        }

        @Override
        public String getContentType() {
            return "multipart/form-data; boundary=" + boundary;
        }

        @Override
        public String getContentEncoding() {
            return null;
        }

        @Override
        public boolean isChunked() {
            return false;
        }

        @Override
        public Set<String> getTrailerNames() {
            return null;
        }

        @Override
        public int available() {
            return Integer.MAX_VALUE;
        }

        @Override
        public void produce(DataStreamChannel channel) throws IOException {
            while (true) {
                if (!current.hasRemaining()) {
                    if (stage == 0) {
                        if (fresh) {
                            chunk = new byte[chunk.length];
                        }
                        int n = content.readNBytes(chunk, 0, chunk.length);
                        if (n > 0) {
                            current = ByteBuffer.wrap(chunk, 0, n);
                        } else {
                            stage = 1;
                            current = tail;
                        }
                        continue;
                    }
                    channel.endStream();
                    return;
                }
                channel.write(current);
                if (current.hasRemaining()) {
                    return; // the channel is full; produce is called again when it can take more
                }
            }
        }

        @Override
        public void releaseResources() {}
    }

    /** Hands every read of a response body to a sink on HttpClient's I/O thread, never holding input back. */
    private static final class IoThreadConsumer extends AbstractAsyncResponseConsumer<Void, Void> {
        /** Takes the bytes of one read; {@code src} is reused by HttpClient once this returns. */
        interface Sink {
            void data(ByteBuffer src, boolean endOfStream);
        }

        IoThreadConsumer(Sink sink) {
            super(new AbstractBinAsyncEntityConsumer<Void>() {
                @Override
                protected void streamStart(ContentType contentType) {}

                @Override
                protected int capacityIncrement() {
                    return Integer.MAX_VALUE;
                }

                @Override
                protected void data(ByteBuffer src, boolean endOfStream) {
                    sink.data(src, endOfStream);
                }

                @Override
                protected Void generateContent() {
                    return null;
                }

                @Override
                public void releaseResources() {}
            });
        }

        @Override
        protected Void buildResult(HttpResponse response, Void entity, ContentType contentType) {
            if (response.getCode() != 200) {
                throw new IllegalStateException("download answered " + response.getCode());
            }
            return null;
        }

        @Override
        public void informationResponse(HttpResponse response, HttpContext context) {}
    }

    // ------------------------------------------------------------------------------------------------ report

    /** CPU time of the whole process (client and loopback server), or 0 when the JVM does not tell. */
    private static long processCpuNanos() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            return Math.max(0, os.getProcessCpuTime());
        }
        return 0;
    }

    private static void resetPeaks() {
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                pool.resetPeakUsage();
            }
        }
    }

    private static long peakHeap() {
        long peak = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                peak += pool.getPeakUsage().getUsed();
            }
        }
        return peak;
    }

    private static void print(List<Result> results, long size, long expectedCrc, long warmCrc, String[] arguments) {
        System.out.println();
        System.out.println("Files benchmark: " + (size >> 20) + " MiB each way over loopback, max heap "
                + (Runtime.getRuntime().maxMemory() >> 20) + " MiB, "
                + Runtime.getRuntime().availableProcessors()
                + " CPUs, Java " + Runtime.version());
        System.out.println("command (from the repository root): java "
                + String.join(" ", ManagementFactory.getRuntimeMXBean().getInputArguments())
                + " -cp opensandbox-benchmarks/target/classes:$(cat opensandbox-benchmarks/target/classpath.txt)"
                + " io.opensandbox.benchmarks.FilesBenchmark " + String.join(" ", arguments));
        System.out.printf(
                Locale.ROOT,
                "%-9s %-19s %6s %8s %9s %8s %11s %7s%n",
                "direction",
                "client",
                "MiB",
                "seconds",
                "MiB/s",
                "cpu s",
                "peak heap",
                "crc32");
        for (Result r : results) {
            double seconds = r.nanos / 1e9;
            System.out.printf(
                    Locale.ROOT,
                    "%-9s %-19s %6d %8.2f %9.1f %8.2f %7.1f MiB %7s%n",
                    r.direction,
                    r.client,
                    r.bytes >> 20,
                    seconds,
                    (r.bytes / 1048576.0) / seconds,
                    r.cpuNanos / 1e9,
                    r.peakHeap / 1048576.0,
                    r.ok ? "match" : "MISMATCH");
        }
        for (String statistic : List.of("best", "median")) {
            boolean median = statistic.equals("median");
            System.out.printf(
                    Locale.ROOT,
                    "%s%s round, SDK / plain HttpClient 5 async (NaN for a case not run): upload %.2f,"
                            + " download (OutputStream) %.2f, download (InputStream) %.2f;"
                            + " SDK / plain classic client: upload %.2f, download (OutputStream) %.2f;"
                            + " SDK download (OutputStream) / plain async with a queue to the caller: %.2f;"
                            + " plain with a fresh buffer per upload chunk / plain: %.2f%n",
                    median ? "" : System.lineSeparator(),
                    statistic,
                    rate(results, "upload", "sdk", median) / rate(results, "upload", "plain", median),
                    rate(results, "download", "sdk-outputstream", median) / rate(results, "download", "plain", median),
                    rate(results, "download", "sdk-inputstream", median) / rate(results, "download", "plain", median),
                    rate(results, "upload", "sdk", median) / rate(results, "upload", "plain-classic", median),
                    rate(results, "download", "sdk-outputstream", median)
                            / rate(results, "download", "plain-classic", median),
                    rate(results, "download", "sdk-outputstream", median)
                            / rate(results, "download", "plain-handoff", median),
                    rate(results, "upload", "plain-fresh-buffers", median) / rate(results, "upload", "plain", median));
        }
        System.out.printf(
                Locale.ROOT,
                "expected CRC32 %08x (warm-up %08x); cpu s = CPU time of the whole process"
                        + " (client and loopback server) during the transfer%n",
                expectedCrc,
                warmCrc);
    }

    /** The best or the median throughput of a case over the rounds, in MiB/s; NaN when it did not run. */
    private static double rate(List<Result> results, String direction, String client, boolean median) {
        double[] rates = results.stream()
                .filter(r -> r.direction.equals(direction) && r.client.equals(client))
                .mapToDouble(r -> (r.bytes / 1048576.0) / (r.nanos / 1e9))
                .sorted()
                .toArray();
        if (rates.length == 0) {
            return Double.NaN;
        }
        if (!median) {
            return rates[rates.length - 1];
        }
        int middle = rates.length / 2;
        return rates.length % 2 == 1 ? rates[middle] : (rates[middle - 1] + rates[middle]) / 2;
    }
}
