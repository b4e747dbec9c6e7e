package io.opensandbox.files.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.opensandbox.api.ConnectionConfig;
import io.opensandbox.api.NotFoundException;
import io.opensandbox.api.SandboxApiException;
import io.opensandbox.api.SandboxException;
import io.opensandbox.commands.Commands;
import io.opensandbox.commands.Execution;
import io.opensandbox.files.ByteRange;
import io.opensandbox.files.FileInfo;
import io.opensandbox.files.FileMode;
import io.opensandbox.files.FileType;
import io.opensandbox.files.MoveEntry;
import io.opensandbox.files.PermissionDeniedException;
import io.opensandbox.files.Permissions;
import io.opensandbox.files.RangeNotSatisfiableException;
import io.opensandbox.files.ReadOptions;
import io.opensandbox.files.Replacement;
import io.opensandbox.files.SandboxFiles;
import io.opensandbox.files.WriteEntry;
import io.opensandbox.lifecycle.Sandbox;
import io.opensandbox.testkit.LocalSandboxExtension;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every file operation end to end against the local test server: files land on a real file system that commands
 * in the sandbox see (the server chroots commands into the folder the files API writes to).
 */
@Timeout(60)
class FilesEndToEndTest {
    @RegisterExtension
    static LocalSandboxExtension sandboxes = LocalSandboxExtension.withApiKey("files-e2e-key");

    private static Sandbox sandbox;
    private static SandboxFiles files;
    private static Commands commands;

    @BeforeAll
    static void start(ConnectionConfig config) {
        sandbox =
                Sandbox.builder().image("ubuntu:24.04").connectionConfig(config).create();
        files = SandboxFiles.of(sandbox);
        commands = Commands.of(sandbox);
        // both transports are on the class path: httpclient5 by priority, or the one this run names
        assertThat(sandbox.transport().name()).isEqualTo(System.getProperty("opensandbox.transport", "httpclient5"));
    }

    @AfterAll
    static void stop() {
        if (sandbox != null) {
            sandbox.kill();
            sandbox.close();
        }
    }

    /**
     * Runs a shell command in the sandbox; fails the test unless it exits 0. Returns its standard output as lines
     * joined by {@code \n}, without a final line break (exact sizes are checked with {@code stat -c %s}).
     */
    private static String sh(String command) {
        Execution run = commands.run(command);
        assertThat(run.exitCode())
                .as("exit code of `%s` (stderr: %s)", command, run.stderrText())
                .hasValue(0);
        return run.stdoutText();
    }

