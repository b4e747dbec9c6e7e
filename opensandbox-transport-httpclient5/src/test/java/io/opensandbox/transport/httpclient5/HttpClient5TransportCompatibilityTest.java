package io.opensandbox.transport.httpclient5;

import static org.assertj.core.api.Assertions.assertThat;

import io.opensandbox.api.spi.Transport;
import io.opensandbox.api.spi.TransportOptions;
import io.opensandbox.api.spi.TransportResponse;
import io.opensandbox.transport.tck.BodyCollector;
import io.opensandbox.transport.tck.TestServer;
import io.opensandbox.transport.tck.TransportCompatibilityKit;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Runs the transport compatibility kit against the HttpClient 5 transport, plus its thread checks. */
class HttpClient5TransportCompatibilityTest extends TransportCompatibilityKit {

    @Override
    protected Transport createTransport(TransportOptions options) {
        return new HttpClient5TransportProvider().create(options);
    }

    @Override
    protected boolean releasesRequestBuffers() {
        return true;
    }

    @Override
    protected boolean reusesResponseBuffers() {
        return true;
    }

    @Test
    @Timeout(60)
    void threads_areFewDaemonsNamedForTheTransport_andEndOnClose() throws Exception {
        TestServer server = server((request, response) -> {
            try (OutputStream out = response.stream(200, Map.of(), -1)) {
                io.opensandbox.transport.tck.Pattern.write(out, 512 * 1024, 1, new CRC32(), n -> {});
            }
        });
        List<CompletableFuture<BodyCollector>> bodies = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            BodyCollector collector = new BodyCollector(Long.MAX_VALUE, false);
            bodies.add(transport.send(get(server.uri("/x"))).thenCompose(response -> {
                response.body().subscribe(collector);
                return collector.done();
            }));
        }
        List<Thread> during = transportThreads();
        CompletableFuture.allOf(bodies.toArray(new CompletableFuture<?>[0])).get(30, TimeUnit.SECONDS);
        System.out.println("[hc5] threads while 200 exchanges ran: "
                + during.stream().map(Thread::getName).sorted().toList());
        // two I/O threads, one dispatcher, one timer
        assertThat(during).isNotEmpty().hasSizeLessThanOrEqualTo(4).allMatch(Thread::isDaemon);

        transport.close();
        assertThat(transportThreads()).as("threads left after close").isEmpty();
    }

    @Test
    void provider_isNamedHttpclient5_withPriority100() {
        HttpClient5TransportProvider provider = new HttpClient5TransportProvider();
        assertThat(provider.name()).isEqualTo("httpclient5");
        assertThat(provider.priority()).isEqualTo(100);
        assertThat(transport.name()).isEqualTo("httpclient5");
    }

    @Test
    @Timeout(30)
    void responseHeadersMap_isCaseInsensitiveAndUnmodifiable() throws Exception {
        TestServer server =
                server((request, response) -> response.send(200, Map.of("X-Request-Id", List.of("abc")), new byte[0]));
        try (TransportResponse response = await(transport.send(get(server.uri("/h"))))) {
            assertThat(response.headers().get("x-request-id")).containsExactly("abc");
            assertThat(response.headers().containsKey("X-REQUEST-ID")).isTrue();
        }
    }

    private static List<Thread> transportThreads() {
        List<Thread> threads = new ArrayList<>();
        for (Thread thread : Thread.getAllStackTraces().keySet()) {
            if (thread.getName().startsWith("opensandbox-hc5") && thread.isAlive()) {
                threads.add(thread);
            }
        }
        return threads;
    }
}
