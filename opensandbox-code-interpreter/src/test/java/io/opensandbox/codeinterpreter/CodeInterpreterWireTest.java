package io.opensandbox.codeinterpreter;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.delete;
import static com.github.tomakehurst.wiremock.client.WireMock.deleteRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.matching.RequestPatternBuilder;
import io.opensandbox.api.InvalidArgumentException;
import io.opensandbox.api.NotFoundException;
import io.opensandbox.api.SandboxApiException;
import io.opensandbox.api.SandboxException;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The exact requests of the context calls and how execd's failures come out. */
class CodeInterpreterWireTest {
    @RegisterExtension
    static final ExecdServer EXECD = new ExecdServer();

    private static final String CODE = ExecdServer.PREFIX + "/code";

    private final CodeInterpreter interpreter = CodeInterpreter.of(EXECD.handle());

    private static RequestPatternBuilder execdHeaders(RequestPatternBuilder request) {
        return request.withHeader(ExecdServer.ENDPOINT_HEADER, equalTo(ExecdServer.ENDPOINT_TOKEN))
                .withHeader("OPEN-SANDBOX-API-KEY", absent());
    }

    private static String error(String code, String message) {
        return "{\"code\":\"" + code + "\",\"message\":\"" + message + "\"}";
    }

    @Test
    void createContext_postsTheLanguageOnly_andReadsTheContext() {
        EXECD.server()
                .stubFor(post(urlEqualTo(CODE + "/context"))
                        .willReturn(okJson("{\"id\":\"ctx-1\",\"language\":\"python\",\"future\":true}")));

        CodeContext context = interpreter.createContext(SupportedLanguage.PYTHON);

        assertThat(context).isEqualTo(CodeContext.of("ctx-1", "python"));
        assertThat(context.cwd()).isEmpty();
        EXECD.server()
                .verify(execdHeaders(postRequestedFor(urlEqualTo(CODE + "/context")))
                        .withHeader("Content-Type", equalTo("application/json"))
                        .withRequestBody(equalToJson("{\"language\":\"python\"}", false, false)));
    }

    @Test
    void createContext_withCwd_sendsIt_andKeepsTheAnsweredCwd() {
        EXECD.server()
                .stubFor(post(urlEqualTo(CODE + "/context"))
                        .willReturn(okJson("{\"id\":\"ctx-2\",\"language\":\"bash\",\"cwd\":\"/workspace/a\"}")));

        CodeContext context = interpreter.createContext(SupportedLanguage.BASH, "/workspace/a");

        assertThat(context.id()).isEqualTo("ctx-2");
        assertThat(context.language()).isEqualTo("bash");
        assertThat(context.cwd()).contains("/workspace/a");
        EXECD.server()
                .verify(postRequestedFor(urlEqualTo(CODE + "/context"))
                        .withRequestBody(equalToJson("{\"language\":\"bash\",\"cwd\":\"/workspace/a\"}")));
    }

    @Test
    void createContext_forALanguageWithoutKernel_failsWithExecdsRuntimeError() {
        EXECD.server()
                .stubFor(post(urlEqualTo(CODE + "/context"))
                        .willReturn(aResponse()
                                .withStatus(500)
                                .withHeader("Content-Type", "application/json")
                                .withHeader("X-Request-ID", "req-77")
                                .withBody(
                                        error("RUNTIME_ERROR", "error creating code context. no kernel specs found"))));

        assertThatThrownBy(() -> interpreter.createContext("cobol"))
                .isInstanceOfSatisfying(SandboxApiException.class, e -> {
                    assertThat(e.statusCode()).isEqualTo(500);
                    assertThat(e.error().code()).isEqualTo("RUNTIME_ERROR");
                    assertThat(e.error().message()).contains("no kernel specs found");
                    assertThat(e.requestId()).contains("req-77");
                });
    }

    @Test
    void createContext_answerWithoutId_isAnUnexpectedResponse() {
        EXECD.server().stubFor(post(urlEqualTo(CODE + "/context")).willReturn(okJson("{\"language\":\"python\"}")));

        assertThatThrownBy(() -> interpreter.createContext("python"))
                .isInstanceOfSatisfying(
                        SandboxException.class,
                        e -> assertThat(e.error().code()).isEqualTo("UNEXPECTED_RESPONSE"));
    }

    @Test
    void getContext_encodesTheId_andReadsIt() {
        EXECD.server()
                .stubFor(get(urlEqualTo(CODE + "/contexts/a%2Fb%20c"))
                        .willReturn(okJson("{\"id\":\"a/b c\",\"language\":\"python\"}")));

        assertThat(interpreter.getContext("a/b c")).isEqualTo(CodeContext.of("a/b c", "python"));
        EXECD.server()
                .verify(execdHeaders(getRequestedFor(urlEqualTo(CODE + "/contexts/a%2Fb%20c")))
                        .withHeader("Accept", equalTo("application/json")));
    }

    @Test
    void getContext_unknown_isNotFound() {
        EXECD.server()
                .stubFor(get(urlEqualTo(CODE + "/contexts/gone"))
                        .willReturn(aResponse()
                                .withStatus(404)
                                .withHeader("Content-Type", "application/json")
                                .withBody(error("CONTEXT_NOT_FOUND", "context gone not found"))));

        assertThatThrownBy(() -> interpreter.getContext("gone")).isInstanceOfSatisfying(NotFoundException.class, e -> {
            assertThat(e.error().code()).isEqualTo("CONTEXT_NOT_FOUND");
            assertThat(e.error().message()).isEqualTo("context gone not found");
        });
    }

