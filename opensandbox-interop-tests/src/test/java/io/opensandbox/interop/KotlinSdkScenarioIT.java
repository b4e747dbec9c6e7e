package io.opensandbox.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.alibaba.opensandbox.sandbox.Sandbox;
import com.alibaba.opensandbox.sandbox.SandboxManager;
import com.alibaba.opensandbox.sandbox.config.ConnectionConfig;
import com.alibaba.opensandbox.sandbox.domain.exceptions.SandboxApiException;
import com.alibaba.opensandbox.sandbox.domain.exceptions.SandboxException;
import com.alibaba.opensandbox.sandbox.domain.exceptions.SandboxInternalException;
import com.alibaba.opensandbox.sandbox.domain.models.execd.executions.Execution;
import com.alibaba.opensandbox.sandbox.domain.models.execd.executions.ExecutionHandlers;
import com.alibaba.opensandbox.sandbox.domain.models.execd.executions.OutputMessage;
import com.alibaba.opensandbox.sandbox.domain.models.execd.executions.RunCommandRequest;
import com.alibaba.opensandbox.sandbox.domain.models.execd.filesystem.ContentReplaceEntry;
import com.alibaba.opensandbox.sandbox.domain.models.execd.filesystem.EntryInfo;
import com.alibaba.opensandbox.sandbox.domain.models.execd.filesystem.MoveEntry;
import com.alibaba.opensandbox.sandbox.domain.models.execd.filesystem.SearchEntry;
import com.alibaba.opensandbox.sandbox.domain.models.execd.filesystem.SetPermissionEntry;
import com.alibaba.opensandbox.sandbox.domain.models.execd.filesystem.WriteEntry;
import com.alibaba.opensandbox.sandbox.domain.models.sandboxes.PagedSandboxInfos;
import com.alibaba.opensandbox.sandbox.domain.models.sandboxes.SandboxFilter;
import com.alibaba.opensandbox.sandbox.domain.models.sandboxes.SandboxInfo;
import com.alibaba.opensandbox.sandbox.domain.models.sandboxes.SandboxMetrics;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

