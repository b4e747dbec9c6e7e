package io.opensandbox.pool.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.opensandbox.api.InvalidArgumentException;
import io.opensandbox.pool.PoolStateStore;
import io.opensandbox.pool.PoolStateStoreUnavailableException;
import io.opensandbox.pool.tck.PoolStateStoreContract;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** The store contract on the machine's Redis, plus what only the Redis store has. */
class RedisPoolStateStoreTest extends PoolStateStoreContract {
    private static final RedisPoolStateStore STORE = LocalRedis.sharedStore();

    @AfterAll
    static void closeStore() {
        STORE.close();
    }

    @Override
    protected PoolStateStore store() {
        return STORE;
    }

    @Test
    void keys_followTheOfficialLayout() {
        RedisPoolStateStore store = RedisPoolStateStore.builder().build();
        try (store) {
            assertThat(store.keyPrefix()).isEqualTo("opensandbox:pool");
            // base64url of the UTF-8 bytes, unpadded: "demo-pool" -> ZGVtby1wb29s; "ab?>" -> YWI_Pg
            assertThat(store.key("demo-pool", "idle:list")).isEqualTo("opensandbox:pool:{ZGVtby1wb29s}:idle:list");
            assertThat(store.key("ab?>", "lock")).isEqualTo("opensandbox:pool:{YWI_Pg}:lock");
        }
    }

    @Test
    void unreachableRedis_failsTyped() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            closedPort = socket.getLocalPort();
        }
        try (RedisPoolStateStore store = RedisPoolStateStore.builder()
                .port(closedPort)
                .connectTimeout(Duration.ofMillis(300))
                .build()) {
            assertThatThrownBy(() -> store.takeIdle("p", Duration.ZERO))
                    .isInstanceOf(PoolStateStoreUnavailableException.class)
                    .hasMessageContaining("takeIdle")
                    .hasMessageContaining("127.0.0.1:" + closedPort);
            assertThat(new PoolStateStoreUnavailableException("x", null).isRetryable())
                    .isTrue();
        }
    }

    @Test
    void builder_rejectsBadSettings_andNeverShowsThePassword() {
        assertThatThrownBy(() -> RedisPoolStateStore.builder().port(0)).isInstanceOf(InvalidArgumentException.class);
        assertThatThrownBy(() -> RedisPoolStateStore.builder().uri("http://x"))
                .isInstanceOf(InvalidArgumentException.class);
        assertThatThrownBy(() -> RedisPoolStateStore.builder().uri("redis://u:s3cret@h:1/x"))
                .isInstanceOf(InvalidArgumentException.class)
                .hasMessageNotContaining("s3cret");
        assertThatThrownBy(() -> RedisPoolStateStore.builder().keyPrefix(" "))
                .isInstanceOf(InvalidArgumentException.class);
        assertThatThrownBy(() -> RedisPoolStateStore.builder().maxConnections(0))
                .isInstanceOf(InvalidArgumentException.class);
        assertThatThrownBy(() -> RedisPoolStateStore.builder().socketTimeout(Duration.ZERO))
                .isInstanceOf(InvalidArgumentException.class);
        try (RedisPoolStateStore store = RedisPoolStateStore.builder()
                .uri("redis://user:s3cret@127.0.0.1:6380/2")
                .build()) {
            assertThat(store.toString())
                    .contains("127.0.0.1:6380/2")
                    .doesNotContain("s3cret")
                    .doesNotContain("user");
        }
    }
}
