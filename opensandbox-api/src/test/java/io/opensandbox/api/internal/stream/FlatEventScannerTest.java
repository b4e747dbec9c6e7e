package io.opensandbox.api.internal.stream;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The fast path must decode exactly what Jackson decodes, and leave everything else to Jackson. */
class FlatEventScannerTest {

    record Decoded(
            String type,
            String text,
            long timestamp,
            long executionTime,
            long executionCount,
            String code,
            String message,
            String error) {}

    private static List<Decoded> decode(String line, boolean fastPath) {
        EventDecoder decoder = new EventDecoder(1 << 20, false, fastPath);
        List<Decoded> out = new ArrayList<>();
        decoder.feed(ByteBuffer.wrap((line + "\n").getBytes(StandardCharsets.UTF_8)), event -> {
            out.add(new Decoded(
                    event.type(),
                    event.text(),
                    event.timestamp(),
                    event.executionTime(),
                    event.executionCount(),
                    event.code(),
                    event.message(),
                    event.hasError() ? event.errorName() + "/" + event.errorValue() + event.traceback() : null));
            return false;
        });
        return out;
    }

    private static final List<String> CORPUS = List.of(
            "{\"type\":\"stdout\",\"text\":\"hello\",\"timestamp\":1700000000001}",
            "{\"type\":\"stdout\",\"text\":\"\",\"timestamp\":0}",
            "{ \"type\" : \"stderr\" , \"text\" : \"a b\" , \"timestamp\" : -5 }",
            "{\"type\":\"stdout\",\"text\":\"esc \\\" \\\\ \\/ \\b \\f \\n \\r \\t end\"}",
            "{\"type\":\"stdout\",\"text\":\"\\u00e9\\u4e16 \\ud83d\\ude00 x\"}",
            "{\"type\":\"stdout\",\"text\":\"raw \u00e9\u4e16\uD83D\uDE00\"}",
            "{\"type\":\"execution_complete\",\"execution_time\":12,\"timestamp\":3}",
            "{\"type\":\"execution_count\",\"execution_count\":7}",
            "{\"type\":\"brand_new\",\"text\":\"t\",\"unknown\":\"u\",\"n\":42,\"z\":null}",
            "{\"text\":null,\"type\":\"ping\"}",
            "{\"code\":\"RUNTIME_ERROR\",\"message\":\"boom\"}",
            "{}",
            "{\"type\":\"stdout\",\"text\":\"a\",\"timestamp\":\"17\"}",
            "{\"type\":\"stdout\",\"text\":5,\"timestamp\":1.5}",
            "{\"type\":\"stdout\",\"flag\":true,\"text\":\"b\"}",
            "{\"type\":\"error\",\"error\":{\"ename\":\"E\",\"evalue\":\"1\",\"traceback\":[\"t\"]}}",
            "{\"type\":\"result\",\"results\":{\"text\":\"4\"}}",
            "{\"type\":\"stdout\",\"text\":\"bad escape \\q\"}",
            "{\"type\":\"stdout\",\"text\":\"short \\u12\"}",
            "{\"type\":\"stdout\",\"text\":\"unterminated}",
            "{\"type\":\"stdout\",\"text\":\"x\"} trailing",
            "{\"type\":\"stdout\",\"text\":\"x\",}",
            "{\"type\":\"stdout\" \"text\":\"x\"}",
            "{\"type\":\"stdout\",\"timestamp\":0123}",
            "{\"type\":\"stdout\",\"timestamp\":-}",
            "{\"type\":\"stdout\",\"timestamp\":99999999999999999999}",
            "{\"type\":\"stdout\",\"z\":nul}",
            "{\"type\":\"stdout\",\"te\\u0078t\":\"escaped key\"}",
            "{\"type\":\"stdout\"",
            // long strings: the escape, quote and control-character search reads eight bytes at a time
            "{\"type\":\"stdout\",\"text\":\"0123456789abcdefghijklmnopqrstuvwxyz0123456789\",\"timestamp\":1}",
            "{\"type\":\"stdout\",\"text\":\"0123456789abcdef\\\"ghijklmnop\\\\qrstuvwxyz \\u00e9 tail\"}",
            "{\"type\":\"stdout\",\"text\":\"0123456789abcdefg\u0001hijklmnopqrstuvwxyz\"}",
            "{\"type\":\"stdout\",\"text\":\"\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u4e16\u4e16\u4e16\u4e16 end\"}",
            "{\"type\":\"stdout\",\"text\":\"0123456789abcdefghijklmnopqrstuvwxyz0123456789\\\"}",
            "{\"type\":\"stdout\",\"text\":\"01234567\\\\\",\"timestamp\":2}");

    @Test
    void scan_decodesTheCorpusExactlyAsJackson() {
        for (String line : CORPUS) {
            assertThat(decode(line, true)).as(line).isEqualTo(decode(line, false));
        }
    }

    @Test
    void scan_decodesRandomTextExactlyAsJackson() {
        Random random = new Random(42);
        String alphabet = "ab \"\\/\u00e9\u4e16\uD83D\uDE00\t\n{}[],:0";
        for (int round = 0; round < 2000; round++) {
            StringBuilder text = new StringBuilder();
            int length = random.nextInt(12);
            for (int i = 0; i < length; i++) {
                char c = alphabet.charAt(random.nextInt(alphabet.length()));
                if (Character.isHighSurrogate(c)) {
                    text.append(c).append('\uDE00');
                } else if (!Character.isLowSurrogate(c)) {
                    text.append(c);
                }
            }
            String json = "{\"type\":\"stdout\",\"text\":" + quote(text.toString(), random) + ",\"timestamp\":"
                    + random.nextInt() + "}";
            List<Decoded> fast = decode(json, true);
            assertThat(fast).as(json).isEqualTo(decode(json, false));
            assertThat(fast).as(json).singleElement().extracting(Decoded::text).isEqualTo(text.toString());
        }
    }

    private static String quote(String text, Random random) {
        StringBuilder out = new StringBuilder("\"");
        boolean escapeNonAscii = false;
        for (char c : text.toCharArray()) {
            if (!Character.isLowSurrogate(c)) {
                escapeNonAscii = random.nextBoolean();
            }
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\t' -> out.append("\\t");
                case '\n' -> out.append("\\n");
                default -> {
                    if (c > 0x7f && escapeNonAscii) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else if (c == '/' && random.nextBoolean()) {
                        out.append("\\/");
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"').toString();
    }
}
