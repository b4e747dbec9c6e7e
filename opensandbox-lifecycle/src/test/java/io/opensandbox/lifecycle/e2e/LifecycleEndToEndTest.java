package io.opensandbox.lifecycle.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.opensandbox.api.ConnectionConfig;
import io.opensandbox.api.Endpoint;
import io.opensandbox.api.NotFoundException;
import io.opensandbox.api.SandboxApiException;
import io.opensandbox.api.SandboxHandle;
import io.opensandbox.lifecycle.Sandbox;
import io.opensandbox.lifecycle.SandboxFilter;
import io.opensandbox.lifecycle.SandboxInfo;
import io.opensandbox.lifecycle.SandboxManager;
import io.opensandbox.lifecycle.SandboxState;
import io.opensandbox.lifecycle.SnapshotInfo;
import io.opensandbox.lifecycle.SnapshotState;
import io.opensandbox.lifecycle.Volume;
import io.opensandbox.testkit.LocalSandboxExtension;
import io.opensandbox.testkit.LocalSandboxServer;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The lifecycle API end to end against the local test server: real state changes, real endpoints. */
@Timeout(60)
class LifecycleEndToEndTest {
    @RegisterExtension
    static LocalSandboxExtension sandboxes = LocalSandboxExtension.withApiKey("e2e-key");

    private static LocalSandboxServer lastServer;

    @AfterAll
    static void noApiKeyLeakedToASandbox() {
        if (lastServer != null) {
            assertThat(lastServer.leakedApiKeyRequests()).isZero();
        }
    }

    private static Sandbox create(ConnectionConfig config, String... metadata) {
        Sandbox.Builder builder = Sandbox.builder().image("ubuntu:24.04").connectionConfig(config);
        for (int i = 0; i + 1 < metadata.length; i += 2) {
            builder.metadata(metadata[i], metadata[i + 1]);
        }
        return builder.create();
    }

    @Test
    void create_getInfo_renew_patchMetadata_kill(ConnectionConfig config, LocalSandboxServer server) {
        lastServer = server;
        Sandbox sandbox = create(config, "team", "e2e");
        try {
            // both transports are on the class path: httpclient5 by priority, or the one the run names
            assertThat(sandbox.transport().name())
                    .isEqualTo(System.getProperty("opensandbox.transport", "httpclient5"));
            SandboxInfo info = sandbox.getInfo();
            assertThat(info.state()).isEqualTo(SandboxState.RUNNING);
            assertThat(info.metadata()).containsEntry("team", "e2e");
            // the server treats an omitted timeout as manual cleanup: this expiry proves the SDK sent its default
            Instant created = info.createdAt().orElseThrow();
            assertThat(info.expiresAt())
                    .hasValueSatisfying(
                            at -> assertThat(at).isBetween(created.plusSeconds(595), created.plusSeconds(605)));
            assertThat(info.entrypoint()).containsExactly("tail", "-f", "/dev/null");

            Instant renewed = sandbox.renew(Duration.ofHours(2));
            assertThat(renewed).isAfter(Instant.now().plus(Duration.ofMinutes(110)));
            assertThat(sandbox.getInfo().expiresAt()).contains(renewed);

            Map<String, String> patch = new HashMap<>();
            patch.put("team", null);
            patch.put("stage", "two");
            assertThat(sandbox.patchMetadata(patch).metadata()).containsExactly(Map.entry("stage", "two"));
            assertThat(sandbox.isHealthy()).isTrue();
        } finally {
            sandbox.kill();
            sandbox.close();
        }
        try (SandboxManager manager = SandboxManager.create(config)) {
            SandboxState after = stateOrGone(manager, sandbox.id());
            assertThat(after).isIn(SandboxState.STOPPING, SandboxState.TERMINATED, null);
        }
    }

    private static SandboxState stateOrGone(SandboxManager manager, String id) {
        try {
            return manager.getSandboxInfo(id).state();
        } catch (NotFoundException gone) {
            return null;
        }
    }

    @Test
    void manualCleanup_neverExpires(ConnectionConfig config) {
        try (Sandbox sandbox = Sandbox.builder()
                .image("ubuntu:24.04")
                .manualCleanup()
                .connectionConfig(config)
                .killOnClose(true)
                .create()) {
            assertThat(sandbox.getInfo().expiresAt()).isEmpty();
        }
    }

    @Test
    void endpoints_carryAPathAndTheirHeaders_andResolveThroughTheProxyToo(ConnectionConfig config) {
        ConnectionConfig proxied = config.toBuilder().useServerProxy(true).build();
        try (Sandbox sandbox = create(config)) {
            Endpoint execd = sandbox.endpoint(SandboxHandle.EXECD_PORT);
            assertThat(execd.address()).startsWith(config.domain() + "/").contains(sandbox.id());
            Endpoint egress = sandbox.getEndpoint(SandboxHandle.EGRESS_PORT);
            assertThat(egress.headers()).containsKey("OPENSANDBOX-EGRESS-AUTH");
            assertThat(sandbox.getSignedEndpoint(
                                    SandboxHandle.EXECD_PORT, Instant.now().plusSeconds(600))
                            .address())
                    .contains(sandbox.id());

            try (Sandbox viaProxy = Sandbox.connect(sandbox.id(), proxied)) {
                assertThat(viaProxy.endpoint(SandboxHandle.EXECD_PORT).address())
                        .contains("/proxy/");
                assertThat(viaProxy.isHealthy()).isTrue();
            }
            sandbox.kill();
        }
    }