    private static byte[] randomBytes(int size, long seed) {
        byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    // ------------------------------------------------------------------------------------------------ writing

    @Test
    void writeFiles_everyKindOfSource_inOneRequest_isWhatCommandsSee(@TempDir Path local) throws IOException {
        byte[] binary = randomBytes(300_000, 1);
        Path localFile = local.resolve("local.bin");
        byte[] fromPath = randomBytes(70_000, 2);
        Files.write(localFile, fromPath);
        byte[] streamed = randomBytes(200_000, 3);
        byte[] sized = "sized stream\n".getBytes(StandardCharsets.UTF_8);

        files.writeFiles(List.of(
                WriteEntry.builder("/e2e/write/text.txt")
                        .content("héllo wörld\n")
                        .mode(FileMode.of("644"))
                        .build(),
                WriteEntry.builder("/e2e/write/bytes.bin")
                        .content(binary)
                        .mode(FileMode.of("600"))
                        .build(),
                WriteEntry.builder("/e2e/write/path.bin")
                        .content(localFile)
                        .mode(FileMode.of(Set.of(
                                PosixFilePermission.OWNER_READ,
                                PosixFilePermission.OWNER_WRITE,
                                PosixFilePermission.GROUP_READ)))
                        .build(),
                WriteEntry.builder("/e2e/write/deep/er/stream.bin")
                        .content(new ByteArrayInputStream(streamed))
                        .permissions(Permissions.builder()
                                .owner("daemon")
                                .group("nogroup")
                                .mode(FileMode.ofOctal(0750))
                                .build())
                        .build(),
                WriteEntry.builder("/e2e/write/sized.txt")
                        .content(new ByteArrayInputStream(sized), sized.length)
                        .build(),
                WriteEntry.builder("/e2e/write/run.sh")
                        .content("#!/bin/sh\necho ran from $0\n")
                        .mode(FileMode.of("755"))
                        .build()));

        assertThat(sh("cat /e2e/write/text.txt")).isEqualTo("héllo wörld");
        assertThat(sh("cat /e2e/write/sized.txt")).isEqualTo("sized stream");
        assertThat(sh("/e2e/write/run.sh")).isEqualTo("ran from /e2e/write/run.sh");
        assertThat(sh("stat -c '%n %a %s' /e2e/write/text.txt /e2e/write/bytes.bin /e2e/write/path.bin"
                        + " /e2e/write/deep/er/stream.bin /e2e/write/run.sh"))
                .isEqualTo("/e2e/write/text.txt 644 14\n"
                        + "/e2e/write/bytes.bin 600 300000\n"
                        + "/e2e/write/path.bin 640 70000\n"
                        + "/e2e/write/deep/er/stream.bin 750 200000\n"
                        + "/e2e/write/run.sh 755 27");
        assertThat(sh("stat -c '%U:%G' /e2e/write/deep/er/stream.bin")).isEqualTo("daemon:nogroup");
        // the bytes themselves, as the sandbox's own tools see them
        assertThat(sh("cksum < /e2e/write/bytes.bin")).isEqualTo(sh("cat /e2e/write/bytes.bin | cksum"));
        assertThat(files.readBytes("/e2e/write/bytes.bin")).isEqualTo(binary);
        assertThat(files.readBytes("/e2e/write/path.bin")).isEqualTo(fromPath);
        assertThat(files.readBytes("/e2e/write/deep/er/stream.bin")).isEqualTo(streamed);
        assertThat(sh("od -An -tx1 -N4 /e2e/write/bytes.bin").replace(" ", "").strip())
                .isEqualTo(hex(binary, 4));
    }

    private static String hex(byte[] bytes, int count) {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < count; i++) {
            text.append(String.format("%02x", bytes[i] & 0xff));
        }
        return text.toString();
    }

    @Test
    void writeFile_withoutMode_leavesTheUmaskDefault_andReplacesAnExistingFile() {
        files.writeFile("/e2e/nomode/data.csv", "a,b\n");
        files.writeFile("/e2e/nomode/data.csv", "c,d\n");

        assertThat(sh("cat /e2e/nomode/data.csv")).isEqualTo("c,d");
        // no mode sent: execd does not chmod, so the file is not made executable
        assertThat(sh("test -x /e2e/nomode/data.csv || echo not-executable")).isEqualTo("not-executable");
    }

    @Test
    void aFileWrittenByACommand_isReadByTheSdk() {
        sh("mkdir -p /e2e/cmd && printf 'line 1\\nline 2\\n' > /e2e/cmd/out.txt && head -c 100000 /dev/urandom"
                + " > /e2e/cmd/random.bin");

        assertThat(files.readFile("/e2e/cmd/out.txt")).isEqualTo("line 1\nline 2\n");
        byte[] random = files.readBytes("/e2e/cmd/random.bin");
        assertThat(random).hasSize(100_000);
        assertThat(sh("od -An -tx1 -N4 /e2e/cmd/random.bin").replace(" ", "").strip())
                .isEqualTo(hex(random, 4));
        assertThat(files.getFileInfo("/e2e/cmd/random.bin").size()).isEqualTo(100_000);
    }

    // ------------------------------------------------------------------------------------------------ reading

