package io.opensandbox.benchmarks;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.ResponseBody;
import org.apache.hc.client5.http.async.methods.SimpleHttpResponse;
import org.apache.hc.client5.http.async.methods.SimpleRequestBuilder;
import org.apache.hc.client5.http.classic.methods.HttpGet;
import org.apache.hc.client5.http.impl.async.CloseableHttpAsyncClient;
import org.apache.hc.client5.http.impl.async.HttpAsyncClients;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.client5.http.impl.nio.PoolingAsyncClientConnectionManagerBuilder;
import org.apache.hc.core5.http.io.entity.EntityUtils;
import org.apache.hc.core5.reactor.IOReactorConfig;

/**
 * The floor of each I/O model under the SDKs, with no SDK on top: the same small {@code GET} of a sandbox's JSON
 * from {@link FilesLoopbackServer}, sequentially and from 32 threads at once, through HttpClient 5's async client
 * (what this SDK's default transport runs on: the caller hands the request to an I/O reactor thread and waits for
 * it), HttpClient 5's classic client (the exchange runs on the calling thread), and OkHttp (what the official
 * Kotlin SDK runs on, also on the calling thread). Tells whether a gap to the Kotlin SDK is in this SDK's code or
 * in the I/O model under it. Prints numbers; asserts nothing but that each response was whole.
 *
 * <p>Arguments: sequential calls per round (default 5000), callers (default 32), calls per caller (default 300),
 * rounds (default 6; the first ones warm up).
 */
public final class IoModelBenchmark {
    private IoModelBenchmark() {}

    /** One client's way of fetching the URL; returns the body length. */
    private interface Fetch {
        int get(String url) throws Exception;
    }

    /**
     * Runs the benchmark.
     *
     * @param args sequential calls, callers, calls per caller, rounds
     * @throws Exception on failure
     */
    public static void main(String[] args) throws Exception {
        int sequential = args.length > 0 ? Integer.parseInt(args[0]) : 5000;
        int callers = args.length > 1 ? Integer.parseInt(args[1]) : 32;
        int perCaller = args.length > 2 ? Integer.parseInt(args[2]) : 300;
        int rounds = args.length > 3 ? Integer.parseInt(args[3]) : 6;
        try (FilesLoopbackServer server = new FilesLoopbackServer(1024);
                CloseableHttpClient classic = HttpClients.custom()
                        .setConnectionManager(PoolingHttpClientConnectionManagerBuilder.create()
                                .setMaxConnTotal(callers)
                                .setMaxConnPerRoute(callers)
                                .build())
                        .build();
                CloseableHttpAsyncClient async = HttpAsyncClients.custom()
                        .setIOReactorConfig(IOReactorConfig.custom()
                                .setIoThreadCount(
                                        Math.min(2, Runtime.getRuntime().availableProcessors()))
                                .setTcpNoDelay(true)
                                .build())
                        .setConnectionManager(PoolingAsyncClientConnectionManagerBuilder.create()
                                .setMaxConnTotal(callers)
                                .setMaxConnPerRoute(callers)
                                .build())
                        .build()) {
            async.start();
            OkHttpClient okhttp = new OkHttpClient();
            String url = "http://127.0.0.1:" + server.port() + "/v1/sandboxes/bench";
            Map<String, Fetch> clients = new LinkedHashMap<>();
            clients.put("HttpClient 5 async (this SDK's default transport)", u -> {
                SimpleHttpResponse response =
                        async.execute(SimpleRequestBuilder.get(u).build(), null).get();
                return check(response.getCode(), response.getBodyBytes().length);
            });
            clients.put(
                    "HttpClient 5 classic (calling thread)",
                    u -> classic.execute(
                            new HttpGet(u),
                            response ->
                                    check(response.getCode(), EntityUtils.toByteArray(response.getEntity()).length)));
            clients.put("OkHttp 4.12 (the Kotlin SDK's client)", u -> {
                try (okhttp3.Response response =
                        okhttp.newCall(new Request.Builder().url(u).build()).execute()) {
                    ResponseBody body = response.body();
                    return check(response.code(), body == null ? 0 : body.bytes().length);
                }
            });
            System.out.printf(
                    Locale.ROOT,
                    "GET of a sandbox's JSON on loopback: %d sequential calls, %d callers x %d calls, %d rounds,"
                            + " clients alternating; Java %s, %d cores%n",
                    sequential,
                    callers,
                    perCaller,
                    rounds,
                    Runtime.version(),
                    Runtime.getRuntime().availableProcessors());
            Map<String, List<double[]>> results = new LinkedHashMap<>();
            ExecutorService pool = Executors.newFixedThreadPool(callers);
            try {
                for (int round = 0; round < rounds; round++) {
                    for (Map.Entry<String, Fetch> client : clients.entrySet()) {
                        double latency = sequentialMillis(client.getValue(), url, sequential);
                        double throughput = concurrentPerSecond(client.getValue(), url, pool, callers, perCaller);
                        results.computeIfAbsent(client.getKey(), k -> new ArrayList<>())
                                .add(new double[] {latency, throughput});
                    }
                }
            } finally {
                pool.shutdownNow();
                okhttp.dispatcher().executorService().shutdown();
                okhttp.connectionPool().evictAll();
            }
            System.out.printf(
                    Locale.ROOT,
                    "%-52s %-44s %s%n",
                    "client",
                    "sequential mean ms (every round)",
                    "32-concurrent req/s");
            results.forEach((name, rows) -> {
                StringBuilder latency = new StringBuilder();
                StringBuilder throughput = new StringBuilder();
                for (double[] row : rows) {
                    latency.append(String.format(Locale.ROOT, "%.3f ", row[0]));
                    throughput.append(String.format(Locale.ROOT, "%.0f ", row[1]));
                }
                System.out.printf(Locale.ROOT, "%-52s %-44s %s%n", name, latency, throughput);
            });
        }
    }

    private static int check(int status, int length) throws IOException {
        if (status != 200 || length == 0) {
            throw new IOException("unexpected answer: status " + status + ", " + length + " bytes");
        }
        return length;
    }

    private static double sequentialMillis(Fetch fetch, String url, int calls) throws Exception {
        long start = System.nanoTime();
        for (int i = 0; i < calls; i++) {
            fetch.get(url);
        }
        return (System.nanoTime() - start) / 1e6 / calls;
    }

    private static double concurrentPerSecond(Fetch fetch, String url, ExecutorService pool, int callers, int perCaller)
            throws Exception {
        List<Future<?>> running = new ArrayList<>();
        long start = System.nanoTime();
        for (int c = 0; c < callers; c++) {
            running.add(pool.submit(() -> {
                for (int i = 0; i < perCaller; i++) {
                    fetch.get(url);
                }
                return null;
            }));
        }
        for (Future<?> future : running) {
            future.get();
        }
        return callers * (double) perCaller / ((System.nanoTime() - start) / 1e9);
    }
}
