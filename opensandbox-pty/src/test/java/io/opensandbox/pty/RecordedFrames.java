package io.opensandbox.pty;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/** The recorded execd frames of {@code execd-pty-frames.txt}, by name. */
public final class RecordedFrames {
    private static final Map<String, byte[]> FRAMES = load();

    private RecordedFrames() {}

    private static Map<String, byte[]> load() {
        Map<String, byte[]> frames = new LinkedHashMap<>();
        try (InputStream in = Objects.requireNonNull(
                        RecordedFrames.class.getResourceAsStream("/execd-pty-frames.txt"), "resource");
                BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null) {
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                String[] fields = line.split("\t");
                frames.put(fields[0], HexFormat.of().parseHex(fields[2]));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return frames;
    }

    /** The bytes of a recorded frame. */
    public static byte[] bytes(String name) {
        byte[] bytes = FRAMES.get(name);
        if (bytes == null) {
            throw new IllegalArgumentException("no recorded frame " + name);
        }
        return bytes.clone();
    }

    /** A recorded text frame. */
    public static String text(String name) {
        return new String(bytes(name), StandardCharsets.UTF_8);
    }

    /** A recorded binary frame. */
    public static ByteBuffer binary(String name) {
        return ByteBuffer.wrap(bytes(name));
    }

    /** The close code of a recorded close frame. */
    public static int closeCode(String name) {
        byte[] payload = bytes(name);
        return ((payload[0] & 0xff) << 8) | (payload[1] & 0xff);
    }

    /** The reason of a recorded close frame. */
    public static String closeReason(String name) {
        byte[] payload = bytes(name);
        return new String(payload, 2, payload.length - 2, StandardCharsets.UTF_8);
    }
}
