package io.opensandbox.benchmarks;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A minimal HTTP/1.1 server on 127.0.0.1 for streamed responses written from memory, like execd's command stream:
 * chunked transfer encoding, one flush per write. One thread per connection (threads named {@code bench-server},
 * never counted as SDK threads); request bodies are read and handed to the script.
 */
final class StreamingHttpServer implements AutoCloseable {
    /** Writes one response. */
    interface Script {
        /**
         * Answers one request.
         *
         * @param requestLine e.g. {@code POST /command HTTP/1.1}
         * @param body the request body as text
         * @param out where the response goes; use the static helpers
         * @throws IOException when the client went away
         * @throws InterruptedException when the server is closed
         */
        void respond(String requestLine, String body, OutputStream out) throws IOException, InterruptedException;
    }

    static final byte[] STREAM_HEAD =
            ("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-cache\r\n"
                            + "Connection: keep-alive\r\nX-Accel-Buffering: no\r\nTransfer-Encoding: chunked\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII);
    private static final byte[] LAST_CHUNK = "0\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

    private final ServerSocket socket;
    private final ExecutorService threads = Executors.newCachedThreadPool(runnable -> {
        Thread thread = new Thread(runnable, "bench-server");
        thread.setDaemon(true);
        return thread;
    });
    private final Script script;

    StreamingHttpServer(Script script) throws IOException {
        this.script = script;
        this.socket = new ServerSocket(0, 512, InetAddress.getLoopbackAddress());
        threads.execute(this::accept);
    }

    int port() {
        return socket.getLocalPort();
    }

    /** Renders one chunk (size line, data, CRLF) so that it can be written many times. */
    static byte[] chunk(byte[] data) {
        byte[] size = (Integer.toHexString(data.length) + "\r\n").getBytes(StandardCharsets.US_ASCII);
        byte[] all = new byte[size.length + data.length + 2];
        System.arraycopy(size, 0, all, 0, size.length);
        System.arraycopy(data, 0, all, size.length, data.length);
        all[all.length - 2] = '\r';
        all[all.length - 1] = '\n';
        return all;
    }

    /** Writes and flushes one chunk. */
    static void writeChunk(OutputStream out, byte[] renderedChunk) throws IOException {
        out.write(renderedChunk);
        out.flush();
    }

    /** Ends the chunked body. */
    static void end(OutputStream out) throws IOException {
        out.write(LAST_CHUNK);
        out.flush();
    }

    private void accept() {
        while (!socket.isClosed()) {
            try {
                Socket connection = socket.accept();
                connection.setTcpNoDelay(true);
                connection.setSendBufferSize(256 * 1024);
                threads.execute(() -> serve(connection));
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket connection) {
        try (connection;
                InputStream in = new BufferedInputStream(connection.getInputStream(), 16 * 1024);
                OutputStream out = connection.getOutputStream()) {
            StringBuilder line = new StringBuilder();
            while (true) {
                String requestLine = readLine(in, line);
                if (requestLine == null) {
                    return;
                }
                int length = 0;
                String header;
                while ((header = readLine(in, line)) != null && !header.isEmpty()) {
                    String lower = header.toLowerCase(Locale.ROOT);
                    if (lower.startsWith("content-length:")) {
                        length = Integer.parseInt(lower.substring(15).trim());
                    }
                }
                String body = new String(in.readNBytes(length), StandardCharsets.UTF_8);
                script.respond(requestLine, body, out);
                out.flush();
            }
        } catch (IOException e) {
            // the client closed the connection (the SDK does so on the terminal event)
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String readLine(InputStream in, StringBuilder line) throws IOException {
        line.setLength(0);
        int c;
        while ((c = in.read()) != -1) {
            if (c == '\n') {
                int end = line.length();
                if (end > 0 && line.charAt(end - 1) == '\r') {
                    line.setLength(end - 1);
                }
                return line.toString();
            }
            line.append((char) c);
        }
        return null;
    }

    @Override
    public void close() throws IOException {
        socket.close();
        threads.shutdownNow();
    }
}
