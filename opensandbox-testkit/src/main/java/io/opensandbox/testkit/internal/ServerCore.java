package io.opensandbox.testkit.internal;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The running server: HTTP listener, request routing, executors and the sandbox registry. */
public final class ServerCore implements HttpHandler {
    private static final Logger LOG = LoggerFactory.getLogger(ServerCore.class);
    static final int EXECD_PORT = 44772;
    static final int EGRESS_PORT = 18080;

    private final ServerConfig config;
    private final HttpServer server;
    private final FrontDoor front;
    private final PtyApi pty;
    private final ThreadPoolExecutor httpExecutor;
    private final ThreadPoolExecutor ioExecutor;
    private final ScheduledExecutorService scheduler;
    private final Launcher launcher;
    private final Registry registry;
    private final LifecycleApi lifecycle;
    private final ExecdApi execd;
    private final EgressApi egress;
    private final AtomicLong leakedApiKeys = new AtomicLong();
    private volatile boolean closed;

    private ServerCore(ServerConfig config) throws IOException {
        this.config = config;
        Path root = config.rootDirectory();
        Files.createDirectories(root);
        this.launcher = new Launcher(config.unisolated());
        launcher.probe(root);
        this.httpExecutor = new ThreadPoolExecutor(
                256, 256, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(1024), threads("osb-http"));
        httpExecutor.allowCoreThreadTimeOut(true);
        this.ioExecutor =
                new ThreadPoolExecutor(0, 1024, 30, TimeUnit.SECONDS, new SynchronousQueue<>(), threads("osb-io"));
        ScheduledThreadPoolExecutor sched = new ScheduledThreadPoolExecutor(2, threads("osb-sched"));
        sched.setRemoveOnCancelPolicy(true);
        this.scheduler = sched;
        this.registry = new Registry(config, launcher, scheduler, ioExecutor);
        InetAddress loopback = InetAddress.getByAddress(new byte[] {127, 0, 0, 1});
        // the HTTP server listens on a private port; the front door owns the public one (WebSocket upgrades)
        this.server = HttpServer.create(new InetSocketAddress(loopback, 0), 128);
        String frontSecret = UUID.randomUUID().toString();
        this.pty = new PtyApi(frontSecret);
        this.lifecycle = new LifecycleApi(this, registry);
        this.execd = new ExecdApi(this, registry, pty);
        this.egress = new EgressApi(registry);
        server.createContext("/", this);
        server.setExecutor(httpExecutor);
        server.start();
        PtySocket.Timing timing = new PtySocket.Timing(
                config.ptyPingInterval().toMillis(), config.ptyReadTimeout().toMillis(), 10_000, 5_000);
        try {
            this.front = new FrontDoor(
                    new InetSocketAddress(loopback, config.port()),
                    server.getAddress(),
                    frontSecret,
                    pty,
                    (pending, socket, in, out) -> new PtySocket(
                                    socket, in, out, pending.session(), timing, scheduler, ioExecutor)
                            .run(
                                    pending.locked(),
                                    pending.pipeMode(),
                                    pending.since(),
                                    launcher,
                                    !config.unisolated()
                                            && pending.sandbox().egress().denyByDefault()));
        } catch (IOException e) {
            server.stop(0);
            throw e;
        }
        long reap = config.reaperInterval().toMillis();
        var unused = scheduler.scheduleWithFixedDelay(registry::reapExpired, reap, reap, TimeUnit.MILLISECONDS);
        LOG.info("OpenSandbox local server listening on 127.0.0.1:{}", port());
    }

    /**
     * Starts a server.
     *
     * @param config the settings
     * @return the running server
     * @throws IOException if the port cannot be bound
     */
    public static ServerCore start(ServerConfig config) throws IOException {
        return new ServerCore(config);
    }

