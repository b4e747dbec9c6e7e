package io.opensandbox.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A sandbox's {@code resourceLimits} bound what its commands can take from the machine. */
class ResourceLimitsTest {
    static LocalSandboxServer server;
    static TestClient c;

    @BeforeAll
    static void start() {
        server = LocalSandboxServer.builder().gracePeriod(Duration.ofMillis(50)).start();
        c = new TestClient(server);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static List<String> stdout(String id, String command) {
        return TestClient.texts(c.run(c.endpoint(id, 44772, false), command), "stdout");
    }

    @Test
    void aMemoryLimit_stopsAnAllocationOfTwiceTheLimit() {
        String id = c.createSandbox("\"resourceLimits\":{\"memory\":\"64Mi\"}");
        List<String> out = stdout(
                id,
                "python3 -c \"s = b'x' * (128 << 20); print('allocated', len(s))\" 2>/dev/null; echo exit=$?;"
                        + " python3 -c \"s = b'x' * (16 << 20); print('small', len(s))\"");
        assertThat(out).doesNotContain("allocated 134217728");
        assertThat(out).contains("small 16777216");
        assertThat(out.stream().filter(l -> l.startsWith("exit=")).findFirst().orElseThrow())
                .isNotEqualTo("exit=0");
        c.api("DELETE", "/sandboxes/" + id, null);
    }

    @Test
    void aPidsLimit_stopsAForkLoop_andDeleteCleansUp() throws Exception {
        String marker = "osb-fork-" + UUID.randomUUID();
        String id = c.createSandbox("\"resourceLimits\":{\"pids\":\"50\"}");
        String script = "import os, time  # " + marker + "\n"
                + "n = 0\n"
                + "for i in range(300):\n"
                + "    try:\n"
                + "        pid = os.fork()\n"
                + "    except OSError:\n"
                + "        break\n"
                + "    if pid == 0:\n"
                + "        time.sleep(120)\n"
                + "        os._exit(0)\n"
                + "    n += 1\n"
                + "print(\"started\", n)\n";
        List<String> out = stdout(id, "python3 -c '" + script + "' & wait; ls /proc | grep -c '^[0-9]'");
        assertThat(out).hasSize(2);
        int started = Integer.parseInt(out.get(0).replace("started ", ""));
        assertThat(started).isBetween(1, 49);
        assertThat(Integer.parseInt(out.get(1))).isLessThanOrEqualTo(50);
        assertThat(alive(marker)).isGreaterThan(0);

        c.api("DELETE", "/sandboxes/" + id, null);
        for (int i = 0; i < 100 && alive(marker) > 0; i++) {
            TestClient.sleep(50);
        }
        assertThat(alive(marker)).isZero();
    }

    @Test
    void anEphemeralStorageLimit_boundsTheSizeOfAWrittenFile() {
        String id = c.createSandbox("\"resourceLimits\":{\"ephemeral-storage\":\"1Mi\"}");
        List<String> out =
                stdout(id, "head -c 3000000 /dev/zero > /tmp/big 2>/dev/null; echo exit=$?; stat -c %s /tmp/big");
        assertThat(out).containsExactly("exit=153", "1048576");
        c.api("DELETE", "/sandboxes/" + id, null);
    }

    @Test
    void defaults_applyWhenTheRequestNamesNone() {
        String id = c.createSandbox("");
        // RLIMIT_FSIZE in 1024-byte blocks: 1 GiB (memory and pids defaults are not observable from inside cheaply)
        assertThat(stdout(id, "ulimit -f")).containsExactly("1048576");
        c.api("DELETE", "/sandboxes/" + id, null);
    }

    @Test
    void withoutCgroups_memoryFallsBackToRlimitAs() {
        System.setProperty("opensandbox.testkit.noCgroups", "true");
        LocalSandboxServer plain;
        try {
            plain = LocalSandboxServer.builder()
                    .gracePeriod(Duration.ofMillis(50))
                    .start();
        } finally {
            System.clearProperty("opensandbox.testkit.noCgroups");
        }
        try (LocalSandboxServer s = plain) {
            TestClient client = new TestClient(s);
            String id = client.createSandbox("\"resourceLimits\":{\"memory\":\"256Mi\"}");
            List<String> out = TestClient.texts(
                    client.run(
                            client.endpoint(id, 44772, false),
                            "ulimit -v; python3 -c \"\ntry:\n    s = b'x' * (512 << 20)\n    print('allocated')\n"
                                    + "except MemoryError:\n    print('MemoryError')\n\""),
                    "stdout");
            assertThat(out).containsExactly("262144", "MemoryError");
        }
    }

    @Test
    void invalidLimits_areRefused() {
        for (String limits : List.of("{\"memory\":\"lots\"}", "{\"memory\":\"1Ki\"}", "{\"pids\":\"2\"}")) {
            HttpResponse<String> r = c.api(
                    "POST",
                    "/sandboxes",
                    "{\"image\":{\"uri\":\"x\"},\"entrypoint\":[\"true\"],\"resourceLimits\":" + limits + "}");
            assertThat(r.statusCode()).as(limits).isEqualTo(400);
            assertThat(TestClient.json(r).get("code").asText()).isEqualTo("SANDBOX::INVALID_PARAMETER");
        }
    }

    private static long alive(String marker) {
        return ProcessHandle.allProcesses()
                .filter(p -> p.info().commandLine().orElse("").contains(marker))
                .count();
    }
}
