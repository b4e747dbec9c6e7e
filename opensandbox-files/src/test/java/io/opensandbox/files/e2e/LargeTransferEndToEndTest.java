package io.opensandbox.files.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.opensandbox.api.ConnectionConfig;
import io.opensandbox.commands.Commands;
import io.opensandbox.files.ReadOptions;
import io.opensandbox.files.SandboxFiles;
import io.opensandbox.files.WriteEntry;
import io.opensandbox.files.WriteOptions;
import io.opensandbox.lifecycle.Sandbox;
import io.opensandbox.testkit.LocalSandboxExtension;
import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A 1 GiB file up and down through the local test server in a heap far smaller than the file: the module's tests
 * run with {@code -Xmx128m} (see the POM), so a transfer that buffered the file would fail with
 * {@link OutOfMemoryError}. The content is generated while it is read and never held.
 */
@Timeout(300)
class LargeTransferEndToEndTest {
    private static final long SIZE = 1L << 30;

    @RegisterExtension
    static LocalSandboxExtension sandboxes = new LocalSandboxExtension();

    @Test
    void oneGibibyte_roundTrip_inABoundedHeap_checksumsMatch(ConnectionConfig config) throws IOException {
        assertThat(Runtime.getRuntime().maxMemory())
                .as("this test must run with a heap smaller than the file (-Xmx128m)")
                .isLessThan(256L * 1024 * 1024);
        try (Sandbox sandbox =
                Sandbox.builder().image("ubuntu:24.04").connectionConfig(config).create()) {
            SandboxFiles files = SandboxFiles.of(sandbox);
            GeneratedStream source = new GeneratedStream(SIZE, 42);
            AtomicLong lastUpload = new AtomicLong();
            files.writeFiles(
                    java.util.List.of(WriteEntry.builder("/data/big.bin")
                            .content(source, SIZE)
                            .build()),
                    WriteOptions.builder()
                            .listener((done, total) -> {
                                assertThat(total).isEqualTo(SIZE);
                                lastUpload.set(done);
                            })
                            .build());
            assertThat(source.generated()).isEqualTo(SIZE);
            assertThat(lastUpload.get()).isEqualTo(SIZE);
            assertThat(Commands.of(sandbox).run("stat -c %s /data/big.bin").stdoutText())
                    .isEqualTo(String.valueOf(SIZE));

            CRC32 downloaded = new CRC32();
            long count = 0;
            AtomicLong lastDownload = new AtomicLong();
            try (InputStream in = files.readStream(
                    "/data/big.bin",
                    ReadOptions.builder()
                            .listener((done, total) -> lastDownload.set(done))
                            .build())) {
                byte[] buffer = new byte[64 * 1024];
                for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                    downloaded.update(buffer, 0, n);
                    count += n;
                }
            }
            assertThat(count).isEqualTo(SIZE);
            assertThat(lastDownload.get()).isEqualTo(SIZE);
            assertThat(downloaded.getValue()).isEqualTo(source.crc());
            sandbox.kill();
        }
    }

    /** Pseudo-random bytes (xorshift) made as they are read, with their CRC32; never allocated as a whole. */
    static final class GeneratedStream extends InputStream {
        private final CRC32 crc = new CRC32();
        private final long size;
        private long produced;
        private long state;
        private long word;
        private int wordLeft;

        GeneratedStream(long size, long seed) {
            this.size = size;
            this.state = seed == 0 ? 0x9E3779B97F4A7C15L : seed;
        }

        @Override
        public int read() {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] target, int offset, int length) {
            if (produced >= size) {
                return -1;
            }
            int n = (int) Math.min(length, size - produced);
            for (int i = 0; i < n; i++) {
                if (wordLeft == 0) {
                    state ^= state << 13;
                    state ^= state >>> 7;
                    state ^= state << 17;
                    word = state;
                    wordLeft = 8;
                }
                target[offset + i] = (byte) word;
                word >>>= 8;
                wordLeft--;
            }
            crc.update(target, offset, n);
            produced += n;
            return n;
        }

        long generated() {
            return produced;
        }

        long crc() {
            return crc.getValue();
        }
    }
}
