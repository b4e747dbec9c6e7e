package io.opensandbox.testkit.internal;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server's listening socket. The JDK's {@code HttpServer} cannot hand a connection over to a WebSocket, so it
 * listens on a private loopback port and this front door owns the public one: it reads the first request head of each
 * connection; a WebSocket upgrade of a {@code .../pty/{id}/ws} path is first sent on to the HTTP server (marked with a
 * per-server secret), which routes, authenticates and checks it like any execd request and either refuses it (the
 * answer is relayed) or accepts it with a ticket, after which the front door answers 101 and serves the WebSocket
 * itself ({@link PtySocket}). Every other connection is spliced to the HTTP server byte for byte.
 */
final class FrontDoor {
    private static final Logger LOG = LoggerFactory.getLogger(FrontDoor.class);
    private static final int MAX_HEAD = 64 * 1024;
    private static final int MAX_CONNECTIONS = 2048;
    private static final String WS_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

    /** Serves an accepted upgrade: the 101 has been written; returns when the WebSocket ended. */
    interface Upgrader {
        void serve(PtyApi.Pending pending, Socket socket, InputStream in, OutputStream out);
    }

    private final ServerSocket listener;
    private final InetSocketAddress upstream;
    private final String secret;
    private final PtyApi pty;
    private final Upgrader upgrader;
    private final ThreadPoolExecutor threads;
    private final Thread acceptor;
    private volatile boolean closed;

