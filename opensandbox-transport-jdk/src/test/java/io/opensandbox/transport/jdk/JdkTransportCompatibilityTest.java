package io.opensandbox.transport.jdk;

import static org.assertj.core.api.Assertions.assertThat;

import io.opensandbox.api.spi.Transport;
import io.opensandbox.api.spi.TransportOptions;
import io.opensandbox.api.spi.TransportResponse;
import io.opensandbox.transport.tck.BodyCollector;
import io.opensandbox.transport.tck.Pattern;
import io.opensandbox.transport.tck.TestServer;
import io.opensandbox.transport.tck.TransportCompatibilityKit;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Runs the transport compatibility kit against the JDK transport, plus its thread checks. */
class JdkTransportCompatibilityTest extends TransportCompatibilityKit {

    @Override
    protected Transport createTransport(TransportOptions options) {
        return new JdkTransportProvider().create(options);
    }

    @Test
    @Timeout(60)
    void threads_areFewDaemonsNamedForTheTransport_andEndOnClose() throws Exception {
        TestServer server = server((request, response) -> {
            try (OutputStream out = response.stream(200, Map.of(), -1)) {
                Pattern.write(out, 512 * 1024, 1, new CRC32(), n -> {});
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
        List<Thread> during = threads("opensandbox-jdk-");
        CompletableFuture.allOf(bodies.toArray(new CompletableFuture<?>[0])).get(30, TimeUnit.SECONDS);
        System.out.println("[jdk] threads while 200 exchanges ran: "
                + during.stream().map(Thread::getName).sorted().toList());
        // at most four workers and one timer
        assertThat(during).isNotEmpty().hasSizeLessThanOrEqualTo(5).allMatch(Thread::isDaemon);

        transport.close();
        assertThat(threads("opensandbox-jdk-")).as("threads left after close").isEmpty();
    }

    @Test
    @Timeout(60)
    void theJdkSelectorThread_endsAfterClose_onJava17OnceTheClientIsCollected() throws Exception {
        TestServer server = server((request, response) -> {
            request.readBody();
            response.send(200, Map.of(), "{}".getBytes(StandardCharsets.UTF_8));
        });
        List<Thread> before = threads("HttpClient-");
        Transport own = createTransport(options());
        try (TransportResponse response = await(own.send(get(server.uri("/one"))))) {
            assertThat(response.statusCode()).isEqualTo(200);
        }
        List<Thread> selector = threads("HttpClient-");
        selector.removeAll(before);
        assertThat(selector)
                .as("java.net.http runs one selector thread per client")
                .singleElement()
                .matches(Thread::isDaemon);
        own.close();
        own = null;
        // Java 17 has no HttpClient.close(): the selector thread ends once the dropped client is collected
        // (on Java 21+ the transport calls shutdownNow() and the thread is already ending)
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (selector.get(0).isAlive() && System.nanoTime() < deadline) {
            System.gc();
            selector.get(0).join(200);
        }
        System.out.println("[jdk] selector thread " + selector.get(0).getName() + " alive after close and GC: "
                + selector.get(0).isAlive());
        assertThat(selector.get(0).isAlive())
                .as("the selector thread of a closed, unreferenced client")
                .isFalse();
    }

    @Test
    void provider_isNamedJdk_withPriority50() {
        JdkTransportProvider provider = new JdkTransportProvider();
        assertThat(provider.name()).isEqualTo("jdk");
        assertThat(provider.priority()).isEqualTo(50);
        assertThat(transport.name()).isEqualTo("jdk");
    }

    private static List<Thread> threads(String prefix) {
        List<Thread> threads = new ArrayList<>();
        for (Thread thread : Thread.getAllStackTraces().keySet()) {
            if (thread.getName().startsWith(prefix) && thread.isAlive()) {
                threads.add(thread);
            }
        }
        return threads;
    }
}