    private static ThreadFactory threads(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    /**
     * The bound port.
     *
     * @return the port
     */
    public int port() {
        return front.port();
    }

    /**
     * The private port of the HTTP server behind the front door (benchmarks compare both).
     *
     * @return the port
     */
    public int httpPort() {
        return server.getAddress().getPort();
    }

    /**
     * The settings.
     *
     * @return the settings
     */
    public ServerConfig config() {
        return config;
    }

    /**
     * Requests to execd/egress that carried the lifecycle API key header.
     *
     * @return the count
     */
    public long leakedApiKeyRequests() {
        return leakedApiKeys.get();
    }

    ExecutorService io() {
        return ioExecutor;
    }

    ScheduledExecutorService scheduler() {
        return scheduler;
    }

    Launcher launcher() {
        return launcher;
    }

    boolean closed() {
        return closed;
    }

    /** Stops everything: processes, listener, executors, temporary data. */
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        registry.closeAll();
        launcher.close();
        front.close();
        server.stop(0);
        scheduler.shutdownNow();
        httpExecutor.shutdownNow();
        ioExecutor.shutdownNow();
        try {
            httpExecutor.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (config.deleteRootOnClose()) {
            Registry.deleteTree(config.rootDirectory());
        } else {
            for (String sub : List.of("sandboxes", "snapshots", "uploads", "probe.log")) {
                Registry.deleteTree(config.rootDirectory().resolve(sub));
            }
        }
    }

    @Override
    public void handle(HttpExchange ex) throws IOException {
        String requestId = ex.getRequestHeaders().getFirst("X-Request-ID");
        if (requestId == null || requestId.isBlank() || requestId.length() > 200) {
            requestId = UUID.randomUUID().toString();
        }
        ex.getResponseHeaders().set("X-Request-ID", requestId);
        Api api = Api.LIFECYCLE;
        try {
            List<String> segs = segments(ex.getRequestURI().getRawPath());
            if (segs.size() >= 4
                    && segs.get(0).equals("sandboxes")
                    && (segs.get(2).equals("port") || segs.get(2).equals("proxy"))) {
                int port = parsePort(segs.get(3));
                api = port == EGRESS_PORT ? Api.EGRESS : Api.EXECD;
                routeToSandbox(ex, segs.get(1), port, segs.subList(4, segs.size()), api);
            } else if (segs.size() >= 6
                    && segs.get(0).equals("sandboxes")
                    && segs.get(2).equals("signed")) {
                int port = parsePort(segs.get(3));
                api = port == EGRESS_PORT ? Api.EGRESS : Api.EXECD;
                lifecycle.verifySignature(segs.get(1), port, segs.get(4), segs.get(5));
                routeToSandbox(ex, segs.get(1), port, segs.subList(6, segs.size()), api);
            } else {
                if (!segs.isEmpty() && segs.get(0).equals("v1")) {
                    segs = segs.subList(1, segs.size());
                }
                lifecycle.handle(ex, segs);
            }
        } catch (ApiException e) {
            String verbatimType = e.contentType();
            if (verbatimType != null) {
                renderVerbatim(ex, e.status(), verbatimType, e.text());
            } else {
                renderError(ex, api, e.status(), e.code(), e.text());
            }
        } catch (IOException e) {
            LOG.debug("I/O error while serving {}: {}", ex.getRequestURI().getPath(), e.getMessage());
        } catch (RuntimeException e) {
            LOG.warn(
                    "Internal error while serving {} {}",
                    ex.getRequestMethod(),
                    ex.getRequestURI().getPath(),
                    e);
            renderError(ex, api, 500, api == Api.LIFECYCLE ? "GENERAL::UNKNOWN_ERROR" : "RUNTIME_ERROR", e.toString());
        } finally {
            ex.close();
        }
    }

    private enum Api {
        LIFECYCLE,
        EXECD,
        EGRESS
    }

    private static void renderVerbatim(HttpExchange ex, int status, String contentType, String body) {
        if (ex.getResponseCode() != -1) {
            return;
        }
        try {
            Http.send(ex, status, contentType, body.getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            LOG.debug("could not send error response: {}", e.getMessage());
        }
    }

    private static void renderError(HttpExchange ex, Api api, int status, String code, String message) {
        if (ex.getResponseCode() != -1) {
            return; // headers already sent (a stream broke); nothing more can be said
        }
        try {
            if (api == Api.EGRESS) {
                Http.send(ex, status, "text/plain; charset=utf-8", (message + "\n").getBytes(StandardCharsets.UTF_8));
            } else {
                ObjectNode body = Json.object();
                body.put("code", code);
                body.put("message", message);
                Http.json(ex, status, body);
            }
        } catch (IOException e) {
            LOG.debug("could not send error response: {}", e.getMessage());
        }
    }

    private void routeToSandbox(HttpExchange ex, String sandboxId, int port, List<String> rest, Api api)
            throws IOException, ApiException {
        if (ex.getRequestHeaders().containsKey("OPEN-SANDBOX-API-KEY")) {
            leakedApiKeys.incrementAndGet();
            LOG.warn("A request to sandbox port {} carried the lifecycle header OPEN-SANDBOX-API-KEY", port);
        }
        SandboxRecord sb = registry.get(sandboxId);
        if (sb == null) {
            throw new ApiException(404, "SANDBOX_NOT_FOUND", "sandbox " + sandboxId + " not found");
        }
        String secure = sb.secureToken();
        if (secure != null && !secure.equals(ex.getRequestHeaders().getFirst("OpenSandbox-Secure-Access"))) {
            if (api == Api.EGRESS) {
                throw new ApiException(401, "UNAUTHORIZED", "missing or invalid OpenSandbox-Secure-Access header");
            }
            ex.getResponseHeaders().set("Content-Type", "application/json");
            Http.send(
                    ex,
                    401,
                    "application/json",
                    "{\"error\":\"Unauthorized: missing or invalid OpenSandbox-Secure-Access header\"}"
                            .getBytes(StandardCharsets.UTF_8));
            return;
        }
        String path = "/" + String.join("/", rest);
        if (port == EXECD_PORT) {
            execd.handle(ex, sb, path);
        } else if (port == EGRESS_PORT) {
            if (!sb.egressToken().equals(ex.getRequestHeaders().getFirst("OPENSANDBOX-EGRESS-AUTH"))) {
                throw new ApiException(401, "UNAUTHORIZED", "missing or invalid OPENSANDBOX-EGRESS-AUTH header");
            }
            egress.handle(ex, sb, path);
        } else {
            throw new ApiException(
                    502,
                    "BAD_GATEWAY",
                    "nothing listens on port " + port + " of sandbox " + sandboxId
                            + " (the local test server serves execd on 44772 and egress on 18080 only)");
        }
    }

    private static int parsePort(String s) throws ApiException {
        try {
            int p = Integer.parseInt(s);
            if (p >= 1 && p <= 65535) {
                return p;
            }
        } catch (NumberFormatException e) {
            // fall through
        }
        throw ApiException.badRequest("INVALID_PORT", "port must be an integer between 1 and 65535");
    }

    static List<String> segments(String rawPath) throws ApiException {
        List<String> out = new ArrayList<>();
        for (String s : rawPath.split("/", -1)) {
            if (!s.isEmpty()) {
                try {
                    out.add(URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8));
                } catch (IllegalArgumentException e) {
                    throw ApiException.badRequest("INVALID_PATH", "malformed percent-encoding in the path");
                }
            }
        }
        return out;
    }
}
