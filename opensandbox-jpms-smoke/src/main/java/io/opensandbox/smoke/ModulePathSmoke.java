package io.opensandbox.smoke;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.opensandbox.api.ConnectionConfig;
import io.opensandbox.api.NotFoundException;
import io.opensandbox.lifecycle.Sandbox;
import io.opensandbox.lifecycle.SandboxFilter;
import io.opensandbox.lifecycle.SandboxInfo;
import io.opensandbox.lifecycle.SandboxManager;
import io.opensandbox.lifecycle.SandboxState;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * Runs the SDK on the module path against a stub lifecycle server on 127.0.0.1: creates a sandbox (JSON both ways
 * through Jackson's reflection on the SDK's opened packages, the transport found by ServiceLoader, the execd ping
 * through a path-carrying endpoint), lists sandboxes, maps a 404 and kills. Exits non-zero on any failure. The check
 * of exported signatures, {@link ApiSurface}, runs separately with every published SDK module on the module path.
 */
public final class ModulePathSmoke {
    private static final String SANDBOX = "{\"id\":\"smoke-1\",\"status\":{\"state\":\"Running\"},"
            + "\"entrypoint\":[\"tail\",\"-f\",\"/dev/null\"],\"createdAt\":\"2026-11-27T07:00:00Z\"}";

    private ModulePathSmoke() {}

    /**
     * Runs the smoke test.
     *
     * @param args ignored
     * @throws Exception on failure
     */
    public static void main(String[] args) throws Exception {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        int port = server.getAddress().getPort();
        server.createContext("/", exchange -> route(exchange, port));
        server.start();
        try {
            ConnectionConfig config = ConnectionConfig.builder()
                    .domain("127.0.0.1:" + port)
                    .apiKey("smoke-key")
                    .build();
            try (Sandbox sandbox = Sandbox.builder()
                            .image("python:3.12")
                            .connectionConfig(config)
                            .create();
                    SandboxManager manager = SandboxManager.create(config)) {
                check(sandbox.id().equals("smoke-1"), "created sandbox id");
                List<SandboxInfo> running = manager.listSandboxInfos(SandboxFilter.builder()
                                .states(SandboxState.RUNNING)
                                .build())
                        .items();
                check(running.size() == 1 && running.get(0).state() == SandboxState.RUNNING, "listed sandbox");
                try {
                    manager.getSandboxInfo("missing");
                    check(false, "404 must throw");
                } catch (NotFoundException expected) {
                    check(expected.error().code().equals("SANDBOX::NOT_FOUND"), "404 code");
                }
                sandbox.kill();
                Set<String> sdkModules = ModuleLayer.boot().modules().stream()
                        .map(Module::getName)
                        .filter(name -> name.startsWith("io.opensandbox."))
                        .collect(Collectors.toCollection(TreeSet::new));
                check(
                        sdkModules.equals(Set.of(
                                "io.opensandbox.api",
                                "io.opensandbox.lifecycle",
                                "io.opensandbox.smoke",
                                "io.opensandbox.transport.httpclient5")),
                        "only lifecycle, api and the transport resolved, got " + sdkModules);
                System.out.println("module-path smoke test passed: transport "
                        + sandbox.transport().name() + ", module "
                        + Sandbox.class.getModule().getName() + ", SDK modules resolved " + sdkModules);
            }
        } finally {
            server.stop(0);
        }
    }

    private static void check(boolean condition, String what) {
        if (!condition) {
            throw new IllegalStateException("module-path smoke test failed: " + what);
        }
    }

    private static void route(HttpExchange exchange, int port) throws IOException {
        String method = exchange.getRequestMethod();
        String path = exchange.getRequestURI().getPath();
        exchange.getRequestBody().readAllBytes();
        if (!"smoke-key".equals(exchange.getRequestHeaders().getFirst("OPEN-SANDBOX-API-KEY"))
                && path.startsWith("/v1/")) {
            send(exchange, 401, "{\"code\":\"MISSING_API_KEY\",\"message\":\"no key\"}");
        } else if (method.equals("POST") && path.equals("/v1/sandboxes")) {
            send(exchange, 202, SANDBOX);
        } else if (method.equals("GET") && path.equals("/v1/sandboxes/smoke-1/endpoints/44772")) {
            send(exchange, 200, "{\"endpoint\":\"127.0.0.1:" + port + "/execd/smoke-1\",\"headers\":{}}");
        } else if (method.equals("GET") && path.equals("/execd/smoke-1/ping")) {
            send(exchange, 200, "");
        } else if (method.equals("GET") && path.equals("/v1/sandboxes")) {
            send(
                    exchange,
                    200,
                    "{\"items\":[" + SANDBOX + "],\"pagination\":{\"page\":1,\"pageSize\":20,"
                            + "\"totalItems\":1,\"totalPages\":1,\"hasNextPage\":false}}");
        } else if (method.equals("DELETE") && path.equals("/v1/sandboxes/smoke-1")) {
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        } else {
            send(exchange, 404, "{\"code\":\"SANDBOX::NOT_FOUND\",\"message\":\"" + method + " " + path + "\"}");
        }
    }

    private static void send(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }
}