    @Test
    void listContexts_withoutLanguage_asksForAll_withLanguage_filters() {
        EXECD.server()
                .stubFor(get(urlEqualTo(CODE + "/contexts"))
                        .willReturn(
                                okJson("[{\"id\":\"p1\",\"language\":\"python\"},{\"id\":\"b1\",\"language\":\"bash\"},"
                                        + "{\"language\":\"python\"}]")));
        EXECD.server()
                .stubFor(get(urlEqualTo(CODE + "/contexts?language=python"))
                        .willReturn(okJson("[{\"id\":\"p1\",\"language\":\"python\"}]")));

        assertThat(interpreter.listContexts())
                .containsExactly(CodeContext.of("p1", "python"), CodeContext.of("b1", "bash"));
        assertThat(interpreter.listContexts(SupportedLanguage.PYTHON)).containsExactly(CodeContext.of("p1", "python"));
        EXECD.server().verify(execdHeaders(getRequestedFor(urlEqualTo(CODE + "/contexts"))));
        EXECD.server().verify(execdHeaders(getRequestedFor(urlEqualTo(CODE + "/contexts?language=python"))));
    }

    @Test
    void listContexts_ofAnUnsupportedLanguage_failsWithExecdsRuntimeError() {
        EXECD.server()
                .stubFor(get(urlEqualTo(CODE + "/contexts?language=command"))
                        .willReturn(aResponse()
                                .withStatus(500)
                                .withHeader("Content-Type", "application/json")
                                .withBody(error("RUNTIME_ERROR", "unsupported language context operation: command"))));

        assertThatThrownBy(() -> interpreter.listContexts("command"))
                .isInstanceOfSatisfying(
                        SandboxApiException.class,
                        e -> assertThat(e.statusCode()).isEqualTo(500));
    }

    @Test
    void deleteContext_sendsDeleteForTheId_andUnknownIsNotFound() {
        EXECD.server()
                .stubFor(delete(urlEqualTo(CODE + "/contexts/ctx-1"))
                        .willReturn(aResponse().withStatus(200)));
        EXECD.server()
                .stubFor(delete(urlEqualTo(CODE + "/contexts/gone"))
                        .willReturn(aResponse()
                                .withStatus(404)
                                .withHeader("Content-Type", "application/json")
                                .withBody(error("CONTEXT_NOT_FOUND", "context gone not found"))));

        interpreter.deleteContext("ctx-1");

        EXECD.server().verify(execdHeaders(deleteRequestedFor(urlEqualTo(CODE + "/contexts/ctx-1"))));
        assertThatThrownBy(() -> interpreter.deleteContext("gone")).isInstanceOf(NotFoundException.class);
    }

    @Test
    void deleteContexts_sendsTheLanguageAsQuery_andMissingQueryIsABadRequest() {
        EXECD.server()
                .stubFor(delete(urlEqualTo(CODE + "/contexts?language=python"))
                        .willReturn(aResponse().withStatus(200)));
        EXECD.server()
                .stubFor(delete(urlEqualTo(CODE + "/contexts?language=a%26b"))
                        .willReturn(aResponse()
                                .withStatus(400)
                                .withHeader("Content-Type", "application/json")
                                .withBody(error("MISSING_QUERY", "missing query parameter 'language'"))));

        interpreter.deleteContexts(SupportedLanguage.PYTHON);

        EXECD.server().verify(execdHeaders(deleteRequestedFor(urlEqualTo(CODE + "/contexts?language=python"))));
        assertThatThrownBy(() -> interpreter.deleteContexts("a&b"))
                .isInstanceOfSatisfying(SandboxApiException.class, e -> {
                    assertThat(e.statusCode()).isEqualTo(400);
                    assertThat(e.error().code()).isEqualTo("MISSING_QUERY");
                });
    }

    @Test
    void interrupt_sendsDeleteCodeWithTheIdAsQuery_andUnknownIdIsExecds500() {
        EXECD.server()
                .stubFor(delete(urlEqualTo(CODE + "?id=ctx-1"))
                        .willReturn(aResponse().withStatus(200)));
        EXECD.server()
                .stubFor(delete(urlEqualTo(CODE + "?id=nope"))
                        .willReturn(aResponse()
                                .withStatus(500)
                                .withHeader("Content-Type", "application/json")
                                .withBody(
                                        error("RUNTIME_ERROR", "error interruptting code context. no such session"))));

        interpreter.interrupt("ctx-1");

        EXECD.server().verify(execdHeaders(deleteRequestedFor(urlEqualTo(CODE + "?id=ctx-1"))));
        assertThatThrownBy(() -> interpreter.interrupt("nope")).isInstanceOfSatisfying(SandboxApiException.class, e -> {
            assertThat(e.statusCode()).isEqualTo(500);
            assertThat(e.error().code()).isEqualTo("RUNTIME_ERROR");
        });
    }

    @Test
    void blankArguments_failBeforeAnyRequest() {
        EXECD.server().stubFor(any(anyUrl()).willReturn(aResponse().withStatus(500)));

        for (Runnable call : List.<Runnable>of(
                () -> interpreter.createContext(" "),
                () -> interpreter.createContext("python", ""),
                () -> interpreter.getContext(""),
                () -> interpreter.listContexts(" "),
                () -> interpreter.deleteContext(" "),
                () -> interpreter.deleteContexts(""),
                () -> interpreter.interrupt(""))) {
            assertThatThrownBy(call::run).isInstanceOf(InvalidArgumentException.class);
        }
        EXECD.server().verify(0, anyRequestedFor(anyUrl()));
    }
}
