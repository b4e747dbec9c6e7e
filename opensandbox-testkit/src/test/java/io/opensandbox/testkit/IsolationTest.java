package io.opensandbox.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a sandbox command must not be able to do, whether the server runs as root or not: make the host's system
 * folders or a read-only volume writable again, see host processes, or leave the sandbox root.
 */
class IsolationTest {
    static LocalSandboxServer server;
    static TestClient c;

    @TempDir
    static Path hostDir;

    static TestClient.Endpoint ep;

    @BeforeAll
    static void start() throws Exception {
        Files.writeString(hostDir.resolve("f.txt"), "original\n");
        server = LocalSandboxServer.builder()
                .gracePeriod(Duration.ofMillis(50))
                .allowedHostPaths(hostDir.toString())
                .start();
        c = new TestClient(server);
        String id = c.createSandbox("\"volumes\":[{\"name\":\"ro\",\"mountPath\":\"/mnt/ro\",\"readOnly\":true,"
                + "\"host\":{\"path\":\"" + hostDir + "\"}}]");
        ep = c.endpoint(id, 44772, false);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static List<String> stdout(String command) {
        return TestClient.texts(c.run(ep, command), "stdout");
    }

    @Test
    void systemFolders_cannotBeRemountedWritable() {
        String name = "osb-escape-" + UUID.randomUUID();
        List<String> out = stdout("mount -o remount,rw,bind /usr 2>/dev/null && echo remounted;"
                + " mount -o remount,rw /usr 2>/dev/null && echo remounted;"
                + " umount -l /usr 2>/dev/null && echo unmounted;"
                + " echo x > /usr/" + name + " 2>/dev/null && echo wrote || echo denied;"
                + " test -e /usr/" + name + " && echo exists || echo absent;"
                + " test -r /usr/bin/env && echo still-mounted");
        assertThat(out).containsExactly("denied", "absent", "still-mounted");
        assertThat(Path.of("/usr", name)).doesNotExist();
    }

    @Test
    void readOnlyVolume_cannotBeRemountedWritable() throws Exception {
        List<String> out = stdout("cat /mnt/ro/f.txt;"
                + " mount -o remount,rw,bind /mnt/ro 2>/dev/null && echo remounted;"
                + " mount -o remount,rw /mnt/ro 2>/dev/null && echo remounted;"
                + " mkdir -p /tmp/rebind && mount --bind /mnt/ro /tmp/rebind 2>/dev/null"
                + " && { mount -o remount,rw,bind /tmp/rebind 2>/dev/null && echo rebound-rw;"
                + " echo changed > /tmp/rebind/f.txt 2>/dev/null && echo wrote; umount /tmp/rebind; };"
                + " echo changed > /mnt/ro/f.txt 2>/dev/null && echo wrote;"
                + " echo new > /mnt/ro/new.txt 2>/dev/null && echo created;"
                + " umount -l /mnt/ro 2>/dev/null && echo unmounted;"
                + " cat /mnt/ro/f.txt");
        assertThat(out).containsExactly("original", "original");
        try (Stream<Path> files = Files.list(hostDir)) {
            assertThat(files.map(p -> p.getFileName().toString()).collect(Collectors.toList()))
                    .containsExactly("f.txt");
        }
        assertThat(Files.readString(hostDir.resolve("f.txt"))).isEqualTo("original\n");
    }

    @Test
    void proc_showsOnlyTheSandboxsProcesses() {
        long jvm = ProcessHandle.current().pid();
        List<String> pids = stdout("cd /proc && ls -d [0-9]* | sort -n");
        assertThat(pids).isNotEmpty().contains("1").doesNotContain(String.valueOf(jvm));
        // the sandbox's init, this command and ls, nothing of the host's hundreds of processes
        assertThat(pids.size()).isLessThan(10);
        List<String> commands = stdout("ps -eo comm=");
        assertThat(commands).isNotEmpty().noneMatch(s -> s.contains("java"));
        List<String> kill = stdout("kill -0 " + jvm + " 2>/dev/null && echo visible || echo invisible");
        assertThat(kill).containsExactly("invisible");
    }

    @Test
    void proc_isReadOnlyAndCannotBeMountedAgain() {
        List<String> out = stdout("test -w /proc/sys/kernel/hostname && echo sysctl-writable;"
                + " test -w /proc/sysrq-trigger && echo sysrq-writable;"
                + " mount -o remount,rw /proc 2>/dev/null && echo remounted;"
                + " mkdir -p /tmp/p && mount -t proc proc /tmp/p 2>/dev/null && echo mounted; echo done");
        assertThat(out).containsExactly("done");
    }

    @Test
    void chroot_cannotLeaveTheSandboxRoot() {
        // the classic escape of a process that may call chroot: chroot into a subfolder, then climb out of it
        String marker = server.rootDirectory().toString();
        List<TestClient.Event> events = c.run(
                ep,
                "command -v python3 >/dev/null || { echo no-python; exit 0; }; mkdir -p /tmp/esc;"
                        + " python3 -c 'import os; os.chroot(\"/tmp/esc\"); os.chdir(\"../../../../../../..\");"
                        + " os.chroot(\".\"); print(\"host-root\" if os.path.exists(\"" + marker
                        + "\") else \"sandbox-root\")'");
        assertThat(TestClient.texts(events, "stdout"))
                .as("stderr: %s", TestClient.texts(events, "stderr"))
                .isIn(List.of("sandbox-root"), List.of("no-python"));
    }

    @Test
    void daemons_survive_theirCommand_inTheSandboxPidNamespace() {
        stdout("setsid sleep 30 >/dev/null 2>&1 < /dev/null &");
        assertThat(stdout("ps -eo args= | grep -c '^sleep 30'")).containsExactly("1");
        assertThat(stdout("pkill -x sleep; echo killed")).containsExactly("killed");
    }
}