    @Test
    void everyWayToRead_returnsTheSameBytes(@TempDir Path local) throws Exception {
        byte[] content = randomBytes(1_500_000, 4);
        files.writeFile("/e2e/read/blob.bin", content);
        files.writeFile("/e2e/read/latin1.txt", "café".getBytes(StandardCharsets.ISO_8859_1));

        assertThat(files.readBytes("/e2e/read/blob.bin")).isEqualTo(content);
        assertThat(files.readFile("/e2e/read/latin1.txt", StandardCharsets.ISO_8859_1))
                .isEqualTo("café");
        try (InputStream in = files.readStream("/e2e/read/blob.bin")) {
            assertThat(in.readAllBytes()).isEqualTo(content);
        }

        Path target = local.resolve("blob.bin");
        Files.writeString(target, "old content, replaced");
        List<long[]> progress = Collections.synchronizedList(new ArrayList<>());
        long written = files.download(
                "/e2e/read/blob.bin",
                target,
                ReadOptions.builder()
                        .listener((done, total) -> progress.add(new long[] {done, total}))
                        .timeout(Duration.ofSeconds(30))
                        .build());
        assertThat(written).isEqualTo(content.length);
        assertThat(target).hasBinaryContent(content);
        assertThat(progress.get(progress.size() - 1)).containsExactly(content.length, content.length);
        try (var listing = Files.list(local)) {
            assertThat(listing).containsExactly(target);
        }

        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertThat(files.download("/e2e/read/blob.bin", out)).isEqualTo(content.length);
        assertThat(out.toByteArray()).isEqualTo(content);

        ByteArrayOutputStream asyncOut = new ByteArrayOutputStream();
        assertThat(files.downloadAsync("/e2e/read/blob.bin", asyncOut, ReadOptions.defaults())
                        .get(30, TimeUnit.SECONDS))
                .isEqualTo(content.length);
        assertThat(asyncOut.toByteArray()).isEqualTo(content);
        Path asyncTarget = local.resolve("async.bin");
        assertThat(files.downloadAsync("/e2e/read/blob.bin", asyncTarget, ReadOptions.defaults())
                        .get(30, TimeUnit.SECONDS))
                .isEqualTo(content.length);
        assertThat(asyncTarget).hasBinaryContent(content);
    }

    @Test
    void rangedReads_returnTheRange_andA416PastTheEnd(@TempDir Path local) throws IOException {
        byte[] content = "0123456789abcdefghij".getBytes(StandardCharsets.US_ASCII);
        files.writeFile("/e2e/range/r.txt", content);

        assertThat(new String(files.readBytes("/e2e/range/r.txt", ByteRange.of(2, 5)), StandardCharsets.US_ASCII))
                .isEqualTo("2345");
        assertThat(new String(files.readBytes("/e2e/range/r.txt", ByteRange.from(15)), StandardCharsets.US_ASCII))
                .isEqualTo("fghij");
        assertThat(new String(files.readBytes("/e2e/range/r.txt", ByteRange.lastBytes(3)), StandardCharsets.US_ASCII))
                .isEqualTo("hij");
        // a range that runs past the end is cut at the end
        assertThat(new String(files.readBytes("/e2e/range/r.txt", ByteRange.of(18, 100)), StandardCharsets.US_ASCII))
                .isEqualTo("ij");
        try (InputStream in = files.readStream("/e2e/range/r.txt", ReadOptions.range(ByteRange.of(10, 12)))) {
            assertThat(new String(in.readAllBytes(), StandardCharsets.US_ASCII)).isEqualTo("abc");
        }
        Path target = local.resolve("tail.txt");
        assertThat(files.download("/e2e/range/r.txt", target, ReadOptions.range(ByteRange.from(17))))
                .isEqualTo(3);
        assertThat(target).hasContent("hij");

        assertThatThrownBy(() -> files.readBytes("/e2e/range/r.txt", ByteRange.from(20)))
                .isInstanceOfSatisfying(RangeNotSatisfiableException.class, e -> {
                    assertThat(e.statusCode()).isEqualTo(416);
                    assertThat(e.error().message()).contains("not satisfiable");
                });
        Path never = local.resolve("never.txt");
        assertThatThrownBy(() -> files.download("/e2e/range/r.txt", never, ReadOptions.range(ByteRange.from(1000))))
                .isInstanceOf(RangeNotSatisfiableException.class);
        assertThat(never).doesNotExist();
    }

    // ------------------------------------------------------------------------------------------------ metadata

