package io.opensandbox.lifecycle;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static io.opensandbox.lifecycle.WireTestSupport.API_KEY;
import static io.opensandbox.lifecycle.WireTestSupport.ENDPOINT_TOKEN;
import static io.opensandbox.lifecycle.WireTestSupport.config;
import static io.opensandbox.lifecycle.WireTestSupport.sandboxJson;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import io.opensandbox.api.CallEnd;
import io.opensandbox.api.CallListener;
import io.opensandbox.api.CallObserver;
import io.opensandbox.api.CallOutcome;
import io.opensandbox.api.CallStart;
import io.opensandbox.api.ConnectionConfig;
import io.opensandbox.api.NotFoundException;
import io.opensandbox.api.RetryPolicy;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The {@link CallListener} hook on the wire: what it is told, on which threads, and that it cannot break a call. */
@Timeout(30)
class CallListenerWireTest {
    @RegisterExtension
    static WireMockExtension server = WireTestSupport.server();

    /** Records every event with the thread it ran on. */
    static final class Recorder implements CallListener {
        final List<String> events = new CopyOnWriteArrayList<>();
        final List<CallEnd> ends = new CopyOnWriteArrayList<>();
        final List<String> threads = new CopyOnWriteArrayList<>();
        final CountDownLatch ended;

        Recorder(int calls) {
            this.ended = new CountDownLatch(calls);
        }

        @Override
        public CallObserver callStarted(CallStart start) {
            events.add("start " + start.operation() + " " + start.sandboxId().orElse("-"));
            threads.add(Thread.currentThread().getName());
            return new CallObserver() {
                @Override
                public void attemptStarted(int attempt) {
                    events.add("attempt " + attempt);
                    threads.add(Thread.currentThread().getName());
                }

                @Override
                public void callEnded(CallEnd end) {
                    events.add("end " + end.operation() + " " + end.outcome());
                    threads.add(Thread.currentThread().getName());
                    ends.add(end);
                    ended.countDown();
                }
            };
        }
    }

    private static ConnectionConfig observed(CallListener listener) {
        return config(server).toBuilder().callListener(listener).build();
    }

    @Test
    void aCall_isToldStartAttemptAndEnd_withStatusBytesAndDuration() throws InterruptedException {
        server.stubFor(get(urlPathEqualTo("/v1/sandboxes/sb-1")).willReturn(okJson(sandboxJson("sb-1", "Running"))));
        Recorder recorder = new Recorder(1);
        try (SandboxManager manager = SandboxManager.create(observed(recorder))) {
            assertThat(manager.getSandboxInfo("sb-1").id()).isEqualTo("sb-1");
        }
        assertThat(recorder.ended.await(5, TimeUnit.SECONDS)).isTrue();
        assertThat(recorder.events)
                .containsExactly("start sandbox.getInfo sb-1", "attempt 1", "end sandbox.getInfo SUCCESS");
        CallEnd end = recorder.ends.get(0);
        assertThat(end.attempts()).isEqualTo(1);
        assertThat(end.retries()).isZero();
        assertThat(end.status()).hasValue(200);
        assertThat(end.bytesReceived()).isEqualTo(sandboxJson("sb-1", "Running").length());
        assertThat(end.duration()).isPositive();
        assertThat(end.failure()).isEmpty();
    }

    @Test
    void aFailedCall_endsAsFailureWithItsStatusAndException() throws InterruptedException {
        server.stubFor(get(urlPathEqualTo("/v1/sandboxes/gone"))
                .willReturn(aResponse()
                        .withStatus(404)
                        .withHeader("Content-Type", "application/json")
                        .withBody("{\"code\":\"SANDBOX_NOT_FOUND\",\"message\":\"no such sandbox\"}")));
        Recorder recorder = new Recorder(1);
        try (SandboxManager manager = SandboxManager.create(observed(recorder))) {
            assertThatThrownBy(() -> manager.getSandboxInfo("gone")).isInstanceOf(NotFoundException.class);
        }
        assertThat(recorder.ended.await(5, TimeUnit.SECONDS)).isTrue();
        CallEnd end = recorder.ends.get(0);
        assertThat(end.outcome()).isEqualTo(CallOutcome.FAILURE);
        assertThat(end.status()).hasValue(404);
        assertThat(end.failure()).get().isInstanceOf(NotFoundException.class);
    }

