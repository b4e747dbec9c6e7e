package io.opensandbox.files;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.opensandbox.api.InvalidArgumentException;
import org.junit.jupiter.api.Test;

class ByteRangeTest {

    @Test
    void headerValues() {
        assertThat(ByteRange.of(0, 1023).toHeaderValue()).isEqualTo("bytes=0-1023");
        assertThat(ByteRange.from(1024).toHeaderValue()).isEqualTo("bytes=1024-");
        assertThat(ByteRange.lastBytes(500).toHeaderValue()).isEqualTo("bytes=-500");
        assertThat(ByteRange.of(5, 5).length()).hasValue(1);
        assertThat(ByteRange.from(5).length()).isEmpty();
    }

    @Test
    void negativeOrInvertedRanges_areRejected() {
        assertThatThrownBy(() -> ByteRange.of(-1, 3)).isInstanceOf(InvalidArgumentException.class);
        assertThatThrownBy(() -> ByteRange.of(4, 3)).isInstanceOf(InvalidArgumentException.class);
        assertThatThrownBy(() -> ByteRange.from(-5)).isInstanceOf(InvalidArgumentException.class);
        assertThatThrownBy(() -> ByteRange.lastBytes(0)).isInstanceOf(InvalidArgumentException.class);
    }
}
