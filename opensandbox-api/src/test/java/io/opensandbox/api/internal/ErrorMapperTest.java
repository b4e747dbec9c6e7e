package io.opensandbox.api.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.opensandbox.api.AuthenticationException;
import io.opensandbox.api.CapacityExceededException;
import io.opensandbox.api.ConflictException;
import io.opensandbox.api.ConnectionException;
import io.opensandbox.api.NotFoundException;
import io.opensandbox.api.RateLimitedException;
import io.opensandbox.api.SandboxApiException;
import io.opensandbox.api.SandboxError;
import io.opensandbox.api.SandboxException;
import io.opensandbox.api.SandboxInternalException;
import io.opensandbox.api.SandboxTimeoutException;
import io.opensandbox.api.spi.RequestNotSentException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ErrorMapperTest {
    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void parseError_readsCodeAndMessage() {
        SandboxError error = ErrorMapper.parseError(
                404, utf8("{\"code\":\"DOCKER::SANDBOX_NOT_FOUND\",\"message\":\"no such sandbox\"}"));

        assertThat(error).isEqualTo(new SandboxError("DOCKER::SANDBOX_NOT_FOUND", "no such sandbox"));
    }

    @Test
    void parseError_cleansControlCharactersOutOfTheCodeLikeTheMessage() {
        SandboxError error = ErrorMapper.parseError(
                500, utf8("{\"code\":\"BAD\\r\\nX-Injected: yes\",\"message\":\"line\\r\\nnext\"}"));

        assertThat(error).isEqualTo(new SandboxError("BAD X-Injected: yes", "line next"));
        assertThat(ErrorMapper.fromResponse(500, Map.of(), utf8("{\"code\":\"A\\u0000\\nB\",\"message\":\"m\"}")))
                .hasMessageNotContaining("\n")
                .hasMessageNotContaining("\u0000");
    }

    @Test
    void parseError_ofAJsonBodyCutShort_keepsTheCodeAndMessageReadSoFar() {
        String whole = "{\"detail\":{\"code\":\"AUTH::BAD_KEY\",\"message\":\"" + "x".repeat(100_000) + "\"}}";
        byte[] cut = java.util.Arrays.copyOf(utf8(whole), Bodies.ERROR_BODY_LIMIT);

        SandboxError error = ErrorMapper.parseError(401, cut);

        assertThat(error.code()).isEqualTo("AUTH::BAD_KEY");
        assertThat(error.message()).hasSizeLessThanOrEqualTo(503);
        SandboxError messageFirst = ErrorMapper.parseError(
                500,
                java.util.Arrays.copyOf(
                        utf8("{\"message\":\"short\",\"code\":\"C\",\"more\":\"" + "y".repeat(70_000)), 65_536));
        assertThat(messageFirst).isEqualTo(new SandboxError("C", "short"));
    }

    @Test
    void parseError_unwrapsFastApiDetailObject() {
        SandboxError error = ErrorMapper.parseError(400, utf8("{\"detail\":{\"code\":\"X\",\"message\":\"m\"}}"));

        assertThat(error).isEqualTo(new SandboxError("X", "m"));
    }

    @Test
    void parseError_summarisesFastApiValidationList() {
        SandboxError error = ErrorMapper.parseError(
                422,
                utf8(
                        "{\"detail\":[{\"loc\":[\"body\",\"timeout\"],\"msg\":\"Input should be >= 60\",\"type\":\"x\"}]}"));

        assertThat(error.code()).isEqualTo("VALIDATION_ERROR");
        assertThat(error.message()).isEqualTo("body.timeout: Input should be >= 60");
    }

    @Test
    void parseError_readsExecdUnauthorisedShape() {
        SandboxError error = ErrorMapper.parseError(401, utf8("{\"error\":\"Unauthorized: invalid token\"}"));

        assertThat(error.code()).isEqualTo(SandboxError.UNEXPECTED_RESPONSE);
        assertThat(error.message()).isEqualTo("Unauthorized: invalid token");
    }

    @Test
    void parseError_keepsPlainTextFromTheEgressSidecar() {
        SandboxError error = ErrorMapper.parseError(409, utf8("revision conflict: expected 3, have 4\n"));

        assertThat(error.message()).isEqualTo("revision conflict: expected 3, have 4");
    }

    @Test
    void parseError_summarisesHtmlFromAProxy() {
        SandboxError error = ErrorMapper.parseError(
                502, utf8("<html><head><title>502 Bad Gateway</title></head><body><h1>Bad</h1></body></html>"));

        assertThat(error.message()).isEqualTo("HTML page: 502 Bad Gateway");
    }

    @Test
    void parseError_ofEmptyBody_saysSo() {
        assertThat(ErrorMapper.parseError(500, new byte[0]).message()).isEqualTo("empty response body");
    }

    @Test
    void parseError_cutsHugeBodiesAndControlCharacters() {
        SandboxError error = ErrorMapper.parseError(500, utf8("x".repeat(5000) + "\u0000\r\n"));

        assertThat(error.message())
                .hasSizeLessThan(600)
                .doesNotContain("\u0000")
                .doesNotContain("\n");
    }

    @ParameterizedTest
    @CsvSource({
        "401, AuthenticationException",
        "403, AuthenticationException",
        "404, NotFoundException",
        "409, ConflictException",
        "429, RateLimitedException",
        "507, CapacityExceededException",
        "500, SandboxApiException",
        "400, SandboxApiException",
    })
    void fromResponse_picksSubtypeByStatus(int status, String type) {
        SandboxApiException e = ErrorMapper.fromResponse(status, Map.of(), utf8("{\"code\":\"C\",\"message\":\"m\"}"));

        assertThat(e.getClass().getSimpleName()).isEqualTo(type);
        assertThat(e.statusCode()).isEqualTo(status);
        assertThat(e.error().code()).isEqualTo("C");
        assertThat(e.getMessage()).contains("HTTP " + status).contains("m");
    }

    @Test
    void fromResponse_readsRequestIdCaseInsensitivelyAndRetryAfter() {
        SandboxApiException e = ErrorMapper.fromResponse(
                429, Map.of("x-request-id", List.of("req-9"), "retry-after", List.of("7")), new byte[0]);

        assertThat(e).isInstanceOf(RateLimitedException.class);
        assertThat(e.requestId()).contains("req-9");
        assertThat(((RateLimitedException) e).retryAfter()).contains(Duration.ofSeconds(7));
        assertThat(e.getMessage()).contains("req-9");
        assertThat(e.isRetryable()).isTrue();
    }

    @Test
    void retryability_followsStatus() {
        assertThat(ErrorMapper.fromResponse(503, Map.of(), new byte[0]).isRetryable())
                .isTrue();
        assertThat(ErrorMapper.fromResponse(404, Map.of(), new byte[0]).isRetryable())
                .isFalse();
        assertThat(ErrorMapper.fromResponse(507, Map.of(), new byte[0])).isInstanceOf(CapacityExceededException.class);
    }

    @Test
    void fromFailure_mapsTransportFailuresByKind() {
        SandboxException refused =
                ErrorMapper.fromFailure(new CompletionException(new ConnectException("refused")), "GET /x");
        assertThat(refused).isInstanceOf(ConnectionException.class);
        assertThat(((ConnectionException) refused).requestSent()).isFalse();
        assertThat(refused.getMessage()).contains("GET /x").contains("refused");

        SandboxException notSent = ErrorMapper.fromFailure(new RequestNotSentException("stale", null), "POST /y");
        assertThat(((ConnectionException) notSent).requestSent()).isFalse();

        SandboxException reset = ErrorMapper.fromFailure(new IOException("Connection reset"), "POST /y");
        assertThat(((ConnectionException) reset).requestSent()).isTrue();

        assertThat(ErrorMapper.fromFailure(new SocketTimeoutException("slow"), "GET /z"))
                .isInstanceOf(SandboxTimeoutException.class);
        assertThat(ErrorMapper.fromFailure(new IllegalStateException("bug"), "GET /z"))
                .isInstanceOf(SandboxInternalException.class);

        NotFoundException original = new NotFoundException(404, new SandboxError("A", "b"), null);
        assertThat(ErrorMapper.fromFailure(new CompletionException(original), "x"))
                .isSameAs(original);
        assertThat(ErrorMapper.fromFailure(new java.util.concurrent.CancellationException(), "x")
                        .error()
                        .code())
                .isEqualTo(SandboxError.CANCELLED);
        assertThat(new ConflictException(409, new SandboxError("A", "b"), null).isRetryable())
                .isFalse();
        assertThat(new AuthenticationException(401, new SandboxError("A", "b"), null).isRetryable())
                .isFalse();
    }
}