    @Test
    void getFileInfo_reportsTypeSizeModeAndOwner() {
        files.writeFiles(List.of(
                WriteEntry.builder("/e2e/info/a.txt")
                        .content("12345")
                        .permissions(Permissions.builder()
                                .mode(FileMode.of("640"))
                                .owner("daemon")
                                .group("nogroup")
                                .build())
                        .build(),
                WriteEntry.of("/e2e/info/b.txt", "1")));

        FileInfo info = files.getFileInfo("/e2e/info/a.txt");
        assertThat(info.path()).isEqualTo("/e2e/info/a.txt");
        assertThat(info.type()).isEqualTo(FileType.FILE);
        assertThat(info.isFile()).isTrue();
        assertThat(info.size()).isEqualTo(5);
        assertThat(info.mode()).isEqualTo(FileMode.of("640"));
        assertThat(info.owner()).isEqualTo("daemon");
        assertThat(info.group()).isEqualTo("nogroup");
        // what getFileInfo reports can be applied as it is: the same value a write takes
        assertThat(info.permissions())
                .isEqualTo(Permissions.builder()
                        .owner("daemon")
                        .group("nogroup")
                        .mode(FileMode.of("640"))
                        .build());
        assertThat(info.modifiedAt()).isAfter(java.time.Instant.now().minus(Duration.ofMinutes(5)));

        Map<String, FileInfo> several = files.getFileInfo(List.of("/e2e/info/a.txt", "/e2e/info/b.txt", "/e2e/info"));
        assertThat(several).containsOnlyKeys("/e2e/info/a.txt", "/e2e/info/b.txt", "/e2e/info");
        assertThat(several.get("/e2e/info/b.txt").size()).isEqualTo(1);
        assertThat(several.get("/e2e/info").isDirectory()).isTrue();
    }

    @Test
    void search_matchesGlobs() {
        files.writeFiles(List.of(
                WriteEntry.of("/e2e/search/main.py", "print(1)"),
                WriteEntry.of("/e2e/search/util.py", "x = 1"),
                WriteEntry.of("/e2e/search/notes.md", "# notes"),
                WriteEntry.of("/e2e/search/pkg/deep.py", "y = 2"),
                WriteEntry.of("/e2e/search/pkg/data.json", "{}")));

        assertThat(paths(files.search("/e2e/search", "*.py")))
                .containsExactlyInAnyOrder("/e2e/search/main.py", "/e2e/search/util.py", "/e2e/search/pkg/deep.py");
        assertThat(paths(files.search("/e2e/search", "pkg/*")))
                .containsExactlyInAnyOrder("/e2e/search/pkg/deep.py", "/e2e/search/pkg/data.json");
        assertThat(paths(files.search("/e2e/search", "*.{md,json}")))
                .containsExactlyInAnyOrder("/e2e/search/notes.md", "/e2e/search/pkg/data.json");
        assertThat(files.search("/e2e/search"))
                .hasSize(5)
                .allSatisfy(info -> assertThat(info.isFile()).isTrue());
        assertThat(files.search("/e2e/search", "*.rs")).isEmpty();
        assertThatThrownBy(() -> files.search("/e2e/no-such-dir", "*")).isInstanceOf(NotFoundException.class);
    }

    private static List<String> paths(List<FileInfo> infos) {
        return infos.stream().map(FileInfo::path).collect(Collectors.toList());
    }

    @Test
    void listDirectory_toADepth() {
        files.writeFiles(List.of(
                WriteEntry.of("/e2e/list/b.txt", "b"),
                WriteEntry.of("/e2e/list/a/one.txt", "1"),
                WriteEntry.of("/e2e/list/a/inner/two.txt", "2")));

        assertThat(paths(files.listDirectory("/e2e/list"))).containsExactly("/e2e/list/a", "/e2e/list/b.txt");
        List<FileInfo> two = files.listDirectory("/e2e/list", 2);
        assertThat(paths(two))
                .containsExactly("/e2e/list/a", "/e2e/list/a/inner", "/e2e/list/a/one.txt", "/e2e/list/b.txt");
        assertThat(two.get(0).isDirectory()).isTrue();
        assertThat(two.get(2).size()).isEqualTo(1);
        assertThat(paths(files.listDirectory("/e2e/list", 3))).contains("/e2e/list/a/inner/two.txt");
    }

    // ------------------------------------------------------------------------------------------------ changes

