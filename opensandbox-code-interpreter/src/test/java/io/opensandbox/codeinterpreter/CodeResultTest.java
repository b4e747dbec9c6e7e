package io.opensandbox.codeinterpreter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.opensandbox.api.InvalidArgumentException;
import io.opensandbox.api.SandboxInternalException;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CodeResultTest {
    private static final Instant T = Instant.ofEpochMilli(1_733_550_000_000L);

    @Test
    void text_prefersExecdsTextKey_andFallsBackToTextPlain() {
        assertThat(CodeResult.of(Map.of("text", "a", "text/plain", "b"), T).text())
                .contains("a");
        assertThat(CodeResult.of(Map.of("text/plain", "b"), T).text()).contains("b");
        assertThat(CodeResult.of(Map.of("text/html", "<p/>"), T).text()).isEmpty();
    }

    @Test
    void images_areDecodedFromBase64_withLineBreaks() {
        byte[] jpeg = {(byte) 0xff, (byte) 0xd8, (byte) 0xff, 0x00, 0x10};
        String wrapped = Base64.getMimeEncoder(4, new byte[] {'\n'}).encodeToString(jpeg) + "\n";
        CodeResult result = CodeResult.of(Map.of("image/jpeg", wrapped, "image/gif", "R0lG"), T);

        assertThat(result.jpeg()).hasValueSatisfying(bytes -> assertThat(bytes).isEqualTo(jpeg));
        assertThat(result.decoded("image/gif"))
                .hasValueSatisfying(bytes -> assertThat(bytes).containsExactly('G', 'I', 'F'));
        assertThat(result.png()).isEmpty();
    }

    @Test
    void malformedBase64_failsWithASandboxException() {
        CodeResult result = CodeResult.of(Map.of("image/png", "not base64!"), T);

        assertThatThrownBy(result::png)
                .isInstanceOf(SandboxInternalException.class)
                .hasMessageContaining("image/png");
    }

    @Test
    void data_keepsTheServersOrder_isUnmodifiable_andToStringHidesValues() {
        Map<String, String> data = new LinkedHashMap<>();
        data.put("text", "secret-ish value");
        data.put("image/png", "AAAA");
        CodeResult result = CodeResult.of(data, T);
        data.put("text/html", "later");

        assertThat(result.mimeTypes()).containsExactly("text", "image/png");
        assertThatThrownBy(() -> result.data().put("x", "y")).isInstanceOf(UnsupportedOperationException.class);
        assertThat(result.toString())
                .isEqualTo("CodeResult{text=16 chars, image/png=4 chars}")
                .doesNotContain("secret-ish");
    }

    @Test
    void codeContext_rejectsBlankIdOrLanguage_andTreatsEmptyCwdAsUnknown() {
        assertThatThrownBy(() -> CodeContext.of(" ", "python")).isInstanceOf(InvalidArgumentException.class);
        assertThatThrownBy(() -> CodeContext.of("id", "")).isInstanceOf(InvalidArgumentException.class);
        assertThat(CodeContext.of("id", "python", "").cwd()).isEmpty();
        assertThat(CodeContext.of("id", "python", "/w")).hasToString("CodeContext{id=id, language=python, cwd=/w}");
    }

    @Test
    void runCodeOptions_checkTheirTimeouts() {
        assertThat(RunCodeOptions.defaults().interruptOnCancel()).isTrue();
        assertThat(RunCodeOptions.defaults().timeout()).isEmpty();
        RunCodeOptions options = RunCodeOptions.builder()
                .timeout(Duration.ofSeconds(30))
                .idleTimeout(Duration.ofSeconds(5))
                .skipAccumulation(true)
                .interruptOnCancel(false)
                .build();
        assertThat(options.toBuilder().build().toString()).isEqualTo(options.toString());
        assertThat(options.timeout()).contains(Duration.ofSeconds(30));
        assertThatThrownBy(() -> RunCodeOptions.builder().timeout(Duration.ZERO).build())
                .isInstanceOf(InvalidArgumentException.class);
        assertThatThrownBy(() ->
                        RunCodeOptions.builder().idleTimeout(Duration.ofDays(2)).build())
                .isInstanceOf(InvalidArgumentException.class);
    }
}
