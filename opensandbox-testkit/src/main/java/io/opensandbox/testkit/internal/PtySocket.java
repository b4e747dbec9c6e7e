package io.opensandbox.testkit.internal;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import org.java_websocket.drafts.Draft_6455;
import org.java_websocket.enums.Opcode;
import org.java_websocket.enums.Role;
import org.java_websocket.exceptions.InvalidDataException;
import org.java_websocket.framing.BinaryFrame;
import org.java_websocket.framing.CloseFrame;
import org.java_websocket.framing.Framedata;
import org.java_websocket.framing.PingFrame;
import org.java_websocket.framing.PongFrame;
import org.java_websocket.framing.TextFrame;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One upgraded {@code /pty/{id}/ws} connection, as execd's {@code controller/pty_ws.go}: takeover, start, replay and
 * {@code connected} frames, then output frames, server pings, the client's frames, and the {@code exit} frame with a
 * close 1000 when the shell ends. RFC 6455 framing (parsing, masking, control frames, close codes) is Java-WebSocket's
 * {@link Draft_6455}; the I/O is blocking on the connection's thread.
 */
final class PtySocket implements PtySession.Sink {
    private static final Logger LOG = LoggerFactory.getLogger(PtySocket.class);
    static final int CLOSE_TAKEN_OVER = 4001;
    private static final int MAX_MESSAGE = 1 << 20;

    /** execd's constants, the first two configurable ({@code LocalSandboxServer.Builder.ptyPingInterval}, ...). */
    record Timing(long pingIntervalMs, long readTimeoutMs, long writeTimeoutMs, long takeoverTimeoutMs) {
        static final long TAKEOVER_CLOSE_MS = 200;
    }

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private final PtySession session;
    private final Timing timing;
    private final ScheduledExecutorService scheduler;
    private final ExecutorService io;
    private final Draft_6455 draft = new Draft_6455(List.of(), MAX_MESSAGE);
    private final ReentrantLock sendLock = new ReentrantLock();
    private final AtomicBoolean cancelled = new AtomicBoolean();

    PtySocket(
            Socket socket,
            InputStream in,
            OutputStream out,
            PtySession session,
            Timing timing,
            ScheduledExecutorService scheduler,
            ExecutorService io) {
        this.socket = socket;
        this.in = in;
        this.out = out;
        this.session = session;
        this.timing = timing;
        this.scheduler = scheduler;
        this.io = io;
        draft.setParseMode(Role.SERVER);
    }

    /**
     * Serves the connection until it ends; the 101 answer has been written. {@code locked}: the session's WebSocket
     * lock is already held (else this is a takeover). Returns when the connection is closed.
     */
    void run(boolean locked, boolean pipeMode, long since, Launcher launcher, boolean noNetwork) {
        try {
            if (!locked && !session.takeover(timing.takeoverTimeoutMs())) {
                sendRaw(textFrame(
                        errorJson("ALREADY_CONNECTED", "takeover timed out for pty session " + session.id())));
                closeSocket();
                return;
            }
            if (!session.running()) {
                try {
                    session.start(!pipeMode, launcher, io, noNetwork);
                } catch (IOException | ApiException | RuntimeException e) {
                    LOG.warn("pty start failed for session {}: {}", session.id(), e.getMessage());
                    sendRaw(textFrame(errorJson("START_FAILED", String.valueOf(e.getMessage()))));
                    closeSocket();
                    session.unlock();
                    return;
                }
            }
            serve(since);
        } catch (RuntimeException e) {
            LOG.warn("pty session {}: connection failed", session.id(), e);
            closeSocket();
        }
    }

    private void serve(long since) {
        long gen = 0;
        ScheduledFuture<?> ping = null;
        try {
            // evicting closes the socket (best effort: the 4001 close frame first), which ends the read loop below
            gen = session.setEvict(this::evictClose);
            sendLock.lock();
            try {
                ReplayBuffer.Slice replay = session.attach(since, this);
                if (replay.data().length > 0) {
                    ByteBuffer frame = ByteBuffer.allocate(9 + replay.data().length);
                    frame.put((byte) 3)
                            .putLong(replay.offset())
                            .put(replay.data())
                            .flip();
                    write(binaryFrame(frame));
                }
                String mode = session.isPty() ? "pty" : "pipe";
                write(textFrame("{\"type\":\"connected\",\"session_id\":" + GoJson.quote(session.id()) + ",\"mode\":\""
                        + mode + "\"}\n"));
            } finally {
                sendLock.unlock();
            }
            ping = scheduler.scheduleAtFixedRate(
                    this::ping, timing.pingIntervalMs(), timing.pingIntervalMs(), TimeUnit.MILLISECONDS);
            CompletableFuture<Integer> done = session.done();
            if (done != null) {
                var unused = done.thenAcceptAsync(this::exited, io);
            }
            readLoop();
        } catch (IOException e) {
            LOG.debug("pty session {}: connection ended: {}", session.id(), e.getMessage());
        } finally {
            cancelled.set(true);
            if (ping != null) {
                ping.cancel(false);
            }
            session.detach(this);
            session.unlock();
            session.clearEvict(gen);
            closeSocket();
        }
    }

