package io.opensandbox.resilience;

import static org.assertj.core.api.Assertions.assertThat;

import io.opensandbox.api.ConnectionConfig;
import io.opensandbox.commands.Commands;
import io.opensandbox.commands.Execution;
import io.opensandbox.commands.ExecutionHandlers;
import io.opensandbox.commands.OutputMessage;
import io.opensandbox.commands.RunOptions;
import io.opensandbox.lifecycle.Sandbox;
import io.opensandbox.resilience.support.SdkResources;
import io.opensandbox.testkit.LocalSandboxExtension;
import io.opensandbox.testkit.LocalSandboxServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Many sandboxes, each streaming a command, concurrently through one shared config (one transport, one pool):
 * every output complete and in order, the number of SDK threads bounded. 20 sandboxes, or 200 with
 * {@code -Dopensandbox.resilience.long=true}.
 */
@ExtendWith(LocalSandboxExtension.class)
@Timeout(600)
class LoadTest {
    private static final String COMMAND = "for i in $(seq 1 20); do echo $i; done";
    private static final String EXPECTED =
            IntStream.rangeClosed(1, 20).mapToObj(Integer::toString).collect(Collectors.joining("\n"));

    @Test
    void manySandboxesStreamingAtOnce_throughOnePool_allOutputsCompleteAndThreadsBounded(
            ConnectionConfig base, LocalSandboxServer server) throws Exception {
        int count = SdkResources.longForm() ? 200 : 20;
        ConnectionConfig config = base.toBuilder()
                .requestTimeout(Duration.ofSeconds(60))
                .streamIdleTimeout(Duration.ofSeconds(60))
                .build();
        AtomicInteger maxSdkThreads = new AtomicInteger();
        AtomicInteger maxConnections = new AtomicInteger();
        Set<String> namesSeen = new ConcurrentSkipListSet<>();
        AtomicBoolean sampling = new AtomicBoolean(true);
        Thread sampler = new Thread(
                () -> {
                    while (sampling.get()) {
                        List<String> names = SdkResources.threads(SdkResources.SDK_PREFIX);
                        namesSeen.addAll(names);
                        maxSdkThreads.accumulateAndGet(names.size(), Math::max);
                        maxConnections.accumulateAndGet(SdkResources.clientConnections(server.port()), Math::max);
                        SdkResources.sleep(20);
                    }
                },
                "load-sampler");
        sampler.setDaemon(true);
        sampler.start();

        long start = System.nanoTime();
        List<CompletableFuture<Sandbox>> creating = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            creating.add(
                    Sandbox.builder().image("ubuntu").connectionConfig(config).createAsync());
        }
        List<Sandbox> sandboxes = new ArrayList<>();
        for (CompletableFuture<Sandbox> future : creating) {
            sandboxes.add(future.get(300, TimeUnit.SECONDS));
        }
        long created = System.nanoTime();
        try {
            List<List<String>> seen = new ArrayList<>();
            List<CompletableFuture<Execution>> running = new ArrayList<>();
            for (Sandbox sandbox : sandboxes) {
                List<String> lines = new CopyOnWriteArrayList<>();
                seen.add(lines);
                running.add(Commands.of(sandbox).runAsync(COMMAND, RunOptions.defaults(), new ExecutionHandlers() {
                    @Override
                    public void onStdout(OutputMessage message) {
                        lines.add(message.text());
                    }
                }));
            }
            for (int i = 0; i < count; i++) {
                Execution execution = running.get(i).get(300, TimeUnit.SECONDS);
                assertThat(execution.stdoutText()).as("output of sandbox %d", i).isEqualTo(EXPECTED);
                assertThat(execution.exitCode()).hasValue(0);
                assertThat(String.join("\n", seen.get(i)))
                        .as("streamed lines of sandbox %d", i)
                        .isEqualTo(EXPECTED);
            }
        } finally {
            List<CompletableFuture<?>> killing = new ArrayList<>();
            for (Sandbox sandbox : sandboxes) {
                killing.add(CompletableFuture.runAsync(sandbox::kill).whenComplete((ok, failure) -> sandbox.close()));
            }
            CompletableFuture.allOf(killing.toArray(new CompletableFuture<?>[0]))
                    .get(300, TimeUnit.SECONDS);
        }
        long finished = System.nanoTime();
        sampling.set(false);
        sampler.join(5_000);

        List<String> left = SdkResources.awaitNoOwnedThreads(Duration.ofSeconds(10));
        int connectionsLeft = SdkResources.awaitAtMost(
                () -> SdkResources.clientConnections(server.port()), 0, Duration.ofSeconds(10));
        System.out.printf(
                Locale.ROOT,
                "%nload: %d sandboxes created concurrently in %d ms, %d streaming commands and kills in %d ms; at"
                        + " most %d SDK threads and %d client connections at once; %d SDK threads and %d connections"
                        + " left after close; SDK threads seen: %s%n",
                count,
                (created - start) / 1_000_000,
                count,
                (finished - created) / 1_000_000,
                maxSdkThreads.get(),
                maxConnections.get(),
                left.size(),
                connectionsLeft,
                namesSeen);
        assertThat(left).isEmpty();
        assertThat(connectionsLeft).isZero();
        // a few I/O threads, the handler pool and the files pools: independent of the number of sandboxes
        assertThat(maxSdkThreads.get()).isLessThanOrEqualTo(16);
    }
}