    FrontDoor(InetSocketAddress bind, InetSocketAddress upstream, String secret, PtyApi pty, Upgrader upgrader)
            throws IOException {
        this.listener = new ServerSocket();
        listener.setReuseAddress(true);
        listener.bind(bind, 128);
        this.upstream = upstream;
        this.secret = secret;
        this.pty = pty;
        this.upgrader = upgrader;
        AtomicInteger n = new AtomicInteger();
        this.threads =
                new ThreadPoolExecutor(0, 2 * MAX_CONNECTIONS, 30, TimeUnit.SECONDS, new SynchronousQueue<>(), r -> {
                    Thread t = new Thread(r, "osb-front-" + n.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
        this.acceptor = new Thread(this::acceptLoop, "osb-front-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    int port() {
        return listener.getLocalPort();
    }

    void close() {
        closed = true;
        try {
            listener.close();
        } catch (IOException e) {
            // closing anyway
        }
        threads.shutdownNow();
    }

    private void acceptLoop() {
        while (!closed) {
            Socket s;
            try {
                s = listener.accept();
            } catch (IOException e) {
                if (!closed) {
                    LOG.warn("front door accept failed: {}", e.getMessage());
                }
                return;
            }
            try {
                threads.execute(() -> connection(s));
            } catch (RejectedExecutionException e) {
                quietly(s);
            }
        }
    }

    /** The spliced HTTP server connection of one client connection, with the thread carrying its answers back. */
    private final class Upstream {
        final Socket socket = new Socket();
        final OutputStream out;
        final CountDownLatch back = new CountDownLatch(1);
        volatile boolean detached;

        Upstream(Socket client, OutputStream clientOut) throws IOException {
            socket.setTcpNoDelay(true);
            socket.connect(upstream);
            out = socket.getOutputStream();
            InputStream in = socket.getInputStream();
            threads.execute(() -> {
                try {
                    copyBack(in, clientOut, client);
                } finally {
                    back.countDown();
                }
            });
        }

        /** Server to client until the server ends (then the client's side ends too), unless detached first. */
        private void copyBack(InputStream from, OutputStream to, Socket client) {
            byte[] buf = new byte[16 * 1024];
            try {
                int n;
                while ((n = from.read(buf)) >= 0) {
                    to.write(buf, 0, n);
                }
                if (!detached) {
                    client.shutdownOutput();
                }
            } catch (IOException e) {
                if (!detached) {
                    quietly(client);
                }
            }
        }

        /** The client leaves plain HTTP (an upgrade): this connection is idle between requests; drop it. */
        void detach() {
            detached = true;
            quietly(socket);
            await();
        }

        /** The client ended: let the server finish its answer, then end. */
        void finish() {
            try {
                socket.shutdownOutput();
            } catch (IOException e) {
                quietly(socket);
            }
            await();
        }

        private void await() {
            try {
                back.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * One client connection: request by request (heads read here, bodies forwarded by their framing), so that an
     * upgrade is recognised on any request of a kept-alive connection; answers flow back on {@link Upstream}'s thread.
     */
    private void connection(Socket client) {
        Upstream up = null;
        try {
            client.setTcpNoDelay(true);
            InputStream in = new BufferedInputStream(client.getInputStream(), 16 * 1024);
            OutputStream out = client.getOutputStream();
            while (true) {
                byte[] head = readHead(in);
                if (head == null) {
                    break;
                }
                if (isPtyUpgrade(head)) {
                    if (upgrade(head, client, in, out, up)) {
                        up = null;
                        return;
                    }
                    continue;
                }
                if (up == null) {
                    up = new Upstream(client, out);
                }
                up.out.write(head);
                if (!complete(head)) {
                    // not an HTTP head this door understands (too long, cut): leave it to the HTTP server
                    in.transferTo(up.out);
                    break;
                }
                forwardBody(head, in, up.out);
            }
            if (up != null) {
                up.finish();
            }
        } catch (IOException | RuntimeException e) {
            LOG.debug("front door connection ended: {}", e.getMessage());
        } finally {
            quietly(client);
            if (up != null) {
                quietly(up.socket);
            }
        }
    }

    /**
     * Asks the HTTP server (on a connection of its own) whether to accept the upgrade in {@code head}: on a ticket,
     * answers 101 and serves the WebSocket (returns true when it ended); otherwise relays the refusal (false).
     */
    private boolean upgrade(byte[] head, Socket client, InputStream in, OutputStream out, @Nullable Upstream up)
            throws IOException {
        PtyApi.Pending accepted;
        byte[] answer;
        byte[] body;
        try (Socket check = new Socket()) {
            check.setTcpNoDelay(true);
            check.connect(upstream);
            OutputStream checkOut = check.getOutputStream();
            InputStream checkIn = check.getInputStream();
            checkOut.write(withHeader(head, PtyApi.FRONT_HEADER + ": " + secret));
            forwardBody(head, in, checkOut);
            answer = readHead(checkIn);
            if (answer == null) {
                throw new IOException("the HTTP server closed the upgrade check");
            }
            String ticket = header(answer, PtyApi.TICKET_HEADER);
            accepted = ticket == null ? null : pty.take(ticket);
            String length = header(answer, "Content-Length");
            body = accepted != null || length == null ? new byte[0] : checkIn.readNBytes(Integer.parseInt(length));
        }
        if (accepted == null) {
            out.write(answer);
            out.write(body);
            return false;
        }
        try {
            if (up != null) {
                up.detach();
            }
            String key = header(head, "Sec-WebSocket-Key");
            out.write(("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                            + "Sec-WebSocket-Accept: " + accept(key == null ? "" : key.trim()) + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
        } catch (IOException | RuntimeException e) {
            if (accepted.locked()) {
                accepted.session().unlock();
            }
            throw e;
        }
        upgrader.serve(accepted, client, in, out);
        return true;
    }

    private static boolean complete(byte[] head) {
        int n = head.length;
        return n >= 4 && head[n - 4] == '\r' && head[n - 3] == '\n' && head[n - 2] == '\r' && head[n - 1] == '\n';
    }

    /** Forwards the request body that follows {@code head}: {@code chunked}, {@code Content-Length} or none. */
    private static void forwardBody(byte[] head, InputStream in, OutputStream to) throws IOException {
        String te = header(head, "Transfer-Encoding");
        if (te != null && te.toLowerCase(Locale.ROOT).contains("chunked")) {
            while (true) {
                byte[] line = readLine(in);
                to.write(line);
                String size = new String(line, StandardCharsets.ISO_8859_1).trim();
                int semi = size.indexOf(';');
                long n =
                        Long.parseLong(semi < 0 ? size : size.substring(0, semi).trim(), 16);
                if (n == 0) {
                    byte[] trailer;
                    do {
                        trailer = readLine(in);
                        to.write(trailer);
                    } while (trailer.length > 2);
                    return;
                }
                copyExactly(in, to, n);
                to.write(readLine(in));
            }
        }
        String length = header(head, "Content-Length");
        if (length != null) {
            copyExactly(in, to, Long.parseLong(length.trim()));
        }
    }

    private static byte[] readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream(16);
        while (line.size() < MAX_HEAD) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("the request body ended early");
            }
            line.write(b);
            if (b == '\n') {
                break;
            }
        }
        return line.toByteArray();
    }

    private static void copyExactly(InputStream in, OutputStream to, long n) throws IOException {
        byte[] buf = new byte[16 * 1024];
        long left = n;
        while (left > 0) {
            int r = in.read(buf, 0, (int) Math.min(buf.length, left));
            if (r < 0) {
                throw new IOException("the request body ended early");
            }
            to.write(buf, 0, r);
            left -= r;
        }
    }

    /** Reads through the blank line that ends an HTTP head (at most {@link #MAX_HEAD} bytes); null at end of stream. */
    private static byte @Nullable [] readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream(512);
        int state = 0;
        while (head.size() < MAX_HEAD) {
            int b = in.read();
            if (b < 0) {
                return head.size() == 0 ? null : head.toByteArray();
            }
            head.write(b);
            state = switch (state) {
                case 0, 2 -> b == '\r' ? state + 1 : 0;
                case 1 -> b == '\n' ? 2 : b == '\r' ? 1 : 0;
                case 3 -> b == '\n' ? 4 : b == '\r' ? 1 : 0;
                default -> 0;
            };
            if (state == 4) {
                return head.toByteArray();
            }
        }
        return head.toByteArray();
    }

    /** A GET whose path ends in {@code /pty/<id>/ws} with {@code Upgrade: websocket}. */
    private static boolean isPtyUpgrade(byte[] head) {
        String text = new String(head, StandardCharsets.ISO_8859_1);
        int eol = text.indexOf("\r\n");
        String line = eol < 0 ? text : text.substring(0, eol);
        if (!line.startsWith("GET ")) {
            return false;
        }
        int sp = line.indexOf(' ', 4);
        String target = sp < 0 ? line.substring(4) : line.substring(4, sp);
        int q = target.indexOf('?');
        String path = q < 0 ? target : target.substring(0, q);
        if (!path.endsWith("/ws") || !path.contains("/pty/")) {
            return false;
        }
        String upgrade = header(head, "Upgrade");
        return upgrade != null && upgrade.toLowerCase(Locale.ROOT).contains("websocket");
    }

    private static @Nullable String header(byte[] head, String name) {
        String text = new String(head, StandardCharsets.ISO_8859_1);
        for (String l : text.split("\r\n", -1)) {
            int colon = l.indexOf(':');
            if (colon > 0 && l.substring(0, colon).trim().equalsIgnoreCase(name)) {
                return l.substring(colon + 1).trim();
            }
        }
        return null;
    }

    private static byte[] withHeader(byte[] head, String line) {
        // head ends with CRLF CRLF: insert before the last CRLF
        byte[] extra = (line + "\r\n").getBytes(StandardCharsets.ISO_8859_1);
        byte[] out = new byte[head.length + extra.length];
        System.arraycopy(head, 0, out, 0, head.length - 2);
        System.arraycopy(extra, 0, out, head.length - 2, extra.length);
        out[out.length - 2] = '\r';
        out[out.length - 1] = '\n';
        return out;
    }

    static String accept(String key) {
        try {
            byte[] sha = MessageDigest.getInstance("SHA-1").digest((key + WS_GUID).getBytes(StandardCharsets.US_ASCII));
            return Base64.getEncoder().encodeToString(sha);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void quietly(Socket s) {
        try {
            s.close();
        } catch (IOException e) {
            // closed
        }
    }
}