    @Test
    void createDirectories_withParents_andModes() {
        files.createDirectories("/e2e/mkdir/one/two/three");
        files.createDirectories(
                List.of("/e2e/mkdir/private", "/e2e/mkdir/shared/sub"),
                Permissions.builder()
                        .mode(FileMode.of("700"))
                        .owner("daemon")
                        .group("nogroup")
                        .build());

        assertThat(sh("stat -c '%n %F %a' /e2e/mkdir/one/two/three /e2e/mkdir/private /e2e/mkdir/shared/sub"))
                .isEqualTo("/e2e/mkdir/one/two/three directory 755\n"
                        + "/e2e/mkdir/private directory 700\n"
                        + "/e2e/mkdir/shared/sub directory 700");
        assertThat(sh("stat -c '%U:%G' /e2e/mkdir/private")).isEqualTo("daemon:nogroup");
        // an existing directory is fine (mkdir -p)
        files.createDirectories("/e2e/mkdir/one/two");
        assertThat(files.getFileInfo("/e2e/mkdir/one/two").isDirectory()).isTrue();
    }

    @Test
    void deleteFiles_andDeleteDirectories() {
        files.writeFiles(List.of(
                WriteEntry.of("/e2e/delete/keep.txt", "k"),
                WriteEntry.of("/e2e/delete/gone1.txt", "1"),
                WriteEntry.of("/e2e/delete/gone2.txt", "2"),
                WriteEntry.of("/e2e/delete/tree/a/b/c.txt", "c"),
                WriteEntry.of("/e2e/delete/tree2/x.txt", "x")));

        files.deleteFiles(List.of("/e2e/delete/gone1.txt", "/e2e/delete/gone2.txt"));
        assertThat(sh("ls /e2e/delete")).isEqualTo("keep.txt\ntree\ntree2");

        files.deleteDirectories(List.of("/e2e/delete/tree", "/e2e/delete/tree2"));
        assertThat(sh("ls /e2e/delete")).isEqualTo("keep.txt");
        assertThatThrownBy(() -> files.getFileInfo("/e2e/delete/tree")).isInstanceOf(NotFoundException.class);
    }

    @Test
    void moveFiles_renamesAndMoves() {
        files.writeFiles(List.of(
                WriteEntry.of("/e2e/move/a.txt", "A"),
                WriteEntry.of("/e2e/move/b.txt", "B"),
                WriteEntry.of("/e2e/move/dest/.keep", "")));

        files.moveFiles(List.of(
                new MoveEntry("/e2e/move/a.txt", "/e2e/move/dest/a-moved.txt"),
                new MoveEntry("/e2e/move/b.txt", "/e2e/move/b-renamed.txt")));
        files.moveFile("/e2e/move/dest/a-moved.txt", "/e2e/move/dest/a-final.txt");

        assertThat(sh("cat /e2e/move/dest/a-final.txt /e2e/move/b-renamed.txt")).isEqualTo("AB");
        assertThat(sh("ls -A /e2e/move /e2e/move/dest"))
                .isEqualTo("/e2e/move:\nb-renamed.txt\ndest\n\n/e2e/move/dest:\n.keep\na-final.txt");
        assertThatThrownBy(() -> files.moveFile("/e2e/move/a.txt", "/e2e/move/c.txt"))
                .isInstanceOf(NotFoundException.class);
    }

    @Test
    void setPermissions_changesModeOwnerAndGroup() {
        files.writeFiles(List.of(
                WriteEntry.of("/e2e/chmod/script.sh", "#!/bin/sh\necho ok\n"),
                WriteEntry.of("/e2e/chmod/secret.txt", "s")));

        files.setPermissions("/e2e/chmod/script.sh", Permissions.mode(FileMode.of("755")));
        Map<String, Permissions> several = new LinkedHashMap<>();
        several.put(
                "/e2e/chmod/secret.txt",
                Permissions.builder()
                        .mode(FileMode.ofOctal(0600))
                        .owner("daemon")
                        .group("nogroup")
                        .build());
        several.put("/e2e/chmod", Permissions.mode(FileMode.of("750")));
        files.setPermissions(several);

        assertThat(sh("stat -c '%n %a %U:%G' /e2e/chmod/script.sh /e2e/chmod/secret.txt /e2e/chmod"))
                .isEqualTo("/e2e/chmod/script.sh 755 root:root\n"
                        + "/e2e/chmod/secret.txt 600 daemon:nogroup\n"
                        + "/e2e/chmod 750 root:root");
        assertThat(sh("/e2e/chmod/script.sh")).isEqualTo("ok");

        // only the owner: the mode stays
        files.setPermissions(
                "/e2e/chmod/script.sh", Permissions.builder().owner("daemon").build());
        assertThat(sh("stat -c '%a %U' /e2e/chmod/script.sh")).isEqualTo("755 daemon");
    }

