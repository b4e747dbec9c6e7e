package io.opensandbox.resilience.support;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A tiny HTTP/1.1 server on 127.0.0.1 that misbehaves on purpose: the handler writes raw bytes, may stall, reset
 * or cut the connection. It counts the connections it holds open, so a test can tell whether the client released
 * them. One thread per connection; every wait is bounded.
 */
public final class RawServer implements AutoCloseable {
    /** The longest a handler waits for the client to go away. */
    public static final Duration MAX_STALL = Duration.ofSeconds(30);

    private final ServerSocket server;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private final List<String> requests = new CopyOnWriteArrayList<>();
    private final AtomicInteger connections = new AtomicInteger();
    private volatile Handler handler;
    private volatile boolean closed;

    /** Answers one request; return normally to keep the connection for the next request. */
    @FunctionalInterface
    public interface Handler {
        /**
         * Answers.
         *
         * @param request the request
         * @param exchange the connection
         * @throws IOException to drop the connection
         */
        void handle(Request request, Exchange exchange) throws IOException;
    }

    /**
     * A request as read.
     *
     * @param method the method
     * @param path the path and query
     * @param headers headers, case-insensitive
     * @param body the body
     * @param index which request of the server this is, from 1
     */
    public record Request(String method, String path, Map<String, String> headers, byte[] body, int index) {
        /**
         * Method and path.
         *
         * @return {@code GET /x}
         */
        public String line() {
            return method + " " + path;
        }
    }

    /** The connection a handler answers on. */
    public static final class Exchange {
        private final Socket socket;
        private final InputStream in;
        private final OutputStream out;
        private boolean keep = true;

        private Exchange(Socket socket, InputStream in, OutputStream out) {
            this.socket = socket;
            this.in = in;
            this.out = out;
        }

        /**
         * Writes raw text and flushes.
         *
         * @param text the bytes, as ISO-8859-1 text
         * @return this exchange
         * @throws IOException if the client went away
         */
        public Exchange write(String text) throws IOException {
            out.write(text.getBytes(StandardCharsets.UTF_8));
            out.flush();
            return this;
        }

        /**
         * Writes a complete response with a length.
         *
         * @param status the status
         * @param contentType the content type
         * @param body the body
         * @param extraHeaders more header lines, each {@code Name: value}
         * @throws IOException if the client went away
         */
        public void respond(int status, String contentType, String body, String... extraHeaders) throws IOException {
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            StringBuilder head = new StringBuilder("HTTP/1.1 " + status + " " + reason(status) + "\r\n");
            head.append("Content-Type: ").append(contentType).append("\r\n");
            head.append("Content-Length: ").append(bytes.length).append("\r\n");
            for (String line : extraHeaders) {
                head.append(line).append("\r\n");
            }
            head.append("\r\n");
            out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
            out.write(bytes);
            out.flush();
        }

        /**
         * Writes a JSON response.
         *
         * @param json the body
         * @throws IOException if the client went away
         */
        public void json(String json) throws IOException {
            respond(200, "application/json", json);
        }

        /**
         * Resets the connection (RST, not FIN) and stops serving it.
         *
         * @throws IOException never in practice
         */
        public void reset() throws IOException {
            keep = false;
            socket.setSoLinger(true, 0);
            socket.close();
        }

        /**
         * Closes the connection cleanly (FIN) and stops serving it.
         *
         * @throws IOException never in practice
         */
        public void closeCleanly() throws IOException {
            keep = false;
            out.flush();
            socket.shutdownOutput();
            drainUntilClientCloses();
        }

        /**
         * Sends nothing more and waits (at most {@link #MAX_STALL}) until the client closes the connection.
         *
         * @throws IOException never in practice
         */
        public void stallUntilClientCloses() throws IOException {
            keep = false;
            drainUntilClientCloses();
        }

        private void drainUntilClientCloses() throws IOException {
            socket.setSoTimeout((int) MAX_STALL.toMillis());
            try {
                while (in.read() >= 0) {
                    // discard
                }
            } catch (SocketTimeoutException | SocketException e) {
                // gone or stalled long enough
            }
            socket.close();
        }

        /**
         * Sleeps.
         *
         * @param millis how long
         */
        public void pause(long millis) {
            SdkResources.sleep(millis);
        }
    }

