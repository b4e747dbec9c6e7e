package io.opensandbox.pty;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.delete;
import static com.github.tomakehurst.wiremock.client.WireMock.deleteRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.opensandbox.api.ConflictException;
import io.opensandbox.api.NotFoundException;
import io.opensandbox.api.SandboxError;
import io.opensandbox.api.SandboxException;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The exact REST requests, the handshake request, and how execd's refusals come out. */
@Timeout(30)
class PtyWireTest {
    @RegisterExtension
    static final ExecdServer EXECD = new ExecdServer();

    private static final String PTY = ExecdServer.PREFIX + "/pty";
    private static final String ID = "9b1deb4d-3b7d-4bad-9bdd-2b0d7b3dcb6d";

    private final Pty pty = Pty.of(EXECD.handle());

    private static com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder json(int status, String name) {
        return aResponse()
                .withStatus(status)
                .withHeader("Content-Type", "application/json; charset=utf-8")
                .withBody(RecordedFrames.text(name));
    }

    @Test
    void create_postsCwdAndCommand_withEndpointHeaders_andNoApiKey() {
        EXECD.server().stubFor(post(urlEqualTo(PTY)).willReturn(json(201, "http.201.created")));

        PtySession session = pty.create(CreatePtyOptions.builder()
                .workingDirectory("/tmp")
                .command("top")
                .mode(PtyMode.PIPE)
                .build());

        assertThat(session.id()).isEqualTo(ID);
        assertThat(session.mode()).isEqualTo(PtyMode.PIPE);
        EXECD.server()
                .verify(postRequestedFor(urlEqualTo(PTY))
                        .withHeader(ExecdServer.ENDPOINT_HEADER, equalTo(ExecdServer.ENDPOINT_TOKEN))
                        .withHeader("OPEN-SANDBOX-API-KEY", absent())
                        .withRequestBody(equalToJson("{\"cwd\":\"/tmp\",\"command\":\"top\"}", false, false)));
        assertThat(EXECD.operations).containsExactly("pty.create");
    }

    @Test
    void create_withDefaults_sendsAnEmptyObject() {
        EXECD.server().stubFor(post(urlEqualTo(PTY)).willReturn(json(201, "http.201.created")));

        PtySession session = pty.create();

        assertThat(session.mode()).isEqualTo(PtyMode.PTY);
        EXECD.server().verify(postRequestedFor(urlEqualTo(PTY)).withRequestBody(equalToJson("{}")));
    }

    @Test
    void create_onExecdWithoutPty_isUnsupported_andSaysWhichVersion() {
        EXECD.server()
                .stubFor(post(urlEqualTo(PTY))
                        .willReturn(aResponse()
                                .withStatus(404)
                                .withHeader("Content-Type", "text/plain")
                                .withBody("404 page not found")));

        assertThatThrownBy(() -> pty.create())
                .isInstanceOfSatisfying(
                        SandboxException.class,
                        e -> assertThat(e.error().code()).isEqualTo(SandboxError.UNSUPPORTED))
                .hasMessageContaining("v1.0.10");
    }

    @Test
    void create_onWindowsExecd_isUnsupported() {
        EXECD.server().stubFor(post(urlEqualTo(PTY)).willReturn(json(501, "http.501.not_supported")));

        assertThatThrownBy(() -> pty.create())
                .isInstanceOfSatisfying(
                        SandboxException.class,
                        e -> assertThat(e.error().code()).isEqualTo(SandboxError.UNSUPPORTED));
    }

    @Test
    void create_withoutASessionId_isAnUnexpectedResponse() {
        EXECD.server()
                .stubFor(post(urlEqualTo(PTY))
                        .willReturn(aResponse()
                                .withStatus(201)
                                .withHeader("Content-Type", "application/json")
                                .withBody("{}")));

        assertThatThrownBy(() -> pty.create())
                .isInstanceOfSatisfying(
                        SandboxException.class,
                        e -> assertThat(e.error().code()).isEqualTo(SandboxError.UNEXPECTED_RESPONSE));
    }

