package io.opensandbox.files.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MultipartTest {

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void body_isExecdsFormat_andItsLengthIsExact() throws IOException {
        Multipart body = new Multipart("B0")
                .add(utf8("{\"path\":\"/a.txt\",\"mode\":644}"), "a.txt", utf8("hello"), 5, "/a.txt")
                .add(utf8("{\"path\":\"/b.bin\"}"), "b.bin", new byte[] {1, 2}, 2, "/b.bin")
                .finish();

        byte[] bytes;
        try (PartsInputStream in = new PartsInputStream(body.segments(), done -> {})) {
            bytes = in.readAllBytes();
            assertThat(in.ended()).isTrue();
        }

        String expected = "--B0\r\n"
                + "Content-Disposition: form-data; name=\"metadata\"; filename=\"metadata\"\r\n"
                + "Content-Type: application/json\r\n\r\n"
                + "{\"path\":\"/a.txt\",\"mode\":644}\r\n"
                + "--B0\r\n"
                + "Content-Disposition: form-data; name=\"file\"; filename=\"a.txt\"\r\n"
                + "Content-Type: application/octet-stream\r\n\r\n"
                + "hello\r\n"
                + "--B0\r\n"
                + "Content-Disposition: form-data; name=\"metadata\"; filename=\"metadata\"\r\n"
                + "Content-Type: application/json\r\n\r\n"
                + "{\"path\":\"/b.bin\"}\r\n"
                + "--B0\r\n"
                + "Content-Disposition: form-data; name=\"file\"; filename=\"b.bin\"\r\n"
                + "Content-Type: application/octet-stream\r\n\r\n"
                + "\u0001\u0002\r\n"
                + "--B0--\r\n";
        assertThat(new String(bytes, StandardCharsets.ISO_8859_1)).isEqualTo(expected);
        assertThat(body.length()).isEqualTo(bytes.length);
        assertThat(body.contentLength()).isEqualTo(7);
        assertThat(body.contentType()).isEqualTo("multipart/form-data; boundary=B0");
    }

    @Test
    void unknownContentLength_makesTheBodyLengthUnknown() {
        Multipart body = new Multipart("B")
                .add(utf8("{}"), "x", new ByteArrayInputStream(new byte[3]), -1, "/x")
                .finish();
        assertThat(body.length()).isEqualTo(-1);
        assertThat(body.contentLength()).isEqualTo(-1);
    }

    @Test
    void progress_countsContentBytesOnly(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("f");
        Files.write(file, new byte[300_000]);
        Multipart body =
                new Multipart("B").add(utf8("{}"), "f", file, 300_000, "/f").finish();
        List<Long> reports = new ArrayList<>();
        try (PartsInputStream in = new PartsInputStream(body.segments(), reports::add)) {
            in.transferTo(java.io.OutputStream.nullOutputStream());
        }
        assertThat(reports).isNotEmpty().isSorted();
        assertThat(reports.get(reports.size() - 1)).isEqualTo(300_000L);
    }

    @Test
    void sourceShorterThanAnnounced_failsTheRead() {
        Multipart body = new Multipart("B")
                .add(utf8("{}"), "x", new ByteArrayInputStream(new byte[3]), 5, "/x")
                .finish();
        PartsInputStream in = new PartsInputStream(body.segments(), done -> {});
        assertThatThrownBy(in::readAllBytes).isInstanceOf(IOException.class).hasMessageContaining("3 of the 5");
        assertThat(in.failure()).isNotNull();
        assertThat(in.ended()).isFalse();
    }

    @Test
    void sourceLongerThanAnnounced_failsTheRead(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("grows");
        Files.write(file, new byte[10]);
        Multipart body = new Multipart("B").add(utf8("{}"), "g", file, 4, "/g").finish();
        PartsInputStream in = new PartsInputStream(body.segments(), done -> {});
        assertThatThrownBy(in::readAllBytes).isInstanceOf(IOException.class).hasMessageContaining("more than");
    }

    @Test
    void failingSource_isRecorded_andEveryStreamIsClosed() throws IOException {
        AtomicBoolean firstClosed = new AtomicBoolean();
        AtomicBoolean secondClosed = new AtomicBoolean();
        InputStream failing = new InputStream() {
            private int left = 10;

            @Override
            public int read() throws IOException {
                if (left-- > 0) {
                    return 'x';
                }
                throw new IOException("disk gone");
            }

            @Override
            public void close() {
                firstClosed.set(true);
            }
        };
        InputStream never = new ByteArrayInputStream(new byte[1]) {
            @Override
            public void close() {
                secondClosed.set(true);
            }
        };
        Multipart body = new Multipart("B")
                .add(utf8("{}"), "a", failing, -1, "/a")
                .add(utf8("{}"), "b", never, -1, "/b")
                .finish();
        PartsInputStream in = new PartsInputStream(body.segments(), done -> {});
        assertThatThrownBy(in::readAllBytes).hasMessage("disk gone");
        in.close();
        assertThat(in.failure()).hasMessage("disk gone");
        assertThat(firstClosed).isTrue();
        assertThat(secondClosed).isTrue();
    }
}
