package io.opensandbox.commands;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A loopback HTTP/1.1 server whose responses a test writes piece by piece, to control exactly when each event
 * leaves the server and to see when the client closes the connection. One request per connection.
 */
final class ScriptedServer implements AutoCloseable {

    /** What the test does with one request. */
    interface Handler {
        void handle(Exchange exchange) throws Exception;
    }

    /** One request and its response. */
    static final class Exchange {
        final String method;
        final String target;
        final String body;
        private final Socket socket;
        private final OutputStream out;
        final CountDownLatch clientClosed = new CountDownLatch(1);

        Exchange(String method, String target, String body, Socket socket) throws IOException {
            this.method = method;
            this.target = target;
            this.body = body;
            this.socket = socket;
            this.out = socket.getOutputStream();
        }

        void startStream() throws IOException {
            out.write(("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-cache\r\n"
                            + "Transfer-Encoding: chunked\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
        }

        void send(String text) throws IOException {
            byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
            out.write((Integer.toHexString(bytes.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(bytes);
            out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
        }

        void end() throws IOException {
            out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
        }

        void respond(int status, String body) throws IOException {
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            out.write(("HTTP/1.1 " + status + " X\r\nContent-Type: application/json\r\nContent-Length: " + bytes.length
                            + "\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.write(bytes);
            out.flush();
        }

        /** Waits until the client closed the connection (read returned end of stream or failed). */
        boolean awaitClientClose(long seconds) throws InterruptedException {
            return clientClosed.await(seconds, TimeUnit.SECONDS);
        }
    }

    private final ServerSocket serverSocket;
    private final Handler handler;
    private final Thread acceptor;
    final List<Exchange> exchanges = Collections.synchronizedList(new ArrayList<>());
    final List<Throwable> failures = Collections.synchronizedList(new ArrayList<>());

    ScriptedServer(Handler handler) throws IOException {
        this.serverSocket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        this.handler = handler;
        this.acceptor = new Thread(this::acceptLoop, "scripted-server-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    int port() {
        return serverSocket.getLocalPort();
    }

    private void acceptLoop() {
        while (!serverSocket.isClosed()) {
            try {
                Socket socket = serverSocket.accept();
                Thread thread = new Thread(() -> serve(socket), "scripted-server-conn");
                thread.setDaemon(true);
                thread.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket socket) {
        try (socket) {
            InputStream in = socket.getInputStream();
            String head = readHead(in);
            String[] lines = head.split("\r\n");
            String[] requestLine = lines[0].split(" ");
            int length = 0;
            for (String line : lines) {
                if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
                    length = Integer.parseInt(line.substring(15).strip());
                }
            }
            String body = new String(in.readNBytes(length), StandardCharsets.UTF_8);
            Exchange exchange = new Exchange(requestLine[0], requestLine[1], body, socket);
            exchanges.add(exchange);
            Thread watcher = new Thread(
                    () -> {
                        try {
                            while (in.read() >= 0) {
                                // a request pipelined after ours is not expected; drain until close
                            }
                        } catch (IOException e) {
                            // reset by the client: closed as well
                        }
                        exchange.clientClosed.countDown();
                    },
                    "scripted-server-watch");
            watcher.setDaemon(true);
            watcher.start();
            handler.handle(exchange);
            exchange.awaitClientClose(30);
        } catch (IOException e) {
            // the client went away while we wrote: expected in several tests
        } catch (Exception e) {
            failures.add(e);
        }
    }

    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        byte[] end = {'\r', '\n', '\r', '\n'};
        while (matched < 4) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("connection closed in the request head");
            }
            head.write(b);
            matched = b == end[matched] ? matched + 1 : (b == '\r' ? 1 : 0);
        }
        return head.toString(StandardCharsets.US_ASCII);
    }

    @Override
    public void close() throws IOException {
        serverSocket.close();
    }
}