    @Test
    void aRetriedCall_countsEveryAttempt() throws InterruptedException {
        server.stubFor(get(urlPathEqualTo("/v1/sandboxes/sb-2"))
                .inScenario("retry")
                .whenScenarioStateIs(Scenario.STARTED)
                .willReturn(aResponse().withStatus(503).withHeader("Retry-After", "0"))
                .willSetStateTo("up"));
        server.stubFor(get(urlPathEqualTo("/v1/sandboxes/sb-2"))
                .inScenario("retry")
                .whenScenarioStateIs("up")
                .willReturn(okJson(sandboxJson("sb-2", "Running"))));
        Recorder recorder = new Recorder(1);
        ConnectionConfig config = observed(recorder).toBuilder()
                .retryPolicy(RetryPolicy.builder()
                        .maxRetries(2)
                        .initialBackoff(Duration.ofMillis(10))
                        .build())
                .build();
        try (SandboxManager manager = SandboxManager.create(config)) {
            assertThat(manager.getSandboxInfo("sb-2").id()).isEqualTo("sb-2");
        }
        assertThat(recorder.ended.await(5, TimeUnit.SECONDS)).isTrue();
        assertThat(recorder.events).containsSubsequence("attempt 1", "attempt 2", "end sandbox.getInfo SUCCESS");
        assertThat(recorder.ends.get(0).attempts()).isEqualTo(2);
        assertThat(recorder.ends.get(0).retries()).isEqualTo(1);
        assertThat(recorder.ends.get(0).status()).hasValue(200);
    }

    @Test
    void aListenerThatThrowsEverywhere_breaksNoCall() {
        server.stubFor(get(urlPathEqualTo("/v1/sandboxes/sb-3")).willReturn(okJson(sandboxJson("sb-3", "Running"))));
        CallListener hostile = start -> new CallObserver() {
            @Override
            public void attemptStarted(int attempt) {
                throw new IllegalStateException("attempt");
            }

            @Override
            public void callEnded(CallEnd end) {
                throw new IllegalStateException("end");
            }
        };
        CallListener hostileStart = start -> {
            throw new IllegalStateException("start");
        };
        for (CallListener listener : List.of(hostile, hostileStart)) {
            try (SandboxManager manager = SandboxManager.create(observed(listener))) {
                assertThat(manager.getSandboxInfo("sb-3").id()).isEqualTo("sb-3");
            }
        }
    }

    @Test
    void create_isOneOperation_neverToldOnAnIoThread_andGivenNoSecret() throws Exception {
        WireTestSupport.stubCreate(server, "sb-4");
        WireTestSupport.stubExecd(server, "sb-4");
        Recorder recorder = new Recorder(1);
        try (Sandbox sandbox = Sandbox.builder()
                .image("python:3.12")
                .connectionConfig(observed(recorder))
                .createAsync()
                .get(10, TimeUnit.SECONDS)) {
            assertThat(sandbox.id()).isEqualTo("sb-4");
        }
        assertThat(recorder.ended.await(5, TimeUnit.SECONDS)).isTrue();
        // the endpoint lookup and the readiness ping are part of sandbox.create, not operations of their own
        assertThat(recorder.events)
                .containsExactly("start sandbox.create -", "attempt 1", "end sandbox.create SUCCESS");
        CallEnd create = recorder.ends.stream()
                .filter(end -> end.operation().equals("sandbox.create"))
                .findFirst()
                .orElseThrow();
        assertThat(create.status()).hasValue(202);
        assertThat(create.bytesSent()).isPositive();
        assertThat(recorder.threads).noneMatch(name -> name.contains("-io-") || name.contains("HttpClient"));
        String told = recorder.events + " " + recorder.ends;
        assertThat(told).doesNotContain(API_KEY).doesNotContain(ENDPOINT_TOKEN);
    }
}
