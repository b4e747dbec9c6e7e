package io.opensandbox.api.internal.stream;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** The eight-bytes-at-a-time searches must find exactly what a byte-by-byte loop finds, at every offset. */
class BytesTest {
    private static final byte[] ALPHABET = {
        'a',
        'Z',
        ' ',
        '\n',
        '\r',
        '"',
        '\\',
        0x00,
        0x1f,
        0x20,
        0x7f,
        (byte) 0x80,
        (byte) 0xc3,
        (byte) 0xa9,
        (byte) 0xff,
        (byte) 0x8a,
        (byte) 0xa2,
        (byte) 0xdc,
        '{',
        '}'
    };

    private static int naiveNewline(byte[] b, int from, int to) {
        for (int i = from; i < to; i++) {
            if (b[i] == '\n') {
                return i;
            }
        }
        return -1;
    }

    private static int naiveSpecial(byte[] b, int from, int to) {
        for (int i = from; i < to; i++) {
            byte c = b[i];
            if (c == '"' || c == '\\' || (c >= 0 && c < 0x20)) {
                return i;
            }
        }
        return to;
    }

    @Test
    void searches_matchAByteByByteLoopOnRandomInput() {
        Random random = new Random(42);
        for (int round = 0; round < 20_000; round++) {
            int length = random.nextInt(40);
            byte[] b = new byte[length];
            // mostly harmless bytes, with a few of the ones the searches look for
            for (int i = 0; i < length; i++) {
                b[i] = random.nextInt(6) == 0 ? ALPHABET[random.nextInt(ALPHABET.length)] : (byte) ('a' + i % 26);
            }
            int from = length == 0 ? 0 : random.nextInt(length + 1);
            int to = from + random.nextInt(length - from + 1);
            assertThat(Bytes.indexOfNewline(b, from, to)).isEqualTo(naiveNewline(b, from, to));
            assertThat(Bytes.indexOfStringSpecial(b, from, to)).isEqualTo(naiveSpecial(b, from, to));
        }
    }

    @Test
    void searches_findEachSpecialByteAtEveryPosition() {
        for (byte special : new byte[] {'\n', '"', '\\', 0x00, 0x1f}) {
            for (int length = 1; length <= 24; length++) {
                for (int at = 0; at < length; at++) {
                    byte[] b = new byte[length];
                    for (int i = 0; i < length; i++) {
                        // UTF-8 continuation bytes and other high-bit bytes must never match
                        b[i] = i % 2 == 0 ? (byte) 0x8a : (byte) 0xa2;
                    }
                    b[at] = special;
                    assertThat(Bytes.indexOfNewline(b, 0, length)).isEqualTo(special == '\n' ? at : -1);
                    // a newline is a control character inside a string
                    assertThat(Bytes.indexOfStringSpecial(b, 0, length)).isEqualTo(at);
                }
            }
        }
    }
}