    private RawServer(Handler handler) throws IOException {
        this.handler = handler;
        this.server = new ServerSocket(0, 200, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(this::acceptLoop, "raw-server-accept-" + server.getLocalPort());
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /**
     * Starts a server on 127.0.0.1 with a free port.
     *
     * @param handler answers requests
     * @return the server
     */
    public static RawServer start(Handler handler) {
        try {
            return new RawServer(handler);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Replaces the handler.
     *
     * @param handler the new handler
     */
    public void handler(Handler handler) {
        this.handler = handler;
    }

    /**
     * The port.
     *
     * @return the port
     */
    public int port() {
        return server.getLocalPort();
    }

    /**
     * {@code 127.0.0.1:port}.
     *
     * @return the address
     */
    public String address() {
        return "127.0.0.1:" + port();
    }

    /**
     * Connections the server holds open now.
     *
     * @return the count
     */
    public int openConnections() {
        return open.size();
    }

    /**
     * Connections accepted so far.
     *
     * @return the count
     */
    public int acceptedConnections() {
        return connections.get();
    }

    /**
     * Request lines seen ({@code GET /v1/...}), in order.
     *
     * @return the lines
     */
    public List<String> requests() {
        return List.copyOf(requests);
    }

    /**
     * How many requests started with a prefix ({@code "GET /v1/sandboxes"}).
     *
     * @param prefix the prefix
     * @return the count
     */
    public long count(String prefix) {
        return requests.stream().filter(line -> line.startsWith(prefix)).count();
    }

    private void acceptLoop() {
        while (!closed) {
            Socket socket;
            try {
                socket = server.accept();
            } catch (IOException e) {
                return;
            }
            open.add(socket);
            int n = connections.incrementAndGet();
            Thread thread = new Thread(() -> serve(socket), "raw-server-conn-" + n);
            thread.setDaemon(true);
            thread.start();
        }
    }

    private void serve(Socket socket) {
        try (socket) {
            socket.setSoTimeout((int) MAX_STALL.toMillis());
            InputStream in = new BufferedInputStream(socket.getInputStream());
            OutputStream out = socket.getOutputStream();
            Exchange exchange = new Exchange(socket, in, out);
            while (exchange.keep && !closed) {
                Request request = read(in);
                if (request == null) {
                    return;
                }
                requests.add(request.line());
                handler.handle(request, exchange);
            }
        } catch (IOException e) {
            // the client went away, or the handler dropped the connection
        } finally {
            open.remove(socket);
        }
    }

    private Request read(InputStream in) throws IOException {
        String requestLine = line(in);
        if (requestLine == null) {
            return null;
        }
        if (requestLine.isEmpty()) {
            requestLine = line(in);
            if (requestLine == null) {
                return null;
            }
        }
        String[] parts = requestLine.split(" ");
        Map<String, String> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        for (String header = line(in); header != null && !header.isEmpty(); header = line(in)) {
            int colon = header.indexOf(':');
            if (colon > 0) {
                headers.put(
                        header.substring(0, colon).trim(),
                        header.substring(colon + 1).trim());
            }
        }
        byte[] body = new byte[0];
        String length = headers.get("Content-Length");
        if (length != null) {
            body = in.readNBytes(Integer.parseInt(length));
        } else if ("chunked".equalsIgnoreCase(headers.getOrDefault("Transfer-Encoding", ""))) {
            ByteArrayOutputStream collected = new ByteArrayOutputStream();
            while (true) {
                String size = line(in);
                if (size == null) {
                    break;
                }
                int n = Integer.parseInt(size.split(";")[0].trim(), 16);
                if (n == 0) {
                    line(in);
                    break;
                }
                collected.write(in.readNBytes(n));
                line(in);
            }
            body = collected.toByteArray();
        }
        return new Request(parts[0], parts.length > 1 ? parts[1] : "/", headers, body, requests.size() + 1);
    }

    private static String line(InputStream in) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) >= 0) {
            if (c == '\n') {
                String text = bytes.toString(StandardCharsets.ISO_8859_1);
                return text.endsWith("\r") ? text.substring(0, text.length() - 1) : text;
            }
            bytes.write(c);
        }
        return bytes.size() == 0 ? null : bytes.toString(StandardCharsets.ISO_8859_1);
    }

    private static String reason(int status) {
        return switch (status) {
            case 200 -> "OK";
            case 404 -> "Not Found";
            case 429 -> "Too Many Requests";
            case 502 -> "Bad Gateway";
            case 503 -> "Service Unavailable";
            case 507 -> "Insufficient Storage";
            default -> "Status";
        };
    }

    /**
     * The JSON of a running sandbox, as the lifecycle server sends it.
     *
     * @param id the id
     * @return the JSON
     */
    public static String sandboxJson(String id) {
        return String.format(
                Locale.ROOT,
                "{\"id\":\"%s\",\"image\":{\"uri\":\"python:3.12\"},\"status\":{\"state\":\"Running\"},"
                        + "\"metadata\":{},\"entrypoint\":[\"tail\",\"-f\",\"/dev/null\"],"
                        + "\"expiresAt\":\"2030-01-01T00:00:00Z\",\"createdAt\":\"2026-11-27T07:00:00Z\"}",
                id);
    }

    @Override
    public void close() {
        closed = true;
        try {
            server.close();
        } catch (IOException e) {
            // closing anyway
        }
        for (Socket socket : open) {
            try {
                socket.close();
            } catch (IOException e) {
                // closing anyway
            }
        }
    }
}
