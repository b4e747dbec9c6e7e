package io.opensandbox.benchmarks;

import io.opensandbox.api.ConnectionConfig;
import io.opensandbox.lifecycle.SandboxManager;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.hc.client5.http.async.methods.SimpleHttpRequest;
import org.apache.hc.client5.http.async.methods.SimpleHttpResponse;
import org.apache.hc.client5.http.async.methods.SimpleRequestBuilder;
import org.apache.hc.client5.http.impl.async.CloseableHttpAsyncClient;
import org.apache.hc.client5.http.impl.async.HttpAsyncClients;
import org.apache.hc.client5.http.impl.nio.PoolingAsyncClientConnectionManagerBuilder;
import org.apache.hc.core5.reactor.IOReactorConfig;

/**
 * {@code getInfo} latency and throughput through the SDK next to plain HttpClient 5 making the same requests,
 * against a loopback server answering from memory. Prints a table; asserts nothing.
 *
 * <p>Arguments: sequential calls (default 2000), concurrent callers (default 32), calls per caller (default 500),
 * rounds (default 3).
 */
public final class LifecycleBenchmark {
    private static final String SANDBOX = "{\"id\":\"bench-1\",\"image\":{\"uri\":\"python:3.12\"},"
            + "\"status\":{\"state\":\"Running\",\"reason\":\"ready\",\"message\":\"ok\","
            + "\"lastTransitionAt\":\"2026-11-27T07:00:00Z\"},\"metadata\":{\"team\":\"bench\"},"
            + "\"entrypoint\":[\"tail\",\"-f\",\"/dev/null\"],\"expiresAt\":\"2026-11-27T07:10:00Z\","
            + "\"createdAt\":\"2026-11-27T07:00:00Z\"}";

    private LifecycleBenchmark() {}

    /** A way of making one getInfo call. */
    private interface Call {
        void run() throws Exception;
    }

    /**
     * Runs the benchmark.
     *
     * @param args sequential calls, callers, calls per caller, rounds
     * @throws Exception on failure
     */
    public static void main(String[] args) throws Exception {
        int sequential = args.length > 0 ? Integer.parseInt(args[0]) : 2000;
        int callers = args.length > 1 ? Integer.parseInt(args[1]) : 32;
        int perCaller = args.length > 2 ? Integer.parseInt(args[2]) : 500;
        int rounds = args.length > 3 ? Integer.parseInt(args[3]) : 3;
        byte[] response = CannedHttpServer.json(200, SANDBOX);
        try (CannedHttpServer server = new CannedHttpServer(line -> response)) {
            String url = "http://127.0.0.1:" + server.port() + "/v1/sandboxes/bench-1";
            CloseableHttpAsyncClient plain = HttpAsyncClients.custom()
                    .setConnectionManager(PoolingAsyncClientConnectionManagerBuilder.create()
                            .setMaxConnTotal(256)
                            .setMaxConnPerRoute(256)
                            .build())
                    .setIOReactorConfig(IOReactorConfig.custom()
                            .setIoThreadCount(Math.min(2, Runtime.getRuntime().availableProcessors()))
                            .build())
                    .build();
            plain.start();
            ConnectionConfig hc5 = ConnectionConfig.builder()
                    .domain("127.0.0.1:" + server.port())
                    .apiKey("bench-key")
                    .transportName("httpclient5")
                    .build();
            ConnectionConfig jdk = hc5.toBuilder().transportName("jdk").build();
            try (SandboxManager viaHc5 = SandboxManager.create(hc5);
                    SandboxManager viaJdk = SandboxManager.create(jdk)) {
                Call sdk = () -> viaHc5.getSandboxInfo("bench-1");
                Call sdkJdk = () -> viaJdk.getSandboxInfo("bench-1");
                Call baseline = () -> {
                    SimpleHttpRequest request = SimpleRequestBuilder.get(url)
                            .addHeader("OPEN-SANDBOX-API-KEY", "bench-key")
                            .addHeader("Accept", "application/json")
                            .build();
                    SimpleHttpResponse result = plain.execute(request, null).get();
                    if (result.getCode() != 200 || result.getBodyBytes().length == 0) {
                        throw new IllegalStateException("unexpected response " + result.getCode());
                    }
                };
                System.out.printf(
                        Locale.ROOT,
                        "getInfo against a loopback server answering from memory; %d sequential calls, %d callers x %d"
                                + " calls, best of %d rounds (interleaved), Java %s, %d cores%n",
                        sequential,
                        callers,
                        perCaller,
                        rounds,
                        System.getProperty("java.version"),
                        Runtime.getRuntime().availableProcessors());
                Call[] calls = {baseline, sdk, sdkJdk};
                String[] names = {"plain HttpClient 5", "OpenSandbox SDK, httpclient5", "OpenSandbox SDK, jdk"};
                double[] mean = {Double.MAX_VALUE, Double.MAX_VALUE, Double.MAX_VALUE};
                double[] rate = new double[3];
                for (Call call : calls) {
                    sequentialRun(call, sequential); // warm-up
                    concurrentRun(call, callers, perCaller / 4);
                }
                for (int round = 0; round < rounds; round++) {
                    for (int i = 0; i < calls.length; i++) {
                        mean[i] = Math.min(mean[i], sequentialRun(calls[i], sequential));
                        rate[i] = Math.max(rate[i], concurrentRun(calls[i], callers, perCaller));
                    }
                }
                System.out.printf(Locale.ROOT, "%-30s %14s %16s%n", "client", "mean latency", "throughput");
                for (int i = 0; i < calls.length; i++) {
                    System.out.printf(Locale.ROOT, "%-30s %11.3f ms %12.0f req/s%n", names[i], mean[i], rate[i]);
                }
                System.out.printf(
                        Locale.ROOT,
                        "SDK (httpclient5) / plain: latency %.2fx (target <= 1.10x), throughput %.2fx (target >= 0.90x)%n",
                        mean[1] / mean[0],
                        rate[1] / rate[0]);
            } finally {
                plain.close();
            }
        }
    }

    private static double sequentialRun(Call call, int count) throws Exception {
        long start = System.nanoTime();
        for (int i = 0; i < count; i++) {
            call.run();
        }
        return (System.nanoTime() - start) / 1e6 / count;
    }

    private static double concurrentRun(Call call, int callers, int perCaller) throws Exception {
        CountDownLatch ready = new CountDownLatch(callers);
        CountDownLatch go = new CountDownLatch(1);
        AtomicLong failures = new AtomicLong();
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < callers; i++) {
            Thread thread = new Thread(() -> {
                ready.countDown();
                try {
                    go.await();
                    for (int j = 0; j < perCaller; j++) {
                        call.run();
                    }
                } catch (Exception e) {
                    failures.incrementAndGet();
                }
            });
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
            throw new IllegalStateException(failures.get() + " callers failed");
        }
        return callers * (double) perCaller / seconds;
    }
}
