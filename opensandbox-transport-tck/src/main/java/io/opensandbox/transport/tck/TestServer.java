package io.opensandbox.transport.tck;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.NullUnmarked;

/**
 * A tiny HTTP/1.1 server on a raw {@link ServerSocket} bound to 127.0.0.1 only, for the transport compatibility
 * kit. Handlers see the request body as a stream and write the response as they like: whole, streamed, chunked,
 * truncated or never. Keep-alive is supported so that connection reuse is exercised.
 */
// test-kit code: not null-checked (its fields are set by JUnit callbacks and Flow.onSubscribe)
@NullUnmarked
public final class TestServer implements AutoCloseable {
    /** Handles one request. */
    @FunctionalInterface
    public interface Handler {
        /**
         * Handles a request.
         *
         * @param request the request, its body not yet read
         * @param response the response to write
         * @throws Exception on any failure (the connection is then closed)
         */
        void handle(Request request, Response response) throws Exception;
    }

    private final ServerSocket serverSocket;
    private final Handler handler;
    private final ExecutorService workers;
    private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
    private final AtomicInteger connections = new AtomicInteger();
    private volatile boolean closed;

    private TestServer(Handler handler) throws IOException {
        this.handler = handler;
        this.serverSocket = new ServerSocket();
        serverSocket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 512);
        AtomicInteger threadCount = new AtomicInteger();
        this.workers = Executors.newCachedThreadPool(task -> {
            Thread thread = new Thread(task, "tck-server-" + threadCount.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        Thread acceptor = new Thread(this::acceptLoop, "tck-server-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /**
     * Starts a server.
     *
     * @param handler handles every request
     * @return the running server
     * @throws IOException if it cannot bind
     */
    public static TestServer start(Handler handler) throws IOException {
        return new TestServer(handler);
    }

    /**
     * An absolute URI on this server.
     *
     * @param pathAndQuery the path, optionally with a query
     * @return the URI
     */
    public URI uri(String pathAndQuery) {
        return URI.create("http://127.0.0.1:" + serverSocket.getLocalPort() + pathAndQuery);
    }

    /**
     * How many connections were accepted so far.
     *
     * @return the count
     */
    public int connectionsAccepted() {
        return connections.get();
    }

    private void acceptLoop() {
        while (!closed) {
            Socket socket;
            try {
                socket = serverSocket.accept();
            } catch (IOException e) {
                return; // closed
            }
            connections.incrementAndGet();
            sockets.add(socket);
            try {
                workers.execute(() -> serve(socket));
            } catch (RuntimeException e) {
                closeQuietly(socket);
            }
        }
    }

    private void serve(Socket socket) {
        try (socket) {
            socket.setTcpNoDelay(true);
            InputStream in = new BufferedInputStream(socket.getInputStream(), 16 * 1024);
            OutputStream out = socket.getOutputStream();
            while (!closed) {
                Request request = Request.read(in, socket);
                if (request == null) {
                    return;
                }
                Response response = new Response(out);
                handler.handle(request, response);
                if (response.closeConnection || !response.finished) {
                    return;
                }
                request.body().transferTo(OutputStream.nullOutputStream());
                out.flush();
            }
        } catch (Exception e) {
            // the client went away or the handler broke the connection on purpose
        } finally {
            sockets.remove(socket);
        }
    }

    @Override
    public void close() {
        closed = true;
        closeQuietly(serverSocket);
        for (Socket socket : sockets) {
            closeQuietly(socket);
        }
        workers.shutdownNow();
    }

    private static void closeQuietly(AutoCloseable closeable) {
        try {
            closeable.close();
        } catch (Exception ignored) {
            // closing
        }
    }

    /** A request as the server received it; the body is read through {@link #body()}. */
    public static final class Request {
        private final String method;
        private final String target;
        private final List<Map.Entry<String, String>> headers;
        private final InputStream body;
        private final Socket socket;

        private Request(
                String method,
                String target,
                List<Map.Entry<String, String>> headers,
                InputStream body,
                Socket socket) {
            this.method = method;
            this.target = target;
            this.headers = headers;
            this.body = body;
            this.socket = socket;
        }

        static Request read(InputStream in, Socket socket) throws IOException {
            String requestLine = readLine(in);
            if (requestLine == null) {
                return null;
            }
            if (requestLine.isEmpty()) {
                requestLine = readLine(in);
                if (requestLine == null) {
                    return null;
                }
            }
            String[] parts = requestLine.split(" ", -1);
            if (parts.length != 3) {
                throw new IOException("bad request line: " + requestLine);
            }
            List<Map.Entry<String, String>> headers = new ArrayList<>();
            while (true) {
                String line = readLine(in);
                if (line == null) {
                    throw new IOException("connection closed in the request head");
                }
                if (line.isEmpty()) {
                    break;
                }
                int colon = line.indexOf(':');
                headers.add(new AbstractMap.SimpleImmutableEntry<>(
                        line.substring(0, colon).trim(),
                        line.substring(colon + 1).trim()));
            }
            InputStream body;
            String encoding = first(headers, "Transfer-Encoding");
            String length = first(headers, "Content-Length");
            if (encoding != null && encoding.toLowerCase(Locale.ROOT).contains("chunked")) {
                body = new ChunkedInputStream(in);
            } else if (length != null) {
                body = new BoundedInputStream(in, Long.parseLong(length));
            } else {
                body = InputStream.nullInputStream();
            }
            return new Request(parts[0], parts[1], headers, body, socket);
        }

        private static String first(List<Map.Entry<String, String>> headers, String name) {
            for (Map.Entry<String, String> header : headers) {
                if (header.getKey().equalsIgnoreCase(name)) {
                    return header.getValue();
                }
            }
            return null;
        }

        /**
         * The method.
         *
         * @return the method
         */
        public String method() {
            return method;
        }

        /**
         * The request target as sent: path and query.
         *
         * @return the target
         */
        public String target() {
            return target;
        }

        /**
         * The path.
         *
         * @return the path
         */
        public String path() {
            int q = target.indexOf('?');
            return q < 0 ? target : target.substring(0, q);
        }

        /**
         * The raw query, or an empty string.
         *
         * @return the query
         */
        public String query() {
            int q = target.indexOf('?');
            return q < 0 ? "" : target.substring(q + 1);
        }

        /**
         * All values of a header, compared case-insensitively, in the order received.
         *
         * @param name the header name
         * @return the values
         */
        public List<String> headers(String name) {
            List<String> values = new ArrayList<>();
            for (Map.Entry<String, String> header : headers) {
                if (header.getKey().equalsIgnoreCase(name)) {
                    values.add(header.getValue());
                }
            }
            return values;
        }

        /**
         * The first value of a header.
         *
         * @param name the header name
         * @return the value or {@code null}
         */
        public String header(String name) {
            return first(headers, name);
        }

        /**
         * The body as it arrives (decoded from chunks when chunked).
         *
         * @return the body stream
         */
        public InputStream body() {
            return body;
        }

        /**
         * Reads the whole body.
         *
         * @return the bytes
         * @throws IOException on failure
         */
        public byte[] readBody() throws IOException {
            return body.readAllBytes();
        }

        /**
         * Waits until the client closes the connection (a read returns end of stream or fails).
         *
         * @param timeout the longest wait
         * @return whether the client disconnected within the timeout
         */
        public boolean awaitDisconnect(Duration timeout) {
            long deadline = System.nanoTime() + timeout.toNanos();
            try {
                InputStream in = socket.getInputStream();
                byte[] sink = new byte[8192];
                while (System.nanoTime() < deadline) {
                    socket.setSoTimeout((int) Math.max(1, Math.min(200, (deadline - System.nanoTime()) / 1_000_000)));
                    try {
                        if (in.read(sink) < 0) {
                            return true;
                        }
                    } catch (SocketTimeoutException e) {
                        // keep waiting
                    }
                }
                return false;
            } catch (IOException e) {
                return true;
            }
        }
    }

    /** The response a handler writes. */
    public static final class Response {
        private final OutputStream out;
        private boolean committed;
        private boolean finished;
        private boolean closeConnection;

        private Response(OutputStream out) {
            this.out = out;
        }

        /**
         * Sends a whole response with a {@code Content-Length} (omitted for 204).
         *
         * @param status the status
         * @param headers the headers (each value list sent as repeated headers)
         * @param body the body
         * @throws IOException on failure
         */
        public void send(int status, Map<String, List<String>> headers, byte[] body) throws IOException {
            writeHead(status, headers, status == 204 || status == 304 ? -2 : body.length);
            out.write(body);
            out.flush();
            finished = true;
        }

        /**
         * Starts a streamed response.
         *
         * @param status the status
         * @param headers the headers
         * @param contentLength the length, or {@code -1} for chunked encoding
         * @return the body stream; close it to end the body
         * @throws IOException on failure
         */
        public OutputStream stream(int status, Map<String, List<String>> headers, long contentLength)
                throws IOException {
            writeHead(status, headers, contentLength);
            if (contentLength < 0) {
                return new ChunkedOutputStream(out, this);
            }
            return new FilterOutputStream(out) {
                @Override
                public void write(byte[] b, int off, int len) throws IOException {
                    out.write(b, off, len);
                }

                @Override
                public void close() throws IOException {
                    out.flush();
                    finished = true;
                }
            };
        }

        /**
         * Writes raw bytes (for faults such as a truncated body); the connection is closed after the handler.
         *
         * @param bytes the bytes, sent as they are
         * @throws IOException on failure
         */
        public void raw(byte[] bytes) throws IOException {
            committed = true;
            closeConnection = true;
            out.write(bytes);
            out.flush();
        }

        /** Closes the connection after the handler returns, whatever was written. */
        public void closeConnection() {
            closeConnection = true;
        }

        private void writeHead(int status, Map<String, List<String>> headers, long contentLength) throws IOException {
            if (committed) {
                throw new IllegalStateException("response already started");
            }
            committed = true;
            StringBuilder head = new StringBuilder("HTTP/1.1 ").append(status).append(" X\r\n");
            for (Map.Entry<String, List<String>> header : headers.entrySet()) {
                for (String value : header.getValue()) {
                    head.append(header.getKey()).append(": ").append(value).append("\r\n");
                }
            }
            if (contentLength >= 0) {
                head.append("Content-Length: ").append(contentLength).append("\r\n");
            } else if (contentLength == -1) {
                head.append("Transfer-Encoding: chunked\r\n");
            }
            head.append("\r\n");
            out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
        }
    }

    private static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        while (true) {
            int b = in.read();
            if (b < 0) {
                return line.size() == 0 ? null : line.toString(StandardCharsets.ISO_8859_1);
            }
            if (b == '\n') {
                String text = line.toString(StandardCharsets.ISO_8859_1);
                return text.endsWith("\r") ? text.substring(0, text.length() - 1) : text;
            }
            line.write(b);
            if (line.size() > 64 * 1024) {
                throw new IOException("line too long");
            }
        }
    }

    private static final class BoundedInputStream extends InputStream {
        private final InputStream in;
        private long left;

        BoundedInputStream(InputStream in, long length) {
            this.in = in;
            this.left = length;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (left <= 0) {
                return -1;
            }
            int n = in.read(b, off, (int) Math.min(len, left));
            if (n < 0) {
                throw new IOException("the request body ended early");
            }
            left -= n;
            return n;
        }
    }

    private static final class ChunkedInputStream extends InputStream {
        private final InputStream in;
        private long chunkLeft;
        private boolean done;

        ChunkedInputStream(InputStream in) {
            this.in = in;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (done) {
                return -1;
            }
            if (chunkLeft == 0) {
                String sizeLine = readLine(in);
                if (sizeLine == null) {
                    throw new IOException("the chunked request body ended early");
                }
                int semicolon = sizeLine.indexOf(';');
                chunkLeft = Long.parseLong((semicolon < 0 ? sizeLine : sizeLine.substring(0, semicolon)).trim(), 16);
                if (chunkLeft == 0) {
                    String trailer;
                    do {
                        trailer = readLine(in);
                    } while (trailer != null && !trailer.isEmpty());
                    done = true;
                    return -1;
                }
            }
            int n = in.read(b, off, (int) Math.min(len, chunkLeft));
            if (n < 0) {
                throw new IOException("the chunked request body ended early");
            }
            chunkLeft -= n;
            if (chunkLeft == 0) {
                readLine(in); // CRLF after the chunk data
            }
            return n;
        }
    }

    private static final class ChunkedOutputStream extends OutputStream {
        private final OutputStream out;
        private final Response response;

        ChunkedOutputStream(OutputStream out, Response response) {
            this.out = out;
            this.response = response;
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            if (len == 0) {
                return;
            }
            out.write((Integer.toHexString(len) + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
            out.write(b, off, len);
            out.write("\r\n".getBytes(StandardCharsets.ISO_8859_1));
        }

        @Override
        public void flush() throws IOException {
            out.flush();
        }

        @Override
        public void close() throws IOException {
            out.write("0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            response.finished = true;
        }
    }
}
