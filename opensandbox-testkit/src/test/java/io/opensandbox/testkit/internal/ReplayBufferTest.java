package io.opensandbox.testkit.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ReplayBufferTest {
    private static void write(ReplayBuffer r, String s) {
        byte[] b = s.getBytes(StandardCharsets.US_ASCII);
        r.write(b, 0, b.length);
    }

    private static String text(ReplayBuffer.Slice s) {
        return new String(s.data(), StandardCharsets.US_ASCII);
    }

    @Test
    void readFrom_returnsTheBytesFromTheOffset_andTheOffset() {
        ReplayBuffer r = new ReplayBuffer(8);
        write(r, "abc");
        write(r, "de");
        assertThat(r.total()).isEqualTo(5);
        assertThat(text(r.readFrom(0))).isEqualTo("abcde");
        assertThat(r.readFrom(2).offset()).isEqualTo(2);
        assertThat(text(r.readFrom(2))).isEqualTo("cde");
    }

    @Test
    void readFrom_atOrPastTheTotal_isEmptyAtTheTotal() {
        ReplayBuffer r = new ReplayBuffer(8);
        write(r, "abc");
        assertThat(r.readFrom(3).data()).isEmpty();
        assertThat(r.readFrom(3).offset()).isEqualTo(3);
        assertThat(r.readFrom(99).offset()).isEqualTo(3);
    }

    @Test
    void wrapped_keepsTheLastSizeBytes_andClampsOldOffsets() {
        ReplayBuffer r = new ReplayBuffer(8);
        write(r, "0123456");
        write(r, "789ab"); // 12 bytes written, the ring holds 4..11
        assertThat(r.total()).isEqualTo(12);
        assertThat(r.readFrom(0).offset()).isEqualTo(4);
        assertThat(text(r.readFrom(0))).isEqualTo("456789ab");
        assertThat(text(r.readFrom(-5))).isEqualTo("456789ab");
        assertThat(text(r.readFrom(9))).isEqualTo("9ab");
    }

    @Test
    void aWriteLargerThanTheRing_keepsItsTail_andCountsAllOfIt() {
        ReplayBuffer r = new ReplayBuffer(4);
        write(r, "x");
        write(r, "abcdefghij");
        assertThat(r.total()).isEqualTo(11);
        assertThat(r.readFrom(0).offset()).isEqualTo(7);
        assertThat(text(r.readFrom(0))).isEqualTo("ghij");
    }

    @Test
    void theDefaultSize_isExecdsOneMebibyte() {
        assertThat(ReplayBuffer.SIZE).isEqualTo(1 << 20);
    }
}
