package io.opensandbox.testkit.internal;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;

/** Reads a process stream line by line (without the line terminator) and hands each line to a sink. */
final class LinePump {
    /** Receives lines; {@code eof} is called exactly once at the end. */
    interface Sink {
        void line(String type, String text);

        void eof(String type);
    }

    private static final int MAX_LINE = 64 * 1024;

    private LinePump() {}

    static void start(ExecutorService executor, InputStream in, String type, Sink sink) {
        executor.execute(() -> run(in, type, sink));
    }

    private static void run(InputStream in, String type, Sink sink) {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        byte[] buf = new byte[8192];
        try (in) {
            int n;
            while ((n = in.read(buf)) >= 0) {
                for (int i = 0; i < n; i++) {
                    byte b = buf[i];
                    if (b == '\n') {
                        emit(line, type, sink);
                    } else {
                        line.write(b);
                        if (line.size() >= MAX_LINE) {
                            emit(line, type, sink);
                        }
                    }
                }
            }
        } catch (IOException e) {
            // stream closed: the process is gone or was killed
        } finally {
            if (line.size() > 0) {
                emit(line, type, sink);
            }
            sink.eof(type);
        }
    }

    private static void emit(ByteArrayOutputStream line, String type, Sink sink) {
        byte[] bytes = line.toByteArray();
        int len = bytes.length;
        if (len > 0 && bytes[len - 1] == '\r') {
            len--;
        }
        line.reset();
        sink.line(type, new String(bytes, 0, len, StandardCharsets.UTF_8));
    }
}
