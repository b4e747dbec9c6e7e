package io.opensandbox.testkit;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * What the front door (the public port that splices HTTP connections to the JDK HttpServer, ADR 0054) costs: execd's
 * {@code GET /ping} through the public port and straight to the HttpServer's private port, interleaved rounds.
 *
 * <pre>
 * java -cp opensandbox-testkit/target/test-classes:opensandbox-testkit/target/classes:$DEPS \
 *     io.opensandbox.testkit.FrontDoorBenchmark [calls=3000] [rounds=5] [concurrent=16]
 * </pre>
 */
public final class FrontDoorBenchmark {
    private FrontDoorBenchmark() {}

    public static void main(String[] args) throws Exception {
        int calls = args.length > 0 ? Integer.parseInt(args[0]) : 3000;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        int concurrent = args.length > 2 ? Integer.parseInt(args[2]) : 16;
        try (LocalSandboxServer server = LocalSandboxServer.builder().start()) {
            TestClient c = new TestClient(server);
            String id = c.createSandbox("");
            TestClient.Endpoint ep = c.endpoint(id, 44772, false);
            String front = ep.base() + "/ping";
            String direct = front.replace(
                    ":" + server.core().port() + "/", ":" + server.core().httpPort() + "/");
            HttpClient http = HttpClient.newHttpClient();
            for (String url : List.of(front, direct)) {
                sequential(http, url, 500); // warm-up
            }
            double[][] seq = new double[2][rounds];
            double[][] par = new double[2][rounds];
            for (int r = 0; r < rounds; r++) {
                for (int k = 0; k < 2; k++) {
                    String url = k == 0 ? front : direct;
                    seq[k][r] = sequential(http, url, calls);
                    par[k][r] = concurrent(http, url, concurrent, calls / 4);
                }
            }
            System.out.printf("GET /ping (execd), %d sequential calls, best / median of %d rounds:%n", calls, rounds);
            System.out.printf("  through the front door : %.3f / %.3f ms%n", best(seq[0]), median(seq[0]));
            System.out.printf("  HttpServer directly    : %.3f / %.3f ms%n", best(seq[1]), median(seq[1]));
            System.out.printf("%d concurrent callers x %d calls, throughput best / median:%n", concurrent, calls / 4);
            System.out.printf("  through the front door : %.0f / %.0f req/s%n", max(par[0]), median(par[0]));
            System.out.printf("  HttpServer directly    : %.0f / %.0f req/s%n", max(par[1]), median(par[1]));
        }
    }

    private static void ping(HttpClient http, HttpRequest req) throws Exception {
        HttpResponse<Void> r = http.send(req, HttpResponse.BodyHandlers.discarding());
        if (r.statusCode() != 200) {
            throw new IllegalStateException("status " + r.statusCode());
        }
    }

    /** Mean latency in ms. */
    private static double sequential(HttpClient http, String url, int n) throws Exception {
        HttpRequest req = HttpRequest.newBuilder(URI.create(url)).build();
        long t0 = System.nanoTime();
        for (int i = 0; i < n; i++) {
            ping(http, req);
        }
        return (System.nanoTime() - t0) / 1e6 / n;
    }

    /** Requests per second. */
    private static double concurrent(HttpClient http, String url, int callers, int each) throws Exception {
        HttpRequest req = HttpRequest.newBuilder(URI.create(url)).build();
        ExecutorService pool = Executors.newFixedThreadPool(callers);
        try {
            long t0 = System.nanoTime();
            List<Future<?>> fs = new ArrayList<>();
            for (int i = 0; i < callers; i++) {
                fs.add(pool.submit(() -> {
                    for (int j = 0; j < each; j++) {
                        ping(http, req);
                    }
                    return null;
                }));
            }
            for (Future<?> f : fs) {
                f.get();
            }
            return callers * (double) each / ((System.nanoTime() - t0) / 1e9);
        } finally {
            pool.shutdownNow();
        }
    }

    private static double best(double[] v) {
        return Arrays.stream(v).min().orElse(0);
    }

    private static double max(double[] v) {
        return Arrays.stream(v).max().orElse(0);
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s[s.length / 2];
    }
}