    @Test
    void pause_thenResume_givesAConnectedNewInstance(ConnectionConfig config) throws Exception {
        try (Sandbox sandbox = create(config);
                SandboxManager manager = SandboxManager.create(config)) {
            sandbox.pause();
            awaitState(manager, sandbox.id(), SandboxState.PAUSED);
            try (Sandbox resumed = sandbox.resume()) {
                assertThat(resumed).isNotSameAs(sandbox);
                awaitState(manager, sandbox.id(), SandboxState.RUNNING);
                assertThat(resumed.isHealthy()).isTrue();
                resumed.kill();
            }
        }
    }

    private static void awaitState(SandboxManager manager, String id, SandboxState wanted) throws InterruptedException {
        SandboxState state = null;
        for (int i = 0; i < 100; i++) {
            state = manager.getSandboxInfo(id).state();
            if (state == wanted) {
                return;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("sandbox " + id + " stayed " + state + ", never " + wanted);
    }

    @Test
    void manager_filtersByStateAndMetadata_andWalksEveryPage(ConnectionConfig config) throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        try (SandboxManager manager = SandboxManager.create(config);
                Sandbox a = create(config, "run", run, "note", "a&b=c+d%e f");
                Sandbox b = create(config, "run", run, "note", "plain");
                Sandbox c = create(config, "run", run, "note", "plain")) {
            c.pause();
            awaitState(manager, c.id(), SandboxState.PAUSED);

            List<String> special = manager
                    .listSandboxInfos(SandboxFilter.builder()
                            .metadata("run", run)
                            .metadata("note", "a&b=c+d%e f")
                            .build())
                    .items()
                    .stream()
                    .map(SandboxInfo::id)
                    .collect(Collectors.toList());
            assertThat(special).containsExactly(a.id());

            List<String> running = manager.streamSandboxInfos(SandboxFilter.builder()
                            .metadata("run", run)
                            .states(SandboxState.RUNNING)
                            .pageSize(1)
                            .build())
                    .map(SandboxInfo::id)
                    .collect(Collectors.toList());
            assertThat(running).containsExactlyInAnyOrder(a.id(), b.id());

            List<String> runningOrPaused = manager.streamSandboxInfos(SandboxFilter.builder()
                            .metadata("run", run)
                            .states(SandboxState.RUNNING, SandboxState.PAUSED)
                            .pageSize(2)
                            .build())
                    .map(SandboxInfo::id)
                    .collect(Collectors.toList());
            assertThat(runningOrPaused).containsExactlyInAnyOrder(a.id(), b.id(), c.id());
            for (Sandbox sandbox : List.of(a, b, c)) {
                manager.killSandbox(sandbox.id());
            }
        }
    }

    @Test
    void snapshot_createWaitRestoreDelete(ConnectionConfig config) {
        try (SandboxManager manager = SandboxManager.create(config);
                Sandbox sandbox = create(config)) {
            SnapshotInfo accepted = sandbox.createSnapshot("before");
            SnapshotInfo ready = manager.waitForSnapshot(accepted.id(), Duration.ofSeconds(30));
            assertThat(ready.state()).isEqualTo(SnapshotState.READY);
            assertThat(ready.sandboxId()).isEqualTo(sandbox.id());
            try (Sandbox restored = Sandbox.builder()
                    .snapshotId(ready.id())
                    .connectionConfig(config)
                    .killOnClose(true)
                    .create()) {
                assertThat(restored.getInfo().snapshotId()).contains(ready.id());
            }
            manager.deleteSnapshot(ready.id());
            assertThatThrownBy(() -> manager.getSnapshot(ready.id())).isInstanceOf(NotFoundException.class);
            sandbox.kill();
        }
    }

    @Test
    void volumes_ossfsIsRefusedWithTheServersMessage(ConnectionConfig config) {
        assertThatThrownBy(() -> Sandbox.builder()
                        .image("ubuntu:24.04")
                        .volume(Volume.builder("bucket", "/mnt/oss")
                                .backend(new Volume.Ossfs("b", "oss.example", "2.0", List.of(), "id", "secret"))
                                .build())
                        .connectionConfig(config)
                        .create())
                .isInstanceOfSatisfying(SandboxApiException.class, e -> {
                    assertThat(e.statusCode()).isEqualTo(400);
                    assertThat(e.getMessage()).doesNotContain("secret");
                });
    }

    @Test
    void unknownSandbox_isNotFound_andAWrongKeyIsRefused(ConnectionConfig config) {
        assertThatThrownBy(() -> Sandbox.connect("does-not-exist", config)).isInstanceOf(NotFoundException.class);
        ConnectionConfig wrongKey = config.toBuilder().apiKey("wrong").build();
        try (SandboxManager manager = SandboxManager.create(wrongKey)) {
            assertThatThrownBy(() -> manager.listSandboxInfos(SandboxFilter.ALL))
                    .isInstanceOf(io.opensandbox.api.AuthenticationException.class);
        }
    }
}
