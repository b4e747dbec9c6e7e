package io.opensandbox.pool.redis;

import static io.opensandbox.pool.tck.PoolTesting.await;
import static io.opensandbox.pool.tck.PoolTesting.running;
import static org.assertj.core.api.Assertions.assertThat;

import io.opensandbox.api.ConnectionConfig;
import io.opensandbox.pool.IdleEntry;
import io.opensandbox.testkit.LocalSandboxExtension;
import io.opensandbox.testkit.LocalSandboxServer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.RedisClient;

/** Pools in separate JVMs on the machine's Redis and one testkit server. */
class MultiProcessPoolTest {
    /** Only lifecycle calls reach it (no command runs), so it needs no isolation, which makes creates cheap. */
    private static LocalSandboxServer server;

    private static ConnectionConfig config;

    @BeforeAll
    static void startServer() {
        server = LocalSandboxServer.builder()
                .isolation(LocalSandboxServer.Isolation.UNISOLATED)
                .start();
        config = LocalSandboxExtension.config(server);
    }

    @AfterAll
    static void stopServer() {
        server.close();
    }

    private static final Duration WAIT = Duration.ofSeconds(60);

    private final String pool = "multi-" + UUID.randomUUID();
    private final List<Node> nodes = new ArrayList<>();
    private final RedisPoolStateStore store = RedisPoolStateStore.builder().build();
    private final RedisClient raw = RedisClient.create(LocalRedis.HOST, LocalRedis.SHARED_PORT);

    /** One child JVM and the lines it printed. */
    private static final class Node {
        private final Process process;
        private final List<String> lines = new CopyOnWriteArrayList<>();
        private final Thread reader;

        private Node(Process process) {
            this.process = process;
            this.reader = new Thread(() -> {
                try (BufferedReader in =
                        new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                    for (String line = in.readLine(); line != null; line = in.readLine()) {
                        lines.add(line);
                    }
                } catch (IOException e) {
                    lines.add("READ FAILED " + e);
                }
            });
            reader.setDaemon(true);
            reader.start();
        }

        List<String> leased() {
            return lines.stream()
                    .filter(l -> l.startsWith("LEASED "))
                    .map(l -> l.substring(7))
                    .toList();
        }

        boolean finished() throws InterruptedException {
            boolean exited = process.waitFor(300, TimeUnit.SECONDS);
            reader.join(5_000);
            return exited && process.exitValue() == 0 && lines.contains("DONE");
        }
    }

    private Node start(String owner, String... modeArgs) throws IOException {
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m",
                "-XX:TieredStopAtLevel=1",
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
                "-cp",
                classpath,
                PoolWorker.class.getName(),
                Integer.toString(LocalRedis.SHARED_PORT),
                config.domain(),
                pool,
                owner));
        command.addAll(List.of(modeArgs));
        Process process = new ProcessBuilder(command)
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        Node node = new Node(process);
        nodes.add(node);
        return node;
    }

    @AfterEach
    void stopNodesAndCleanUp() throws InterruptedException {
        for (Node node : nodes) {
            node.process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        for (IdleEntry entry : store.idleEntries(pool)) {
            store.removeIdle(pool, entry.sandboxId());
        }
        raw.del(store.key(pool, "lock"), store.key(pool, "maxIdle"), store.key(pool, "idleTtlMillis"));
        store.close();
        raw.close();
    }

    /** Whether every running sandbox of the pool is in its idle list: none leaked, none leased and forgotten. */
    private boolean onlyIdleRunning() {
        Set<String> idle = new HashSet<>();
        store.idleEntries(pool).forEach(e -> idle.add(e.sandboxId()));
        return idle.containsAll(running(config, pool));
    }

    @Test
    void threePools_500ConcurrentAcquires_neverLeaseASandboxTwice() throws Exception {
        Node a = start("node-a", "acquire", "167", "8");
        Node b = start("node-b", "acquire", "167", "8");
        Node c = start("node-c", "acquire", "166", "8");
        assertThat(a.finished()).as("node a: %s", a.lines).isTrue();
        assertThat(b.finished()).as("node b: %s", b.lines).isTrue();
        assertThat(c.finished()).as("node c: %s", c.lines).isTrue();
        List<String> all = new ArrayList<>();
        all.addAll(a.leased());
        all.addAll(b.leased());
        all.addAll(c.leased());
        Set<String> distinct = new HashSet<>(all);
        assertThat(all).hasSize(500);
        assertThat(distinct).hasSize(500);
        // the three nodes shared the work of one idle list, filled by whichever was primary
        assertThat(a.leased()).hasSize(167);
        // nothing leased stays alive: every running sandbox of the pool is idle in Redis
        assertThat(await(WAIT, () -> onlyIdleRunning())).isTrue();
        assertThat(distinct).doesNotContainAnyElementsOf(running(config, pool));
    }

    @Test
    void whenThePrimaryJvmIsKilled_anotherNodeTakesTheLockAndReplenishes() throws Exception {
        String lockKey = store.key(pool, "lock");
        Node first = start("node-first", "serve");
        assertThat(await(WAIT, () -> "node-first".equals(raw.get(lockKey)))).isTrue();
        Node second = start("node-second", "serve");
        assertThat(await(WAIT, () -> second.lines.contains("STARTED"))).isTrue();
        assertThat(await(WAIT, () -> store.idleCount(pool) == 24)).isTrue();
        // the second node never became primary while the first lived
        assertThat(raw.get(lockKey)).isEqualTo("node-first");
        first.process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        assertThat(await(WAIT, () -> "node-second".equals(raw.get(lockKey)))).isTrue();
        // the new primary replaces what is taken
        for (int i = 0; i < 5; i++) {
            String taken = store.takeIdle(pool, Duration.ZERO).sandboxId().orElseThrow();
            assertThat(taken).isNotBlank();
        }
        assertThat(await(WAIT, () -> store.idleCount(pool) == 24)).isTrue();
        second.process.getOutputStream().close();
        assertThat(second.finished()).isTrue();
    }

    @Test
    void closingANodeKillsItsLeases_andLeavesOnlyIdleSandboxesRunning() throws Exception {
        Node holder = start("node-holder", "hold", "3");
        assertThat(holder.finished()).as("holder: %s", holder.lines).isTrue();
        List<String> leased = holder.leased();
        assertThat(leased).hasSize(3);
        // a create cut short by close is killed as soon as the server answers it: wait for that, bounded
        assertThat(await(WAIT, () -> onlyIdleRunning())).isTrue();
        assertThat(running(config, pool)).doesNotContainAnyElementsOf(leased);
    }
}
