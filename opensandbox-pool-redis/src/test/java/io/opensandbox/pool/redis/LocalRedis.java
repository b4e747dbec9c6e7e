package io.opensandbox.pool.redis;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * Redis for the tests: the machine's Redis on 127.0.0.1:6379 (which {@code .ci/run} starts when none answers), or a
 * private {@code redis-server} on a free loopback port, without persistence, that a test may stop and start again.
 */
@SuppressWarnings("try") // a socket opened only to see whether the port answers
final class LocalRedis implements AutoCloseable {
    static final String HOST = "127.0.0.1";
    static final int SHARED_PORT = 6379;

    private final int port;
    private final Path dir;
    private Process process;

    private LocalRedis(int port, Path dir) throws IOException {
        this.port = port;
        this.dir = dir;
        this.process = launch();
    }

    /** A store on the machine's Redis with a key prefix no other test uses. */
    static RedisPoolStateStore sharedStore() {
        return RedisPoolStateStore.builder()
                .host(HOST)
                .port(SHARED_PORT)
                .keyPrefix("opensandbox-test:" + UUID.randomUUID())
                .build();
    }

    /** Starts a private Redis server on a free port. */
    static LocalRedis startPrivate() throws IOException {
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(HOST))) {
            port = socket.getLocalPort();
        }
        return new LocalRedis(port, Files.createTempDirectory("pool-redis-"));
    }

    int port() {
        return port;
    }

    private Process launch() throws IOException {
        Process started = new ProcessBuilder(List.of(
                        "redis-server",
                        "--bind",
                        HOST,
                        "--port",
                        Integer.toString(port),
                        "--save",
                        "",
                        "--appendonly",
                        "no",
                        "--dir",
                        dir.toString()))
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("redis.log").toFile())
                .start();
        for (int i = 0; i < 200; i++) {
            try (Socket socket = new Socket(HOST, port)) {
                return started;
            } catch (IOException notYet) {
                sleep(25);
            }
        }
        started.destroyForcibly();
        throw new IOException("redis-server did not start on port " + port);
    }

    /** Stops the server and waits until it is gone. */
    void stop() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    /** Starts the server again on the same port, empty (nothing is kept on disk). */
    void restart() throws IOException {
        process = launch();
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        try {
            stop();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
