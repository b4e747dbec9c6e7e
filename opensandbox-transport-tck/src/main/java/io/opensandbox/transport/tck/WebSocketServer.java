package io.opensandbox.transport.tck;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.NullUnmarked;

/**
 * A small RFC 6455 server on plain sockets, bound to 127.0.0.1 only, for the WebSocket compatibility kit. It is
 * hand-written so that a test controls every frame: fragments, pings, close codes, a refused handshake. Each
 * accepted connection is handed to the test through {@link #accept()}; the test then answers the handshake and
 * exchanges frames on that test's thread.
 */
// test-kit code: not null-checked (its fields are set by JUnit callbacks and Flow.onSubscribe)
@NullUnmarked
public final class WebSocketServer implements AutoCloseable {
    private static final String GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

    /** Frame opcodes. */
    public static final int CONTINUATION = 0x0, TEXT = 0x1, BINARY = 0x2, CLOSE = 0x8, PING = 0x9, PONG = 0xA;

    private final ServerSocket serverSocket;
    private final BlockingQueue<Connection> accepted = new LinkedBlockingQueue<>();
    private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    private WebSocketServer(int sendBuffer) throws IOException {
        serverSocket = new ServerSocket();
        if (sendBuffer > 0) {
            serverSocket.setReceiveBufferSize(sendBuffer);
        }
        serverSocket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
        Thread acceptor = new Thread(() -> acceptLoop(sendBuffer), "tck-ws-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /**
     * Starts a server.
     *
     * @return the running server
     * @throws IOException if it cannot bind
     */
    public static WebSocketServer start() throws IOException {
        return new WebSocketServer(0);
    }

    /**
     * Starts a server whose connections have small socket buffers, so that a client that stops reading blocks the
     * server's writes soon.
     *
     * @param bufferBytes the send and receive buffer size asked of the OS
     * @return the running server
     * @throws IOException if it cannot bind
     */
    public static WebSocketServer startWithSmallBuffers(int bufferBytes) throws IOException {
        return new WebSocketServer(bufferBytes);
    }

    private void acceptLoop(int buffer) {
        while (!closed) {
            try {
                Socket socket = serverSocket.accept();
                if (buffer > 0) {
                    socket.setSendBufferSize(buffer);
                }
                sockets.add(socket);
                accepted.add(new Connection(socket));
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    /**
     * The {@code ws://} URI of a path on this server.
     *
     * @param path the path, starting with {@code /}
     * @return the URI
     */
    public URI uri(String path) {
        return URI.create("ws://127.0.0.1:" + serverSocket.getLocalPort() + path);
    }

    /**
     * Waits for the next connection and reads its handshake request.
     *
     * @return the connection, its handshake not answered yet
     * @throws Exception if none arrives within 10 seconds or its request cannot be read
     */
    public Connection accept() throws Exception {
        Connection connection = accepted.poll(10, TimeUnit.SECONDS);
        if (connection == null) {
            throw new AssertionError("no WebSocket connection arrived within 10 seconds");
        }
        connection.readRequest();
        return connection;
    }

    @Override
    public void close() throws IOException {
        closed = true;
        serverSocket.close();
        for (Socket socket : sockets) {
            socket.close();
        }
    }

    /**
     * Encodes one unmasked frame, as a server sends it.
     *
     * @param opcode the opcode
     * @param fin whether it ends the message
     * @param payload the payload
     * @return the frame's bytes
     */
    public static byte[] frame(int opcode, boolean fin, byte[] payload) {
        ByteArrayOutputStream frame = new ByteArrayOutputStream(payload.length + 10);
        frame.write((fin ? 0x80 : 0) | opcode);
        if (payload.length < 126) {
            frame.write(payload.length);
        } else if (payload.length <= 0xFFFF) {
            frame.write(126);
            frame.write(payload.length >>> 8);
            frame.write(payload.length & 0xFF);
        } else {
            frame.write(127);
            frame.write(ByteBuffer.allocate(8).putLong(payload.length).array(), 0, 8);
        }
        frame.write(payload, 0, payload.length);
        return frame.toByteArray();
    }

    /** A frame as read from the client, unmasked. */
    @SuppressWarnings("ArrayRecordComponent") // a test value, compared by its fields in no test
    public record Frame(int opcode, boolean fin, byte[] payload) {
        /**
         * The payload as UTF-8 text.
         *
         * @return the text
         */
        public String text() {
            return new String(payload, StandardCharsets.UTF_8);
        }

        /**
         * The close code of a close frame, or 1005 when it has none.
         *
         * @return the code
         */
        public int closeCode() {
            return payload.length < 2 ? 1005 : ((payload[0] & 0xFF) << 8) | (payload[1] & 0xFF);
        }

        /**
         * The reason of a close frame.
         *
         * @return the reason, possibly empty
         */
        public String closeReason() {
            return payload.length <= 2 ? "" : new String(payload, 2, payload.length - 2, StandardCharsets.UTF_8);
        }
    }

    /** One client connection. Frame methods are for one thread at a time (reads and writes may be on two). */
    public static final class Connection {
        private final Socket socket;
        private final InputStream in;
        private final OutputStream out;
        private final AtomicLong written = new AtomicLong();
        private String requestLine = "";
        private final Map<String, List<String>> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);

        Connection(Socket socket) throws IOException {
            this.socket = socket;
            socket.setSoTimeout(20_000); // a test that waits for a frame that never comes fails, not hangs
            this.in = new BufferedInputStream(socket.getInputStream());
            this.out = socket.getOutputStream();
        }

        void readRequest() throws IOException {
            ByteArrayOutputStream head = new ByteArrayOutputStream();
            int last4 = 0;
            while (last4 != 0x0D0A0D0A) {
                int b = in.read();
                if (b < 0) {
                    throw new EOFException("the client closed before finishing the handshake request");
                }
                head.write(b);
                if (head.size() > 64 * 1024) {
                    throw new IOException("handshake request longer than 64 KiB");
                }
                last4 = (last4 << 8) | b;
            }
            String[] lines = head.toString(StandardCharsets.ISO_8859_1).split("\r\n", -1);
            requestLine = lines[0];
            for (int i = 1; i < lines.length; i++) {
                int colon = lines[i].indexOf(':');
                if (colon > 0) {
                    headers.computeIfAbsent(lines[i].substring(0, colon).trim(), k -> new ArrayList<>())
                            .add(lines[i].substring(colon + 1).trim());
                }
            }
        }

        /**
         * The request line of the handshake, such as {@code GET /ws?x=1 HTTP/1.1}.
         *
         * @return the line
         */
        public String requestLine() {
            return requestLine;
        }

        /**
         * The handshake's headers, keyed case-insensitively.
         *
         * @return the headers
         */
        public Map<String, List<String>> headers() {
            return Collections.unmodifiableMap(headers);
        }

        /**
         * The first value of a handshake header.
         *
         * @param name the name
         * @return the value, or {@code null}
         */
        public String header(String name) {
            List<String> values = headers.get(name);
            return values == null || values.isEmpty() ? null : values.get(0);
        }

        /**
         * Accepts the handshake with {@code 101 Switching Protocols}.
         *
         * @throws IOException if the write fails
         */
        public void accept() throws IOException {
            String key = header("Sec-WebSocket-Key");
            if (key == null || !"websocket".equalsIgnoreCase(header("Upgrade"))) {
                throw new IOException("not a WebSocket handshake: " + requestLine + " " + headers.keySet());
            }
            String response = "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                    + "Sec-WebSocket-Accept: " + acceptKey(key) + "\r\n\r\n";
            out.write(response.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
        }

        /**
         * Refuses the handshake with an HTTP response and closes the connection.
         *
         * @param status the status
         * @param contentType the body's type
         * @param body the body
         * @param headers more response headers
         * @throws IOException if the write fails
         */
        public void refuse(int status, String contentType, byte[] body, Map<String, String> headers)
                throws IOException {
            StringBuilder head = new StringBuilder("HTTP/1.1 " + status + " Refused\r\nContent-Type: " + contentType
                    + "\r\nContent-Length: " + body.length + "\r\nConnection: close\r\n");
            headers.forEach((name, value) ->
                    head.append(name).append(": ").append(value).append("\r\n"));
            out.write(head.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1));
            out.write(body);
            out.flush();
            socket.close();
        }

        private static String acceptKey(String key) {
            try {
                byte[] digest =
                        MessageDigest.getInstance("SHA-1").digest((key + GUID).getBytes(StandardCharsets.ISO_8859_1));
                return Base64.getEncoder().encodeToString(digest);
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }

        /**
         * Writes one unmasked frame, exactly as given.
         *
         * @param opcode the opcode
         * @param fin whether it ends the message
         * @param payload the payload
         * @throws IOException if the write fails
         */
        public void send(int opcode, boolean fin, byte[] payload) throws IOException {
            sendRaw(frame(opcode, fin, payload));
        }

        /**
         * Writes bytes as they are (several frames at once, say).
         *
         * @param bytes the bytes
         * @throws IOException if the write fails
         */
        public void sendRaw(byte[] bytes) throws IOException {
            out.write(bytes);
            out.flush();
            written.addAndGet(bytes.length);
        }

        /**
         * Writes a text frame.
         *
         * @param text the text
         * @param fin whether it ends the message
         * @throws IOException if the write fails
         */
        public void sendText(String text, boolean fin) throws IOException {
            send(TEXT, fin, text.getBytes(StandardCharsets.UTF_8));
        }

        /**
         * Writes a close frame.
         *
         * @param code the code
         * @param reason the reason
         * @throws IOException if the write fails
         */
        public void sendClose(int code, String reason) throws IOException {
            byte[] text = reason.getBytes(StandardCharsets.UTF_8);
            byte[] payload = new byte[2 + text.length];
            payload[0] = (byte) (code >>> 8);
            payload[1] = (byte) code;
            System.arraycopy(text, 0, payload, 2, text.length);
            send(CLOSE, true, payload);
        }

        /**
         * The bytes written to the client so far (frames whose write returned).
         *
         * @return the count
         */
        public long written() {
            return written.get();
        }

        /**
         * Reads the next frame from the client, checking that it is masked as RFC 6455 requires.
         *
         * @return the frame, unmasked
         * @throws IOException if the connection ends or the frame is malformed
         */
        public Frame read() throws IOException {
            int first = readByte();
            int second = readByte();
            if ((second & 0x80) == 0) {
                throw new IOException("a client frame must be masked");
            }
            long length = second & 0x7F;
            if (length == 126) {
                length = ((long) readByte() << 8) | readByte();
            } else if (length == 127) {
                length = 0;
                for (int i = 0; i < 8; i++) {
                    length = (length << 8) | readByte();
                }
            }
            if (length > 16 * 1024 * 1024) {
                throw new IOException("frame of " + length + " bytes: more than the test server accepts");
            }
            byte[] mask = in.readNBytes(4);
            byte[] payload = in.readNBytes((int) length);
            if (mask.length < 4 || payload.length < length) {
                throw new EOFException("the connection ended inside a frame");
            }
            for (int i = 0; i < payload.length; i++) {
                payload[i] ^= mask[i % 4];
            }
            return new Frame(first & 0x0F, (first & 0x80) != 0, payload);
        }

        /**
         * Reads frames until one that is not a pong (pongs the client sends unasked are skipped).
         *
         * @return the frame
         * @throws IOException if the connection ends
         */
        public Frame readSkippingPongs() throws IOException {
            for (int i = 0; i < 1000; i++) {
                Frame frame = read();
                if (frame.opcode() != PONG) {
                    return frame;
                }
            }
            throw new IOException("a thousand pongs in a row");
        }

        /**
         * Whether the client closed the TCP connection: reads until the end of the stream (discarding what comes).
         *
         * @return true once the stream ended, false if it was still open after the socket timeout
         */
        public boolean awaitEndOfStream() {
            try {
                byte[] sink = new byte[8192];
                for (int i = 0; i < 100_000; i++) {
                    if (in.read(sink) < 0) {
                        return true;
                    }
                }
                return false;
            } catch (java.net.SocketTimeoutException e) {
                return false;
            } catch (IOException e) {
                return true; // reset: ended too
            }
        }

        private int readByte() throws IOException {
            int b = in.read();
            if (b < 0) {
                throw new EOFException("the connection ended");
            }
            return b;
        }

        /**
         * Closes the TCP connection.
         *
         * @throws IOException if closing fails
         */
        public void closeSocket() throws IOException {
            socket.close();
        }

        @Override
        public String toString() {
            return "Connection[" + requestLine.toLowerCase(Locale.ROOT) + "]";
        }
    }
}
