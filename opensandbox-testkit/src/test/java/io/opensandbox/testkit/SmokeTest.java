package io.opensandbox.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class SmokeTest {
    @Test
    void createRunDelete() {
        try (LocalSandboxServer server =
                LocalSandboxServer.builder().gracePeriod(Duration.ofMillis(100)).start()) {
            TestClient c = new TestClient(server);
            String id = c.createSandbox("");
            TestClient.Endpoint ep = c.endpoint(id, 44772, false);
            List<TestClient.Event> events = c.run(ep, "echo hello; ls /; id; echo err >&2");
            System.out.println(events);
            assertThat(TestClient.texts(events, "stdout")).contains("hello");
        }
    }
}
