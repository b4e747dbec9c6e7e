package io.opensandbox.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The server's PTY frames byte for byte, on a raw socket, against the recorded frames in {@code pty-frames.md} (the
 * fixture the SDK's codec tests share).
 */
class PtyFramesTest {
    static final String RECORDED_ID = "5f0c8a8e-3c1b-4d2a-9e7f-1a2b3c4d5e6f";
    static LocalSandboxServer server;
    static TestClient c;
    static TestClient.Endpoint ep;
    static Map<String, byte[]> recorded;

    @BeforeAll
    static void start() throws IOException {
        server = LocalSandboxServer.builder().start();
        c = new TestClient(server);
        ep = c.endpoint(c.createSandbox(""), 44772, false);
        recorded = load();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    static Map<String, byte[]> load() throws IOException {
        String md;
        try (InputStream in = PtyFramesTest.class.getResourceAsStream("/pty-frames.md")) {
            md = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        Map<String, byte[]> out = new LinkedHashMap<>();
        Matcher m =
                Pattern.compile("### ([a-z-]+)\\s+```hex\\n([0-9a-f \\n]+)```").matcher(md);
        while (m.find()) {
            out.put(m.group(1), HexFormat.of().parseHex(m.group(2).replaceAll("\\s+", "")));
        }
        return out;
    }

    /** A raw WebSocket: handshake by hand, frames read as the bytes on the wire. */
    static final class Raw implements AutoCloseable {
        final Socket socket;
        final InputStream in;
        final OutputStream out;
        final String head;

        Raw(String sessionId, String query) throws IOException {
            URI base = URI.create(ep.base());
            socket = new Socket(base.getHost(), base.getPort());
            socket.setSoTimeout(20_000);
            in = socket.getInputStream();
            out = socket.getOutputStream();
            StringBuilder req = new StringBuilder("GET " + base.getPath() + "/pty/" + sessionId + "/ws?" + query
                    + " HTTP/1.1\r\nHost: " + base.getAuthority() + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                    + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n");
            ep.headers().forEach((k, v) -> req.append(k).append(": ").append(v).append("\r\n"));
            out.write(req.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1));
            ByteArrayOutputStream h = new ByteArrayOutputStream();
            while (!h.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
                int b = in.read();
                if (b < 0) {
                    break;
                }
                h.write(b);
            }
            head = h.toString(StandardCharsets.ISO_8859_1);
        }

        /** The next frame exactly as sent (header and payload), or null at end of stream. */
        byte[] frame() throws IOException {
            ByteArrayOutputStream f = new ByteArrayOutputStream();
            int b0 = in.read();
            if (b0 < 0) {
                return null;
            }
            int b1 = in.read();
            f.write(b0);
            f.write(b1);
            long len = b1 & 0x7F;
            int extra = len == 126 ? 2 : len == 127 ? 8 : 0;
            if (extra > 0) {
                byte[] ext = in.readNBytes(extra);
                f.write(ext, 0, ext.length);
                len = extra == 2
                        ? ByteBuffer.wrap(ext).getShort() & 0xFFFF
                        : ByteBuffer.wrap(ext).getLong();
            }
            byte[] payload = in.readNBytes((int) len);
            f.write(payload, 0, payload.length);
            return f.toByteArray();
        }

        /** The next frame that is not output of channel 1 or 2 (the command prints again after a restart). */
        byte[] control() throws IOException {
            while (true) {
                byte[] f = frame();
                if (f == null || (f[0] & 0x0F) != 2 || f.length < 3 || (f[2] != 1 && f[2] != 2)) {
                    return f;
                }
            }
        }

        /** A masked client text frame (the mask key is fixed; any key works). */
        void text(String s) throws IOException {
            byte[] p = s.getBytes(StandardCharsets.UTF_8);
            byte[] key = {0x12, 0x34, 0x56, 0x78};
            ByteArrayOutputStream f = new ByteArrayOutputStream();
            f.write(0x81);
            f.write(0x80 | p.length);
            f.write(key, 0, 4);
            for (int i = 0; i < p.length; i++) {
                f.write(p[i] ^ key[i % 4]);
            }
            out.write(f.toByteArray());
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    static byte[] withRecordedId(byte[] frame, String id) {
        String s = new String(frame, StandardCharsets.ISO_8859_1).replace(id, RECORDED_ID);
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    @Test
    void recordedFile_holdsTheFrames() {
        assertThat(recorded)
                .containsKeys(
                        "connected-pipe",
                        "stdout",
                        "stderr",
                        "exit",
                        "close-exit",
                        "replay",
                        "pong",
                        "error-invalid-frame",
                        "close-taken-over",
                        "ping");
    }

    @Test
    void frames_areByteForByteTheRecordedOnes() throws IOException {
        String id = TestClient.json(c.send(
                        "POST",
                        ep.base() + "/pty",
                        "{\"command\":\"sleep 0.2; printf hi; sleep 0.3; printf oops >&2; sleep 0.3; exit 3\"}",
                        ep.headers()))
                .path("session_id")
                .asText();
        try (Raw a = new Raw(id, "pty=0")) {
            assertThat(a.head)
                    .startsWith("HTTP/1.1 101 Switching Protocols\r\n")
                    .contains("Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n");
            assertThat(withRecordedId(a.frame(), id)).isEqualTo(recorded.get("connected-pipe"));
            assertThat(a.frame()).isEqualTo(recorded.get("stdout"));
            assertThat(a.frame()).isEqualTo(recorded.get("stderr"));
            assertThat(a.frame()).isEqualTo(recorded.get("exit"));
            assertThat(a.frame()).isEqualTo(recorded.get("close-exit"));
            assertThat(a.frame()).isNull(); // the server closes the connection after its close frame
        }
        try (Raw b = new Raw(id, "pty=0&since=0")) {
            assertThat(b.frame()).isEqualTo(recorded.get("replay"));
            assertThat(withRecordedId(b.frame(), id)).isEqualTo(recorded.get("connected-pipe"));
            b.text("{\"type\":\"ping\"}");
            assertThat(b.control()).isEqualTo(recorded.get("pong"));
            b.text("{\"type\":\"bogus\"}");
            assertThat(b.control()).isEqualTo(recorded.get("error-invalid-frame"));
            try (Raw t = new Raw(id, "pty=0&takeover=1&since=999999")) {
                assertThat(t.head).startsWith("HTTP/1.1 101 ");
                assertThat(b.control()).isEqualTo(recorded.get("close-taken-over"));
                assertThat(withRecordedId(t.frame(), id)).isEqualTo(recorded.get("connected-pipe"));
            }
        }
        c.send("DELETE", ep.base() + "/pty/" + id, null, ep.headers());
    }
}
