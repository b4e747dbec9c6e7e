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

    private void connection(Socket client) {
        Socket server = null;
        try {
            client.setTcpNoDelay(true);
            InputStream in = new BufferedInputStream(client.getInputStream(), 16 * 1024);
            OutputStream out = client.getOutputStream();
            byte[] head = readHead(in);
            if (head == null) {
                quietly(client);
                return;
            }
            server = new Socket();
            server.setTcpNoDelay(true);
            server.connect(upstream);
            InputStream serverIn = server.getInputStream();
            OutputStream serverOut = server.getOutputStream();
            if (isPtyUpgrade(head)) {
                serverOut.write(withHeader(head, PtyApi.FRONT_HEADER + ": " + secret));
                serverOut.flush();
                byte[] answer = readHead(serverIn);
                String ticket = answer == null ? null : header(answer, PtyApi.TICKET_HEADER);
                PtyApi.Pending accepted = ticket == null ? null : pty.take(ticket);
                if (accepted != null) {
                    quietly(server);
                    server = null;
                    String key = header(head, "Sec-WebSocket-Key");
                    try {
                        out.write(("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                                        + "Sec-WebSocket-Accept: " + accept(key == null ? "" : key.trim()) + "\r\n\r\n")
                                .getBytes(StandardCharsets.US_ASCII));
                        out.flush();
                    } catch (IOException e) {
                        if (accepted.locked()) {
                            accepted.session().unlock();
                        }
                        throw e;
                    }
                    upgrader.serve(accepted, client, in, out);
                    return;
                }
                if (answer == null) {
                    return;
                }
                out.write(answer);
                out.flush();
            } else {
                serverOut.write(head);
                serverOut.flush();
            }
            splice(client, in, out, server, serverIn, serverOut);
        } catch (IOException | RuntimeException e) {
            LOG.debug("front door connection ended: {}", e.getMessage());
        } finally {
            quietly(client);
            if (server != null) {
                quietly(server);
            }
        }
    }

    /** Copies both ways until both directions ended; this thread carries client to server. */
    private void splice(
            Socket client,
            InputStream in,
            OutputStream out,
            Socket server,
            InputStream serverIn,
            OutputStream serverOut)
            throws IOException {
        CountDownLatch back = new CountDownLatch(1);
        try {
            threads.execute(() -> {
                try {
                    copy(serverIn, out, client);
                } finally {
                    back.countDown();
                }
            });
        } catch (RejectedExecutionException e) {
            return;
        }
        copy(in, serverOut, server);
        try {
            back.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Copies until end of stream, then half-closes {@code toSocket} (so the peer sees the end too); on an error closes
     * it.
     */
    private static void copy(InputStream from, OutputStream to, Socket toSocket) {
        byte[] buf = new byte[16 * 1024];
        try {
            int n;
            while ((n = from.read(buf)) >= 0) {
                if (n > 0) {
                    to.write(buf, 0, n);
                    to.flush();
                }
            }
            to.flush();
            toSocket.shutdownOutput();
        } catch (IOException e) {
            quietly(toSocket);
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