    @Test
    void getStatus_readsRunningAndOffset() {
        EXECD.server().stubFor(get(urlEqualTo(PTY + "/" + ID)).willReturn(json(200, "http.200.status")));

        PtyStatus status = pty.session(ID, PtyMode.PTY).status();

        assertThat(status.sessionId()).isEqualTo(ID);
        assertThat(status.running()).isTrue();
        assertThat(status.outputOffset()).isEqualTo(1234);
        assertThat(EXECD.operations).containsExactly("pty.status");
    }

    @Test
    void getStatus_ofAnUnknownSession_isNotFound() {
        EXECD.server().stubFor(get(urlEqualTo(PTY + "/nope")).willReturn(json(404, "http.404.not_found")));

        assertThatThrownBy(() -> pty.getStatus("nope"))
                .isInstanceOfSatisfying(
                        NotFoundException.class,
                        e -> assertThat(e.error().code()).isEqualTo("CONTEXT_NOT_FOUND"));
    }

    @Test
    void delete_sendsDelete_withTheIdAsOneSegment() {
        EXECD.server()
                .stubFor(delete(urlEqualTo(PTY + "/a%2Fb"))
                        .willReturn(aResponse()
                                .withStatus(200)
                                .withHeader("Content-Type", "application/json")
                                .withBody("null")));

        pty.delete("a/b");

        EXECD.server().verify(deleteRequestedFor(urlEqualTo(PTY + "/a%2Fb")));
        assertThat(EXECD.operations).containsExactly("pty.delete");
    }

    @Test
    void attach_sendsTheQuery_andAnAttachedSession_isAConflictThatSaysHowToTakeOver() {
        EXECD.server()
                .stubFor(get(urlPathEqualTo(PTY + "/" + ID + "/ws"))
                        .willReturn(json(409, "http.409.already_connected")));

        PtySession session = pty.session(ID, PtyMode.PIPE);
        assertThatThrownBy(() -> session.attach(AttachOptions.builder().since(7).build(), new PtyListener() {}))
                .isInstanceOfSatisfying(ConflictException.class, e -> {
                    assertThat(e.error().code()).isEqualTo("ALREADY_CONNECTED");
                    assertThat(e.getMessage()).contains("takeover(true)");
                });
        EXECD.server()
                .verify(getRequestedFor(urlEqualTo(PTY + "/" + ID + "/ws?pty=0&since=7"))
                        .withHeader(ExecdServer.ENDPOINT_HEADER, equalTo(ExecdServer.ENDPOINT_TOKEN))
                        .withHeader("OPEN-SANDBOX-API-KEY", absent()));
        assertThat(EXECD.operations).containsExactly("pty.attach");
    }

    @Test
    void takeover_refusedBeforeTheUpgrade_meansAnExecdWithoutTakeover() {
        EXECD.server()
                .stubFor(get(urlPathEqualTo(PTY + "/" + ID + "/ws"))
                        .willReturn(json(409, "http.409.already_connected")));

        RecordingListener listener = new RecordingListener();
        assertThatThrownBy(() -> pty.session(ID, PtyMode.PTY)
                        .attach(AttachOptions.builder().takeover(true).build(), listener))
                .isInstanceOf(ConflictException.class)
                .hasMessageContaining("predates takeover");
        EXECD.server().verify(getRequestedFor(urlEqualTo(PTY + "/" + ID + "/ws?takeover=1")));
        assertThat(listener.disconnect.reason()).isEqualTo(PtyDisconnect.Reason.FAILED);
    }

    @Test
    void attach_toAnUnknownSession_isNotFound() {
        EXECD.server().stubFor(get(urlPathEqualTo(PTY + "/nope/ws")).willReturn(json(404, "http.404.not_found")));

        assertThatThrownBy(() -> pty.session("nope", PtyMode.PTY).attachStreams(AttachOptions.defaults()))
                .isInstanceOf(NotFoundException.class)
                .hasMessageContaining("pty session nope not found");
    }

    @Test
    void attachAsync_failsItsFuture_likeAttachThrows() {
        EXECD.server().stubFor(get(urlPathEqualTo(PTY + "/nope/ws")).willReturn(json(404, "http.404.not_found")));

        assertThat(pty.session("nope", PtyMode.PTY).attachAsync(AttachOptions.defaults(), new PtyListener() {}))
                .failsWithin(Duration.ofSeconds(10))
                .withThrowableThat()
                .havingRootCause()
                .isInstanceOf(NotFoundException.class);
    }
}