    @Test
    void replaceContents_andTheDetailedCounts() {
        files.writeFiles(List.of(
                WriteEntry.of("/e2e/replace/config.ini", "host=old\nport=1\nbackup=old\n"),
                WriteEntry.of("/e2e/replace/other.txt", "nothing to see"),
                WriteEntry.of("/e2e/replace/plain.txt", "foo foo")));

        Map<String, Integer> counts = files.replaceContentsDetailed(List.of(
                new Replacement("/e2e/replace/config.ini", "old", "new"),
                new Replacement("/e2e/replace/other.txt", "absent", "x")));
        assertThat(counts)
                .containsExactly(Map.entry("/e2e/replace/config.ini", 2), Map.entry("/e2e/replace/other.txt", 0));
        assertThat(sh("cat /e2e/replace/config.ini")).isEqualTo("host=new\nport=1\nbackup=new");
        assertThat(sh("cat /e2e/replace/other.txt")).isEqualTo("nothing to see");

        files.replaceContents(List.of(new Replacement("/e2e/replace/plain.txt", "foo", "bär")));
        assertThat(sh("cat /e2e/replace/plain.txt")).isEqualTo("bär bär");
        assertThatThrownBy(() -> files.replaceContents(List.of(new Replacement("/e2e/replace/none.txt", "a", "b"))))
                .isInstanceOf(NotFoundException.class);
    }

    // ------------------------------------------------------------------------------------------------ names

    @Test
    void namesWithSpacesAndReservedCharacters_surviveEveryOperation() {
        String dir = "/e2e/names/dir with space & #hash";
        String name = dir + "/a b&c=d#e%20f+g?h;ü日本.txt";
        String moved = dir + "/moved 100% + ünïcödé.txt";
        files.writeFiles(List.of(WriteEntry.builder(name)
                .content("special\n")
                .mode(FileMode.of("640"))
                .build()));

        assertThat(sh("cat '" + name + "'")).isEqualTo("special");
        assertThat(sh("stat -c %a '" + name + "'")).isEqualTo("640");
        assertThat(sh("ls '" + dir + "'")).isEqualTo("a b&c=d#e%20f+g?h;ü日本.txt");
        assertThat(files.readFile(name)).isEqualTo("special\n");
        assertThat(files.getFileInfo(name).path()).isEqualTo(name);
        assertThat(paths(files.listDirectory(dir))).containsExactly(name);
        assertThat(paths(files.search(dir, "*日本.txt"))).containsExactly(name);
        assertThat(files.replaceContentsDetailed(List.of(new Replacement(name, "special", "changed"))))
                .containsEntry(name, 1);
        files.setPermissions(name, Permissions.mode(FileMode.of("600")));
        files.moveFile(name, moved);
        assertThat(sh("cat '" + moved + "'; stat -c %a '" + moved + "'")).isEqualTo("changed\n600");

        sh("printf 'by a command' > '" + dir + "/cmd & #%+ é.txt'");
        assertThat(files.readFile(dir + "/cmd & #%+ é.txt")).isEqualTo("by a command");

        files.deleteFiles(List.of(moved, dir + "/cmd & #%+ é.txt"));
        assertThat(sh("ls -A '" + dir + "'")).isEmpty();
        files.deleteDirectories(List.of(dir));
        assertThat(sh("ls /e2e/names")).isEmpty();
    }

    // ------------------------------------------------------------------------------------------------ errors