/**
 * The official Kotlin SDK {@code com.alibaba.opensandbox:sandbox:1.0.0} against the standalone testkit server jar,
 * through its public API only. One test per scenario step, in order, on one shared sandbox; 1.0.0 has no bash
 * sessions, snapshots, egress, vault, metadata patch or command status/logs (see this module's README).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class KotlinSdkScenarioIT {
    private static final String API_KEY = "interop-kotlin-key";
    private static final String TEAM = "kt-" + ProcessHandle.current().pid();

    private static StandaloneServer server;
    private static ConnectionConfig config;
    private static SandboxManager manager;
    private static Sandbox sandbox;
    private static final List<UUID> created = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        server = StandaloneServer.start(API_KEY);
        config = connection(API_KEY);
        manager = SandboxManager.builder().connectionConfig(config).build();
    }

    @AfterAll
    static void stop() throws Exception {
        try {
            for (UUID id : created) {
                try {
                    manager.killSandbox(id);
                } catch (SandboxException alreadyGone) {
                    // killed by a step
                }
            }
            if (sandbox != null) {
                sandbox.close();
            }
            if (manager != null) {
                manager.close();
            }
        } finally {
            if (server != null) {
                server.close();
            }
        }
    }

    private static ConnectionConfig connection(String key) {
        return ConnectionConfig.builder()
                .domain(server.domain())
                .apiKey(key)
                .protocol("http")
                .requestTimeout(Duration.ofSeconds(60))
                .build();
    }

    private static List<String> stdout(Execution e) {
        return e.getLogs().getStdout().stream().map(OutputMessage::getText).toList();
    }

    private static void until(String what, BooleanSupplier probe) throws InterruptedException {
        for (int i = 0; i < 200; i++) {
            if (probe.getAsBoolean()) {
                return;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("timed out waiting for " + what);
    }

    private static String state(UUID id) {
        return manager.getSandboxInfo(id).getStatus().getState();
    }

    @Test
    @Order(1)
    void lifecycle_create_waitsForExecd_andReportsRunningWithMetadataAndExpiry() {
        OffsetDateTime before = OffsetDateTime.now();
        sandbox = Sandbox.builder()
                .image("ubuntu:24.04")
                .metadata("team", TEAM)
                .env("GREETING", "hello-env")
                .timeout(Duration.ofMinutes(5))
                .readyTimeout(Duration.ofSeconds(60))
                .connectionConfig(config)
                .build();
        created.add(sandbox.getId());
        SandboxInfo info = sandbox.getInfo();
        assertThat(info.getId()).isEqualTo(sandbox.getId());
        assertThat(info.getStatus().getState()).isEqualTo("Running");
        assertThat(info.getMetadata()).containsEntry("team", TEAM);
        assertThat(info.getEntrypoint()).containsExactly("tail", "-f", "/dev/null");
        assertThat(info.getExpiresAt())
                .isBetween(before.plusSeconds(295), OffsetDateTime.now().plusSeconds(305));
        assertThat(sandbox.isHealthy()).isTrue();
    }

    @Test
    @Order(2)
    void lifecycle_endpoint_hasNoSchemeAndNamesTheSandbox() {
        String endpoint = sandbox.getEndpoint(44772).getEndpoint();
        assertThat(endpoint)
                .startsWith(server.domain())
                .contains(sandbox.getId().toString());
        assertThat(endpoint).doesNotContain("://");
    }

    @Test
    @Order(3)
    void lifecycle_renew_andTheManagersRenew_moveTheExpiry() {
        sandbox.renew(Duration.ofHours(1));
        OffsetDateTime first = sandbox.getInfo().getExpiresAt();
        assertThat(first)
                .isBetween(
                        OffsetDateTime.now().plusMinutes(59),
                        OffsetDateTime.now().plusMinutes(61));
        manager.renewSandbox(sandbox.getId(), Duration.ofHours(2));
        assertThat(sandbox.getInfo().getExpiresAt()).isAfter(first.plusMinutes(50));
    }

    @Test
    @Order(4)
    void lifecycle_pauseAndResume_byTheSandboxAndByTheManager() throws Exception {
        sandbox.pause();
        until("Paused", () -> state(sandbox.getId()).equals("Paused"));
        assertThat(sandbox.isHealthy())
                .as("a paused sandbox does not answer its ping")
                .isFalse();
        sandbox.resume();
        until("Running", () -> state(sandbox.getId()).equals("Running"));
        assertThat(stdout(sandbox.commands().run("echo back"))).containsExactly("back");
        manager.pauseSandbox(sandbox.getId());
        until("Paused again", () -> state(sandbox.getId()).equals("Paused"));
        SandboxApiException twice = catchApi(() -> manager.pauseSandbox(sandbox.getId()), "pausing a paused sandbox");
        assertThat(twice.getStatusCode()).isEqualTo(409);
        assertThat(twice.getError().getCode()).isEqualTo("DOCKER::SANDBOX_NOT_RUNNING");
        manager.resumeSandbox(sandbox.getId());
        until("Running again", () -> state(sandbox.getId()).equals("Running"));
    }

    @Test
    @Order(5)
    void lifecycle_connect_byId_reachesTheSameSandbox() {
        try (Sandbox again = Sandbox.connector()
                .sandboxId(sandbox.getId())
                .connectionConfig(config)
                .connect()) {
            assertThat(again.getId()).isEqualTo(sandbox.getId());
            assertThat(stdout(again.commands().run("echo $GREETING"))).containsExactly("hello-env");
        }
    }

    @Test
    @Order(6)
    void listing_filtersByStateAndMetadata_andPages() {
        Sandbox second = Sandbox.builder()
                .image("ubuntu:24.04")
                .metadata("team", TEAM)
                .metadata("role", "second")
                .connectionConfig(config)
                .build();
        created.add(second.getId());
        second.close();
        PagedSandboxInfos all = manager.listSandboxInfos(
                SandboxFilter.builder().metadata(Map.of("team", TEAM)).build());
        assertThat(all.getSandboxInfos()).hasSize(2);
        assertThat(all.getPagination().getTotalItems()).isEqualTo(2);
        PagedSandboxInfos narrowed = manager.listSandboxInfos(SandboxFilter.builder()
                .states("Running")
                .metadata(Map.of("team", TEAM, "role", "second"))
                .build());
        assertThat(narrowed.getSandboxInfos()).extracting(SandboxInfo::getId).containsExactly(second.getId());
        PagedSandboxInfos page1 = manager.listSandboxInfos(SandboxFilter.builder()
                .metadata(Map.of("team", TEAM))
                .page(1)
                .pageSize(1)
                .build());
        PagedSandboxInfos page2 = manager.listSandboxInfos(SandboxFilter.builder()
                .metadata(Map.of("team", TEAM))
                .page(2)
                .pageSize(1)
                .build());
        assertThat(page1.getSandboxInfos()).hasSize(1);
        assertThat(page2.getSandboxInfos()).hasSize(1);
        assertThat(page1.getSandboxInfos().get(0).getId())
                .isNotEqualTo(page2.getSandboxInfos().get(0).getId());
        assertThat(page1.getPagination().getTotalPages()).isEqualTo(2);
        assertThat(page1.getPagination().getHasNextPage()).isTrue();
        assertThat(page2.getPagination().getHasNextPage()).isFalse();
        assertThat(manager.listSandboxInfos(SandboxFilter.builder()
                                .states("Paused")
                                .metadata(Map.of("team", TEAM))
                                .build())
                        .getSandboxInfos())
                .isEmpty();
        manager.killSandbox(second.getId());
    }

    @Test
    @Order(7)
    void commands_foreground_streamsStdoutToTheHandlerAsItComes_andCollectsStderr() {
        List<String> streamed = new CopyOnWriteArrayList<>();
        List<Long> arrivals = new CopyOnWriteArrayList<>();
        AtomicReference<String> initId = new AtomicReference<>();
        Execution run = sandbox.commands()
                .run(RunCommandRequest.builder()
                        .command("echo first; sleep 0.3; echo second; echo warn >&2")
                        .handlers(ExecutionHandlers.builder()
                                .onInit(i -> initId.set(i.getId()))
                                .onStdout(m -> {
                                    streamed.add(m.getText());
                                    arrivals.add(System.nanoTime());
                                })
                                .build())
                        .build());
        assertThat(streamed).containsExactly("first", "second");
        assertThat(arrivals.get(1) - arrivals.get(0))
                .as("the first line arrived before the sleep ended")
                .isGreaterThan(TimeUnit.MILLISECONDS.toNanos(200));
        assertThat(stdout(run)).containsExactly("first", "second");
        assertThat(run.getLogs().getStderr()).extracting(OutputMessage::getText).containsExactly("warn");
        assertThat(run.getError()).isNull();
        assertThat(run.getId()).isNotBlank().isEqualTo(initId.get());
    }

    @Test
    @Order(8)
    void commands_failing_isAnErrorWithTheExitCode() {
        Execution failing = sandbox.commands().run("echo before; exit 5");
        assertThat(stdout(failing)).containsExactly("before");
        assertThat(failing.getError()).isNotNull();
        assertThat(failing.getError().getName()).isEqualTo("CommandExecError");
        assertThat(failing.getError().getValue()).isEqualTo("5");
    }

    @Test
    @Order(9)
    void commands_workingDirectory_isUsed_andAMissingOneIs400() {
        sandbox.commands().run("mkdir -p /work/kt");
        Execution pwd = sandbox.commands()
                .run(RunCommandRequest.builder()
                        .command("pwd")
                        .workingDirectory("/work/kt")
                        .build());
        assertThat(stdout(pwd)).containsExactly("/work/kt");
        SandboxApiException e = catchApi(
                () -> sandbox.commands()
                        .run(RunCommandRequest.builder()
                                .command("true")
                                .workingDirectory("/no/such/dir")
                                .build()),
                "a missing working directory");
        assertThat(e.getStatusCode()).isEqualTo(400);
    }

    @Test
    @Order(10)
    void commands_background_returnsAtOnce_andKeepsRunning() throws Exception {
        long start = System.nanoTime();
        Execution bg = sandbox.commands()
                .run(RunCommandRequest.builder()
                        .command("sleep 0.5; echo done > /work/kt/bg.txt")
                        .background(true)
                        .build());
        assertThat(bg.getId()).isNotBlank();
        assertThat(bg.getError()).isNull();
        assertThat(System.nanoTime() - start).isLessThan(TimeUnit.SECONDS.toNanos(10));
        until("the background command's file", () -> {
            try {
                return sandbox.files().readFile("/work/kt/bg.txt").equals("done\n");
            } catch (SandboxException notYet) {
                return false;
            }
        });
    }

    @Test
    @Order(11)
    void commands_interrupt_stopsARunningCommand() throws Exception {
        AtomicReference<String> id = new AtomicReference<>();
        CompletableFuture<Execution> running = CompletableFuture.supplyAsync(() -> sandbox.commands()
                .run(RunCommandRequest.builder()
                        .command("echo go; sleep 30")
                        .handlers(ExecutionHandlers.builder()
                                .onInit(i -> id.set(i.getId()))
                                .build())
                        .build()));
        until("the init event", () -> id.get() != null);
        sandbox.commands().interrupt(id.get());
        Execution run = running.get(20, TimeUnit.SECONDS);
        assertThat(stdout(run)).containsExactly("go");
    }

    @Test
    @Order(12)
    void metrics_reportCpuAndMemory() {
        SandboxMetrics m = sandbox.getMetrics();
        assertThat(m.getCpuCount()).isGreaterThanOrEqualTo(1);
        assertThat(m.getMemoryTotalInMiB()).isPositive();
        assertThat(m.getMemoryUsedInMiB()).isPositive().isLessThanOrEqualTo(m.getMemoryTotalInMiB());
        assertThat(m.getCpuUsedPercentage()).isGreaterThanOrEqualTo(0);
        assertThat(m.getTimestamp())
                .isCloseTo(System.currentTimeMillis(), org.assertj.core.data.Offset.offset(60_000L));
    }

    @Test
    @Order(13)
    void files_writeWithModes_readWholeRangedAndStreamed() throws Exception {
        sandbox.files()
                .write(List.of(
                        WriteEntry.builder()
                                .path("/work/kt/a.txt")
                                .data("hello world")
                                .mode(644)
                                .build(),
                        WriteEntry.builder()
                                .path("/work/kt/b.bin")
                                .data(new byte[] {0, 1, 2, 3, (byte) 254, (byte) 255})
                                .build()));
        assertThat(sandbox.files().readFile("/work/kt/a.txt")).isEqualTo("hello world");
        assertThat(sandbox.files().readByteArray("/work/kt/b.bin")).containsExactly(0, 1, 2, 3, 254, 255);
        assertThat(sandbox.files().readFile("/work/kt/a.txt", "UTF-8", "bytes=0-4"))
                .isEqualTo("hello");
        assertThat(sandbox.files().readByteArray("/work/kt/b.bin", "bytes=4-")).containsExactly(254, 255);
        try (InputStream in = sandbox.files().readStream("/work/kt/a.txt", "bytes=6-")) {
            assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("world");
        }
        sandbox.files().writeFile("/work/kt/c.txt", "via writeFile");
        assertThat(stdout(sandbox.commands().run("cat /work/kt/c.txt"))).containsExactly("via writeFile");
    }

    @Test
    @Order(14)
    void files_info_search_andDirectories() {
        Map<String, EntryInfo> info = sandbox.files().readFileInfo(List.of("/work/kt/a.txt"));
        assertThat(info.get("/work/kt/a.txt").getMode()).isEqualTo(644);
        assertThat(info.get("/work/kt/a.txt").getSize()).isEqualTo(11);
        assertThat(info.get("/work/kt/a.txt").getModifiedAt()).isNotNull();
        sandbox.files()
                .createDirectories(List.of(WriteEntry.builder()
                        .path("/work/kt/sub/deeper")
                        .mode(700)
                        .build()));
        assertThat(sandbox.files()
                        .readFileInfo(List.of("/work/kt/sub/deeper"))
                        .get("/work/kt/sub/deeper")
                        .getMode())
                .isEqualTo(700);
        List<EntryInfo> found = sandbox.files()
                .search(SearchEntry.builder().path("/work/kt").pattern("*.txt").build());
        assertThat(found)
                .extracting(EntryInfo::getPath)
                .containsExactlyInAnyOrder("/work/kt/a.txt", "/work/kt/bg.txt", "/work/kt/c.txt");
        sandbox.files().deleteDirectories(List.of("/work/kt/sub"));
        SandboxApiException gone =
                catchApi(() -> sandbox.files().readFileInfo(List.of("/work/kt/sub")), "info of a deleted directory");
        assertThat(gone.getStatusCode()).isEqualTo(404);
    }

    @Test
    @Order(15)
    void files_move_replace_permissions_delete() {
        sandbox.files()
                .moveFiles(List.of(MoveEntry.builder()
                        .src("/work/kt/a.txt")
                        .dest("/work/kt/moved.txt")
                        .build()));
        assertThat(sandbox.files().readFile("/work/kt/moved.txt")).isEqualTo("hello world");
        sandbox.files()
                .replaceContents(List.of(ContentReplaceEntry.builder()
                        .path("/work/kt/moved.txt")
                        .oldContent("world")
                        .newContent("there")
                        .build()));
        assertThat(sandbox.files().readFile("/work/kt/moved.txt")).isEqualTo("hello there");
        sandbox.files()
                .setPermissions(List.of(SetPermissionEntry.builder()
                        .path("/work/kt/moved.txt")
                        .mode(600)
                        .build()));
        assertThat(sandbox.files()
                        .readFileInfo(List.of("/work/kt/moved.txt"))
                        .get("/work/kt/moved.txt")
                        .getMode())
                .isEqualTo(600);
        sandbox.files().deleteFiles(List.of("/work/kt/moved.txt"));
        assertThat(sandbox.files()
                        .search(SearchEntry.builder()
                                .path("/work/kt")
                                .pattern("moved*")
                                .build()))
                .isEmpty();
    }

    @Test
    @Order(16)
    void files_readingAMissingFile_is404FileNotFound() {
        SandboxApiException e = catchApi(() -> sandbox.files().readFile("/work/kt/none.txt"), "reading a missing file");
        assertThat(e.getStatusCode()).isEqualTo(404);
        assertThat(e.getError().getCode()).isEqualTo("FILE_NOT_FOUND");
    }

    @Test
    @Order(17)
    void errors_unknownSandbox_is404_wrongKey_is401_shortTimeout_is400() {
        SandboxApiException missing = catchApi(() -> manager.getSandboxInfo(new UUID(0, 0)), "an unknown sandbox");
        assertThat(missing.getStatusCode()).isEqualTo(404);
        assertThat(missing.getError().getCode()).isEqualTo("DOCKER::SANDBOX_NOT_FOUND");
        try (SandboxManager wrong = SandboxManager.builder()
                .connectionConfig(connection("wrong-key"))
                .build()) {
            SandboxApiException denied = catchApi(
                    () -> wrong.listSandboxInfos(SandboxFilter.builder().build()), "a wrong API key");
            assertThat(denied.getStatusCode()).isEqualTo(401);
            assertThat(denied.getError().getCode()).isEqualTo("INVALID_API_KEY");
        }
        assertThatThrownBy(() -> Sandbox.builder()
                        .image("ubuntu:24.04")
                        .timeout(Duration.ofSeconds(5))
                        .connectionConfig(config)
                        .build())
                .isInstanceOfSatisfying(
                        SandboxApiException.class,
                        e -> assertThat(e.getStatusCode()).isIn(400, 422));
    }

    /**
     * SDK defect pinned: 1.0.0 declares {@code expiresAt} required, but the lifecycle server omits it for a sandbox
     * without expiry ({@code response_model_exclude_none}), whether {@code timeout} was {@code null} or omitted. The
     * server is right; 1.0.0 cannot read such a sandbox (and has no way to create one).
     */
    @Test
    @Order(18)
    void manualCleanup_omittedTimeoutMeansNoExpiry_whichSdk100CannotDecode() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        HttpResponse<String> r = http.send(
                HttpRequest.newBuilder(URI.create("http://" + server.domain() + "/v1/sandboxes"))
                        .header("OPEN-SANDBOX-API-KEY", API_KEY)
                        .header("Content-Type", "application/json")
                        .POST(
                                HttpRequest.BodyPublishers.ofString(
                                        "{\"image\":{\"uri\":\"ubuntu:24.04\"},\"entrypoint\":[\"tail\",\"-f\",\"/dev/null\"]}"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(202);
        assertThat(r.body()).doesNotContain("expiresAt");
        Matcher id = Pattern.compile("\"id\":\"([^\"]+)\"").matcher(r.body());
        assertThat(id.find()).isTrue();
        UUID manual = UUID.fromString(id.group(1));
        created.add(manual);
        assertThatThrownBy(() -> manager.getSandboxInfo(manual))
                .isInstanceOf(SandboxInternalException.class)
                .hasMessageContaining("expiresAt");
        manager.killSandbox(manual);
    }

    @Test
    @Order(19)
    void lifecycle_kill_removesTheSandbox() {
        UUID id = sandbox.getId();
        sandbox.kill();
        List<String> left = new ArrayList<>();
        manager.listSandboxInfos(
                        SandboxFilter.builder().metadata(Map.of("team", TEAM)).build())
                .getSandboxInfos()
                .forEach(i -> left.add(i.getStatus().getState()));
        assertThat(left).allMatch(s -> s.equals("Stopping") || s.equals("Terminated"));
        try {
            assertThat(state(id)).isIn("Stopping", "Terminated");
        } catch (SandboxApiException gone) {
            assertThat(gone.getStatusCode()).isEqualTo(404);
        }
    }

    @Test
    @Order(20)
    void theSdkNeverSentTheLifecycleApiKeyToASandbox() {
        assertThat(server.leakedApiKeyRequests()).isZero();
    }

    private static SandboxApiException catchApi(Runnable call, String what) {
        try {
            call.run();
        } catch (SandboxApiException e) {
            return e;
        }
        throw new AssertionError(what + " did not fail");
    }
}
