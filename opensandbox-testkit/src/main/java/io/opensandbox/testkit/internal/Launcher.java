package io.opensandbox.testkit.internal;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Starts sandbox processes, isolated with a mount namespace and chroot (or not at all in unisolated mode). */
final class Launcher {
    private static final Logger LOG = LoggerFactory.getLogger(Launcher.class);
    private static final List<String> SYSTEM_CANDIDATES =
            List.of("usr", "etc", "opt", "bin", "sbin", "lib", "lib32", "lib64", "libx32");
    static final String PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

    private final boolean unisolated;
    private final boolean rootless;
    private final List<String> systemDirs = new ArrayList<>();
    private final List<String> systemLinks = new ArrayList<>();
    private final String setupScript;

    Launcher(boolean unisolated) {
        this.unisolated = unisolated;
        this.rootless = !"root".equals(System.getProperty("user.name"));
        for (String d : SYSTEM_CANDIDATES) {
            Path p = Path.of("/" + d);
            if (Files.isSymbolicLink(p)) {
                systemLinks.add(d);
            } else if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                systemDirs.add(d);
            }
        }
        this.setupScript = buildSetupScript();
    }

    List<String> systemDirs() {
        return unisolated ? List.of() : List.copyOf(systemDirs);
    }

    /** Checks that the isolation works here; throws with a clear message otherwise. */
    void probe(Path scratch) {
        if (unisolated) {
            LOG.warn("opensandbox-testkit runs UNISOLATED: sandbox commands run directly on the host");
            return;
        }
        List<String> cmd = new ArrayList<>(unshare(false));
        cmd.add("true");
        String problem;
        try {
            Process p = new ProcessBuilder(cmd)
                    .redirectErrorStream(true)
                    .redirectOutput(scratch.resolve("probe.log").toFile())
                    .start();
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                problem = "the probe did not finish within 10 s";
            } else if (p.exitValue() != 0) {
                problem = "exit " + p.exitValue() + ": "
                        + Files.readString(scratch.resolve("probe.log"), StandardCharsets.UTF_8)
                                .trim();
            } else {
                return;
            }
        } catch (IOException e) {
            problem = e.getMessage();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            problem = "interrupted";
        }
        throw new IllegalStateException("Linux namespaces are not available (" + String.join(" ", cmd) + " failed: "
                + problem + "). Run as root or enable unprivileged user namespaces, or start the server with"
                + " isolation(Isolation.UNISOLATED) if you accept running sandbox commands directly on the host.");
    }

    /** Creates the skeleton of a fresh sandbox root (mount points, links to the system folders, /tmp). */
    void prepareRoot(Path root) throws IOException {
        Files.createDirectories(root);
        for (String d : List.of("tmp", "root", "home", "var/tmp", "dev", "proc", "workspace")) {
            Files.createDirectories(root.resolve(d));
        }
        Files.setPosixFilePermissions(root.resolve("tmp"), PosixFilePermissions.fromString("rwxrwxrwx"));
        Files.setPosixFilePermissions(root.resolve("var/tmp"), PosixFilePermissions.fromString("rwxrwxrwx"));
        if (unisolated) {
            return;
        }
        for (String d : systemDirs) {
            Files.createDirectories(root.resolve(d));
        }
        for (String d : systemLinks) {
            Path link = root.resolve(d);
            if (!Files.exists(link, LinkOption.NOFOLLOW_LINKS)) {
                Files.createSymbolicLink(link, Files.readSymbolicLink(Path.of("/" + d)));
            }
        }
    }

    private List<String> unshare(boolean noNetwork) {
        List<String> cmd = new ArrayList<>(List.of("unshare", "--mount", "--propagation", "private"));
        if (rootless) {
            cmd.addAll(List.of("--user", "--map-root-user", "--pid", "--fork", "--kill-child"));
        }
        if (noNetwork) {
            cmd.add("--net");
        }
        return cmd;
    }

    /** What to start: a one-shot command ({@code command != null}) or a bash reading commands from stdin. */
    record Spec(
            SandboxRecord sandbox,
            @Nullable String command,
            String cwd,
            Map<String, String> envs,
            @Nullable Integer uid,
            @Nullable Integer gid,
            boolean noNetwork) {}

    Process start(Spec spec) throws IOException, ApiException {
        SandboxRecord sb = spec.sandbox();
        List<String> cmd = new ArrayList<>();
        cmd.add("setsid");
        ProcessBuilder pb = new ProcessBuilder();
        Map<String, String> env = pb.environment();
        env.clear();
        env.put("PATH", PATH);
        env.put("LANG", "C.UTF-8");
        env.put("HOSTNAME", sb.id());
        if (unisolated) {
            env.put("HOME", sb.root().resolve("root").toString());
            env.putAll(sb.env());
            env.putAll(spec.envs());
            Path dir = sb.fs().resolve(spec.cwd(), true).host();
            pb.directory(dir.toFile());
            if (spec.uid() != null) {
                cmd.addAll(List.of(
                        "setpriv",
                        "--reuid=" + spec.uid(),
                        "--regid=" + (spec.gid() != null ? spec.gid() : spec.uid()),
                        "--clear-groups"));
            }
            cmd.add("/bin/bash");
            if (spec.command() != null) {
                cmd.addAll(List.of("-c", spec.command()));
            } else {
                cmd.addAll(List.of("--noprofile", "--norc", "-s"));
            }
        } else {
            env.put("HOME", "/root");
            env.putAll(sb.env());
            env.putAll(spec.envs());
            env.put("OSB_CWD", spec.cwd());
            env.put("OSB_CMD", spec.command() == null ? "" : spec.command());
            env.put("OSB_SESSION", spec.command() == null ? "1" : "");
            String userspec = "";
            if (spec.uid() != null) {
                userspec = "--userspec=" + spec.uid() + ":" + (spec.gid() != null ? spec.gid() : spec.uid());
            }
            env.put("OSB_USERSPEC", userspec);
            env.put("OSB_ROOTLESS", rootless ? "1" : "");
            cmd.addAll(unshare(spec.noNetwork()));
            cmd.addAll(
                    List.of("/bin/sh", "-c", setupScript, "osb-setup", sb.root().toString()));
            for (SandboxFs.Mount m : sb.volumes()) {
                cmd.add(m.hostPath().toString());
                cmd.add(m.sandboxPath());
                cmd.add(m.readOnly() ? "ro" : "rw");
            }
            pb.directory(new File("/"));
        }
        pb.command(cmd);
        Process p = pb.start();
        sb.processes().add(p);
        var unused = p.onExit().thenRun(() -> sb.processes().remove(p));
        return p;
    }

    private String buildSetupScript() {
        StringBuilder s = new StringBuilder();
        s.append("R=$1; shift\n");
        s.append("fail() { echo \"opensandbox-testkit: $*\" >&2; exit 126; }\n");
        for (String d : systemDirs) {
            s.append("mount --rbind /")
                    .append(d)
                    .append(" \"$R/")
                    .append(d)
                    .append("\" || fail 'cannot mount /")
                    .append(d)
                    .append("'\n");
            s.append("mount -o remount,bind,ro \"$R/")
                    .append(d)
                    .append("\" 2>/dev/null || [ -n \"$OSB_ROOTLESS\" ] || fail 'cannot remount /")
                    .append(d)
                    .append(" read-only'\n");
        }
        s.append("mount -t tmpfs -o mode=755,size=1m osb-dev \"$R/dev\" || fail 'cannot mount /dev'\n");
        s.append("for n in null zero full random urandom tty; do : > \"$R/dev/$n\";"
                + " mount --bind \"/dev/$n\" \"$R/dev/$n\" 2>/dev/null; done\n");
        s.append("ln -s /proc/self/fd \"$R/dev/fd\"; ln -s /proc/self/fd/0 \"$R/dev/stdin\";"
                + " ln -s /proc/self/fd/1 \"$R/dev/stdout\"; ln -s /proc/self/fd/2 \"$R/dev/stderr\";"
                + " mkdir -p \"$R/dev/shm\" \"$R/dev/pts\"\n");
        s.append("mount -t proc proc \"$R/proc\" 2>/dev/null || mount --rbind /proc \"$R/proc\" 2>/dev/null\n");
        s.append("while [ $# -ge 3 ]; do mkdir -p \"$R$2\"; mount --bind \"$1\" \"$R$2\" || fail \"cannot mount $2\";"
                + " if [ \"$3\" = ro ]; then mount -o remount,bind,ro \"$R$2\" || fail \"cannot remount $2\"; fi;"
                + " shift 3; done\n");
        s.append("unset OSB_ROOTLESS\n");
        s.append("U=$OSB_USERSPEC; unset OSB_USERSPEC\n");
        s.append("exec chroot $U \"$R\" /bin/sh -c '")
                .append("cd -- \"$OSB_CWD\" || exit 1; unset OSB_CWD; ")
                .append("if [ -n \"$OSB_SESSION\" ]; then unset OSB_SESSION OSB_CMD;")
                .append(" exec /bin/bash --noprofile --norc -s; fi; ")
                .append("c=$OSB_CMD; unset OSB_CMD OSB_SESSION; exec /bin/bash -c \"$c\"'\n");
        return s.toString();
    }

    /** Sends a signal to the process group of {@code p} and to each of its descendants. */
    static void signal(Process p, String signal) {
        List<String> cmd = new ArrayList<>(List.of("kill", "-s", signal, "--", "-" + p.pid(), "" + p.pid()));
        p.descendants().forEach(h -> cmd.add("" + h.pid()));
        try {
            Process k = new ProcessBuilder(cmd)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start();
            if (!k.waitFor(5, TimeUnit.SECONDS)) {
                k.destroyForcibly();
            }
        } catch (IOException e) {
            LOG.debug("kill -s {} failed: {}", signal, e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Kills every process whose root directory is {@code root}: in isolated mode that is every process of the sandbox,
     * including daemons that left the process group ({@code setsid cmd &}). Bounded by the number of host processes.
     */
    void killChrooted(Path root) {
        if (unisolated) {
            return;
        }
        Path real;
        try {
            real = root.toRealPath();
        } catch (IOException e) {
            return;
        }
        try (var pids = Files.list(Path.of("/proc"))) {
            pids.limit(1_000_000).forEach(proc -> {
                String name = String.valueOf(proc.getFileName());
                if (name.isEmpty() || !name.chars().allMatch(Character::isDigit)) {
                    return;
                }
                try {
                    if (Files.readSymbolicLink(proc.resolve("root")).equals(real)) {
                        ProcessHandle.of(Long.parseLong(name)).ifPresent(ProcessHandle::destroyForcibly);
                    }
                } catch (IOException | RuntimeException e) {
                    // gone, or not ours to inspect
                }
            });
        } catch (IOException e) {
            LOG.debug("cannot scan /proc: {}", e.getMessage());
        }
    }

    /** Kills a process tree for good. */
    static void kill(Process p) {
        if (!p.isAlive()) {
            return;
        }
        signal(p, "KILL");
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
    }
}