    @Test
    void missingFiles_areNotFound(@TempDir Path local) {
        assertThatThrownBy(() -> files.readBytes("/e2e/missing/none.txt"))
                .isInstanceOfSatisfying(NotFoundException.class, e -> {
                    assertThat(e.statusCode()).isEqualTo(404);
                    assertThat(e.error().code()).isEqualTo("FILE_NOT_FOUND");
                    assertThat(e.error().message()).contains("/e2e/missing/none.txt");
                });
        assertThatThrownBy(() -> files.readStream("/e2e/missing/none.txt")).isInstanceOf(NotFoundException.class);
        assertThatThrownBy(() -> files.getFileInfo("/e2e/missing/none.txt")).isInstanceOf(NotFoundException.class);
        assertThatThrownBy(() -> files.listDirectory("/e2e/missing")).isInstanceOf(NotFoundException.class);
        Path target = local.resolve("none.txt");
        assertThatThrownBy(() -> files.download("/e2e/missing/none.txt", target))
                .isInstanceOf(NotFoundException.class);
        try (var listing = Files.list(local)) {
            assertThat(listing).isEmpty();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void pathsOutsideTheRoot_areRefused_andLinksStayInside() {
        assertThatThrownBy(() -> files.readFile("/../../../etc/hostname"))
                .isInstanceOfSatisfying(SandboxApiException.class, e -> {
                    assertThat(e.statusCode()).isEqualTo(400);
                    assertThat(e.error().code()).isEqualTo("INVALID_PATH");
                });
        assertThatThrownBy(() -> files.writeFile("/e2e/../../escaped.txt", "x"))
                .isInstanceOfSatisfying(
                        SandboxApiException.class,
                        e -> assertThat(e.error().code()).isEqualTo("INVALID_PATH"));
        assertThatThrownBy(() -> files.deleteDirectories(List.of("/..")))
                .isInstanceOfSatisfying(
                        SandboxApiException.class,
                        e -> assertThat(e.error().code()).isEqualTo("INVALID_PATH"));

        // a link made by a command that points "above" the root resolves inside the sandbox
        sh("mkdir -p /e2e/links && ln -s ../../../../.. /e2e/links/up");
        files.writeFile("/e2e/links/up/e2e/links/through-link.txt", "inside");
        assertThat(sh("cat /e2e/links/through-link.txt")).isEqualTo("inside");

        // relative paths never reach the server
        assertThatThrownBy(() -> files.readFile("etc/hostname"))
                .isInstanceOf(io.opensandbox.api.InvalidArgumentException.class);
    }

    @Test
    void writingToAReadOnlySystemFolder_isPermissionDenied() {
        assertThatThrownBy(() -> files.writeFile("/usr/e2e-not-allowed.txt", "x"))
                .isInstanceOfSatisfying(PermissionDeniedException.class, e -> {
                    assertThat(e.statusCode()).isEqualTo(403);
                    assertThat(e.error().message()).contains("read-only");
                });
        assertThatThrownBy(() -> files.createDirectories("/usr/e2e-not-allowed"))
                .isInstanceOf(PermissionDeniedException.class);
        assertThat(sh("test -e /usr/e2e-not-allowed.txt || echo absent")).isEqualTo("absent");
    }

    @Test
    void aFailedUpload_neverReportsSuccess() {
        InputStream failing = new InputStream() {
            private int left = 100_000;

            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (left <= 0) {
                    throw new IOException("disk went away");
                }
                int n = Math.min(len, left);
                left -= n;
                return n;
            }
        };
        assertThatThrownBy(() -> files.writeFile(WriteEntry.builder("/e2e/failed/half.bin")
                        .content(failing)
                        .build()))
                .isInstanceOf(SandboxException.class)
                .hasMessageContaining("disk went away");
        // a source shorter than it claimed is refused too
        assertThatThrownBy(() -> files.writeFile(WriteEntry.builder("/e2e/failed/short.bin")
                        .content(new ByteArrayInputStream(new byte[10]), 20)
                        .build()))
                .isInstanceOf(SandboxException.class)
                .hasMessageContaining("ended after 10 of the 20 bytes");
        assertThat(sh("ls -A /e2e/failed 2>/dev/null; echo end")).isEqualTo("end");
    }
}