    private void exited(int code) {
        if (cancelled.get()) {
            return;
        }
        try {
            send(textFrame("{\"type\":\"exit\",\"exit_code\":" + code + "}\n"));
            send(closeFrame(CloseFrame.NORMAL, "process exited"));
        } catch (IOException e) {
            LOG.debug("pty session {}: exit frame not sent: {}", session.id(), e.getMessage());
        }
        cancelled.set(true);
        closeSocket();
    }

    private void ping() {
        if (cancelled.get()) {
            return;
        }
        try {
            send(new PingFrame());
        } catch (IOException e) {
            cancelled.set(true);
            closeSocket();
        }
    }

    /** The eviction hook: a best-effort close frame 4001 {@code TAKEN_OVER} (never waits behind a stuck write). */
    private void evictClose() {
        cancelled.set(true);
        try {
            if (sendLock.tryLock(Timing.TAKEOVER_CLOSE_MS, TimeUnit.MILLISECONDS)) {
                try {
                    writeWithin(closeFrame(CLOSE_TAKEN_OVER, "TAKEN_OVER"), Timing.TAKEOVER_CLOSE_MS);
                } catch (IOException e) {
                    // the socket is closed below anyway
                } finally {
                    sendLock.unlock();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        closeSocket();
    }

    // ------------------------------------------------------------ reading

    private void readLoop() throws IOException {
        socket.setSoTimeout((int) Math.min(Integer.MAX_VALUE, timing.readTimeoutMs()));
        byte[] buf = new byte[16 * 1024];
        ByteBuffer message = null;
        Opcode messageType = null;
        while (!cancelled.get()) {
            int n;
            try {
                n = in.read(buf);
            } catch (SocketTimeoutException e) {
                LOG.debug("pty session {}: client silent for {} ms, closing", session.id(), timing.readTimeoutMs());
                return;
            }
            if (n < 0) {
                return;
            }
            List<Framedata> frames;
            try {
                frames = draft.translateFrame(ByteBuffer.wrap(buf, 0, n));
            } catch (InvalidDataException e) {
                send(closeFrame(e.getCloseCode(), String.valueOf(e.getMessage())));
                return;
            }
            for (Framedata f : frames) {
                Opcode op = f.getOpcode();
                switch (op) {
                    case PING -> {
                        PongFrame pong = new PongFrame((PingFrame) f);
                        send(pong);
                    }
                    case PONG -> {}
                    case CLOSING -> {
                        CloseFrame c = (CloseFrame) f;
                        int code = c.getCloseCode();
                        send(closeFrame(code == CloseFrame.NOCODE ? CloseFrame.NORMAL : code, ""));
                        return;
                    }
                    case TEXT, BINARY -> {
                        if (f.isFin()) {
                            if (handle(op, f.getPayloadData())) {
                                return;
                            }
                        } else {
                            messageType = op;
                            message = append(null, f.getPayloadData());
                        }
                    }
                    case CONTINUOUS -> {
                        if (messageType == null) {
                            send(closeFrame(CloseFrame.PROTOCOL_ERROR, "continuation without a message"));
                            return;
                        }
                        message = append(message, f.getPayloadData());
                        if (f.isFin()) {
                            ByteBuffer whole = message;
                            Opcode type = messageType;
                            message = null;
                            messageType = null;
                            if (handle(type, whole)) {
                                return;
                            }
                        }
                    }
                }
            }
        }
    }

    private static ByteBuffer append(@Nullable ByteBuffer sofar, ByteBuffer more) throws IOException {
        int have = sofar == null ? 0 : sofar.remaining();
        if (have + more.remaining() > MAX_MESSAGE) {
            throw new IOException("message larger than " + MAX_MESSAGE + " bytes");
        }
        ByteBuffer b = ByteBuffer.allocate(have + more.remaining());
        if (sofar != null) {
            b.put(sofar);
        }
        return b.put(more).flip();
    }

    /** One client message; true when the connection must end. */
    private boolean handle(Opcode type, ByteBuffer payload) throws IOException {
        byte[] data = new byte[payload.remaining()];
        payload.get(data);
        if (type == Opcode.BINARY) {
            if (data.length == 0 || data[0] != 0) {
                return false; // only stdin (0x00) is expected from the client
            }
            return stdin(data, 1, data.length - 1);
        }
        JsonNode frame;
        try {
            frame = Json.MAPPER.readTree(data);
        } catch (IOException e) {
            return false; // execd ignores a text frame that is not JSON
        }
        if (frame == null || !frame.isObject() || !goTypes(frame)) {
            return false;
        }
        String kind = frame.path("type").asText("");
        switch (kind) {
            case "stdin" -> {
                byte[] text = frame.path("data").asText("").getBytes(StandardCharsets.UTF_8);
                return stdin(text, 0, text.length);
            }
            case "signal" -> session.signal(frame.path("signal").asText(""));
            case "resize" -> {
                int cols = frame.path("cols").asInt(0);
                int rows = frame.path("rows").asInt(0);
                if (cols > 0 && rows > 0) {
                    session.resize(cols, rows);
                }
            }
            case "ping" -> send(textFrame("{\"type\":\"pong\"}\n"));
            default -> send(textFrame(errorJson("INVALID_FRAME", "unknown frame type " + GoJson.quote(kind))));
        }
        return false;
    }

    /** Go's {@code json.Unmarshal} into {@code ClientFrame} fails (and execd ignores the frame) on a wrong type. */
    private static boolean goTypes(JsonNode frame) {
        for (String s : List.of("type", "data", "signal")) {
            JsonNode v = frame.get(s);
            if (v != null && !v.isNull() && !v.isTextual()) {
                return false;
            }
        }
        for (String s : List.of("cols", "rows")) {
            JsonNode v = frame.get(s);
            if (v != null && !v.isNull() && !(v.isIntegralNumber() && v.canConvertToInt())) {
                return false;
            }
        }
        return true;
    }

    private boolean stdin(byte[] data, int off, int len) throws IOException {
        try {
            session.writeStdin(data, off, len);
            return false;
        } catch (IOException e) {
            send(textFrame(errorJson("STDIN_WRITE_FAILED", String.valueOf(e.getMessage()))));
            return true;
        }
    }

    // ------------------------------------------------------------ writing

    @Override
    public void output(byte channel, byte[] data, int len) {
        if (cancelled.get()) {
            return;
        }
        ByteBuffer frame = ByteBuffer.allocate(1 + len);
        frame.put(channel).put(data, 0, len).flip();
        try {
            send(binaryFrame(frame));
        } catch (IOException e) {
            LOG.debug("pty ws write for session {}: {}", session.id(), e.getMessage());
            cancelled.set(true);
            session.detach(this);
            closeSocket();
        }
    }

    static String errorJson(String code, String message) {
        return "{\"type\":\"error\",\"error\":" + GoJson.quote(message) + ",\"code\":\"" + code + "\"}\n";
    }

    private static Framedata textFrame(String text) {
        TextFrame f = new TextFrame();
        f.setPayload(ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)));
        return f;
    }

    private static Framedata binaryFrame(ByteBuffer payload) {
        BinaryFrame f = new BinaryFrame();
        f.setPayload(payload);
        return f;
    }

    private static Framedata closeFrame(int code, String reason) {
        CloseFrame f = new CloseFrame();
        f.setCode(code);
        f.setReason(reason);
        return f;
    }

    private void send(Framedata frame) throws IOException {
        sendLock.lock();
        try {
            write(frame);
        } finally {
            sendLock.unlock();
        }
    }

    /** Before the connection is served (no concurrent writer yet). */
    private void sendRaw(Framedata frame) {
        try {
            send(frame);
        } catch (IOException e) {
            LOG.debug("pty session {}: frame not sent: {}", session.id(), e.getMessage());
        }
    }

    /** Writes under {@link #sendLock}, bounded by the write timeout (execd's write deadline): then the socket closes. */
    private void write(Framedata frame) throws IOException {
        writeWithin(frame, timing.writeTimeoutMs());
    }

    private void writeWithin(Framedata frame, long timeoutMs) throws IOException {
        ByteBuffer bytes = draft.createBinaryFrame(frame);
        ScheduledFuture<?> deadline = scheduler.schedule(this::closeSocket, timeoutMs, TimeUnit.MILLISECONDS);
        try {
            out.write(bytes.array(), bytes.arrayOffset() + bytes.position(), bytes.remaining());
            out.flush();
        } finally {
            deadline.cancel(false);
        }
    }

    private void closeSocket() {
        try {
            socket.close();
        } catch (IOException e) {
            // closed already
        }
    }
}
