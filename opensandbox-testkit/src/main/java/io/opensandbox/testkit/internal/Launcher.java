package io.opensandbox.testkit.internal;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts sandbox processes (or not isolated at all in unisolated mode).
 *
 * <p>Isolated, each sandbox gets a <em>holder</em>: a process started once per sandbox that sets up the sandbox's view
 * (read-only binds of the host's system folders, a tmpfs {@code /dev}, a fresh read-only {@code /proc} of its own PID
 * namespace, the volumes) in a new mount and PID namespace, then enters a nested user and mount namespace, where all
 * those mounts are locked (a locked read-only mount cannot be remounted read-write, a locked mount cannot be unmounted),
 * and {@code pivot_root}s into the sandbox folder, dropping the host's root for good. It then waits as the PID
 * namespace's init, reaping orphans, until the server kills it or its stdin (a pipe from the server) ends. Every
 * command enters the holder's namespaces with {@code nsenter}, so daemons a command leaves behind live on in the
 * sandbox until the holder is killed. As root, the nested user namespace maps all ids to themselves (written by the
 * server to {@code /proc/PID/uid_map}), so commands may switch to any uid/gid; its root has capabilities only over the
 * sandbox's own namespaces. Without root, the user namespaces map the server's user to root.
 */
final class Launcher {
    private static final Logger LOG = LoggerFactory.getLogger(Launcher.class);
    private static final List<String> SYSTEM_CANDIDATES =
            List.of("usr", "etc", "opt", "bin", "sbin", "lib", "lib32", "lib64", "libx32");
    static final String PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

    private final boolean unisolated;
    private final boolean rootless;
    private final List<String> systemDirs = new ArrayList<>();
    private final List<String> systemLinks = new ArrayList<>();
    private final String holderScript;
    /** The holder process of each sandbox root (isolated mode only). */
    private final Map<Path, Process> holders = new ConcurrentHashMap<>();
    /** The cgroups and rlimits of each sandbox root, set up on first use. */
    private final Map<Path, Limits.Applied> limits = new ConcurrentHashMap<>();

    private final Limits.Cgroups cgroups;
    private static final java.util.concurrent.atomic.AtomicInteger SERVERS =
            new java.util.concurrent.atomic.AtomicInteger();

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
        this.holderScript = buildHolderScript();
        this.cgroups = Limits.Cgroups.detect(
                "opensandbox-testkit-" + ProcessHandle.current().pid() + "-" + SERVERS.incrementAndGet());
    }

    /**
     * The prefix that puts a process in the sandbox's cgroups (it writes its own pid into each {@code cgroup.procs},
     * before any namespace is entered) and under its rlimits; children inherit both.
     */
    private List<String> limited(SandboxRecord sb) {
        Limits.Applied a = limits.computeIfAbsent(sb.root(), r -> cgroups.apply(sb.id(), sb.limits()));
        List<String> cmd = new ArrayList<>();
        if (!a.procsFiles().isEmpty()) {
            StringBuilder files = new StringBuilder();
            for (Path f : a.procsFiles()) {
                files.append(files.length() == 0 ? "" : ":").append(f);
            }
            cmd.addAll(List.of(
                    "/bin/sh",
                    "-c",
                    "IFS=:; for f in $1; do echo $$ > \"$f\" || exit 125; done; shift; exec \"$@\"",
                    "osb-limits",
                    files.toString()));
        }
        cmd.addAll(a.prlimit());
        cmd.add("--");
        return cmd;
    }

    /** Removes the cgroups of this server (at close). */
    void close() {
        cgroups.close();
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
        Path root = scratch.resolve("probe/fs");
        String problem;
        Process holder = null;
        try {
            prepareRoot(root);
            holder = startHolder(root, List.of(), List.of());
            List<String> cmd = new ArrayList<>(enter(holder));
            cmd.addAll(List.of("/bin/sh", "-c", "true"));
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
        } finally {
            if (holder != null) {
                kill(holder);
                try {
                    holder.waitFor(5, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
        throw new IllegalStateException("Linux namespaces are not available (unshare/nsenter/pivot_root failed: "
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

    /**
     * The command prefix that enters the namespaces and the root of {@code holder}'s sandbox. Without root the holder's
     * PID namespace belongs to the outer user namespace, so the command first enters that one (the holder process
     * itself is in it), which gives it the capabilities to join the PID namespace and then the nested user namespace.
     */
    private List<String> enter(Process holder) throws IOException {
        long init = holder.toHandle()
                .children()
                .findFirst()
                .map(ProcessHandle::pid)
                .orElseThrow(() -> new IOException("the sandbox holder has no init process"));
        List<String> cmd = new ArrayList<>();
        if (rootless) {
            // setgroups is denied in these user namespaces: keep the (mapped) credentials as they are
            cmd.addAll(List.of("nsenter", "--target", "" + holder.pid(), "--user", "--preserve-credentials", "--"));
            cmd.addAll(List.of("nsenter", "--preserve-credentials"));
        } else {
            cmd.add("nsenter");
        }
        cmd.addAll(List.of("--target", "" + init, "--user", "--mount", "--pid", "--root", "--wd", "--"));
        return cmd;
    }

    /** The running holder of a sandbox root, started on first use. */
    private Process holder(SandboxRecord sb) throws IOException {
        synchronized (holders) {
            Process h = holders.get(sb.root());
            if (h != null && h.isAlive()) {
                return h;
            }
            if (stopping(sb)) {
                throw new IOException("the sandbox is stopping");
            }
            Process started = startHolder(sb.root(), sb.volumes(), limited(sb));
            holders.put(sb.root(), started);
            sb.processes().add(started);
            var unused = started.onExit().thenRun(() -> {
                sb.processes().remove(started);
                holders.remove(sb.root(), started);
            });
            // terminate() marks the sandbox Stopping before it calls killSandbox: either it finds this holder in the
            // map, or this check sees Stopping, so no holder outlives its sandbox
            if (stopping(sb)) {
                killSandbox(sb.root());
                throw new IOException("the sandbox is stopping");
            }
            return started;
        }
    }

    private static boolean stopping(SandboxRecord sb) {
        String state = sb.state();
        return state.equals("Stopping") || state.equals("Terminated");
    }

    private Process startHolder(Path root, List<SandboxFs.Mount> volumes, List<String> limitPrefix) throws IOException {
        List<String> cmd = new ArrayList<>(List.of("setsid"));
        cmd.addAll(limitPrefix);
        cmd.add("unshare");
        if (rootless) {
            cmd.addAll(List.of("--user", "--map-root-user"));
        }
        cmd.addAll(List.of("--mount", "--propagation", "private", "--pid", "--fork", "--kill-child"));
        cmd.addAll(List.of("/bin/sh", "-c", holderScript, "osb-holder", root.toString()));
        for (SandboxFs.Mount m : volumes) {
            cmd.add(m.hostPath().toString());
            cmd.add(m.sandboxPath());
            cmd.add(m.readOnly() ? "ro" : "rw");
        }
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().clear();
        pb.environment().put("PATH", PATH);
        pb.environment().put("LANG", "C.UTF-8");
        if (rootless) {
            pb.environment().put("OSB_ROOTLESS", "1");
        }
        Path log = root.resolveSibling("holder.log");
        pb.redirectError(log.toFile()).directory(new File("/"));
        Process p = pb.start();
        // the holder's stdin stays open: when the server's JVM dies, however it dies, the holder reads end-of-file and
        // exits, and its PID namespace with every process of the sandbox goes with it
        OutputStream in = p.getOutputStream();
        try (InputStream out = p.getInputStream()) {
            awaitLine(p, out, "osb-ready", log);
            if (!rootless) {
                // the nested user namespace: every id maps to itself, so commands may run as any uid/gid
                long init = p.toHandle()
                        .children()
                        .findFirst()
                        .map(ProcessHandle::pid)
                        .orElseThrow(() -> new IOException("the sandbox holder has no init process"));
                Files.writeString(Path.of("/proc/" + init + "/uid_map"), "0 0 4294967295\n");
                Files.writeString(Path.of("/proc/" + init + "/gid_map"), "0 0 4294967295\n");
            }
            in.write("go\n".getBytes(StandardCharsets.US_ASCII));
            in.flush();
            awaitLine(p, out, "osb-up", log);
        } catch (IOException | RuntimeException e) {
            kill(p);
            throw e;
        }
        return p;
    }

    /** Reads {@code out} until the line {@code expected}; bounded by 10 s and by the holder's life. */
    private static void awaitLine(Process p, InputStream out, String expected, Path log) throws IOException {
        StringBuilder line = new StringBuilder();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            if (out.available() > 0) {
                int b = out.read();
                if (b < 0) {
                    break;
                } else if (b == '\n') {
                    if (line.toString().equals(expected)) {
                        return;
                    }
                    line.setLength(0);
                } else {
                    line.append((char) b);
                }
            } else if (!p.isAlive()) {
                break;
            } else {
                try {
                    Thread.sleep(2);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted while starting the sandbox", e);
                }
            }
        }
        String err = Files.exists(log)
                ? Files.readString(log, StandardCharsets.UTF_8).trim()
                : "";
        throw new IOException("the sandbox could not be set up (" + expected + " missing"
                + (p.isAlive() ? "" : ", exit " + p.exitValue()) + "): " + err);
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

    /** The argument vector, environment and working directory of one sandbox process. */
    private record Prepared(List<String> argv, Map<String, String> env, File dir) {}

    /**
     * What starting {@code spec} runs, for a process on pipes ({@code pty == false}, under {@code setsid}) or on a
     * pseudo-terminal ({@code pty == true}: the PTY library makes the process a session leader with the terminal as
     * its controlling terminal, so no {@code setsid}; isolated, {@link #PTY_SCRIPT} replaces {@link #COMMAND_SCRIPT}).
     */
    private Prepared prepare(Spec spec, boolean pty) throws IOException, ApiException {
        SandboxRecord sb = spec.sandbox();
        List<String> cmd = new ArrayList<>();
        if (!pty) {
            cmd.add("setsid");
        }
        cmd.addAll(limited(sb));
        Map<String, String> env = new java.util.LinkedHashMap<>();
        env.put("PATH", PATH);
        env.put("LANG", "C.UTF-8");
        env.put("HOSTNAME", sb.id());
        File dir;
        if (unisolated) {
            env.put("HOME", sb.root().resolve("root").toString());
            env.putAll(sb.env());
            env.putAll(spec.envs());
            dir = sb.fs().resolve(spec.cwd(), true).host().toFile();
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
            } else if (pty) {
                cmd.addAll(List.of("--noprofile", "--norc"));
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
            if (rootless && (isSwitch(spec.uid()) || isSwitch(spec.gid()))) {
                throw ApiException.badRequest(
                        "INVALID_REQUEST_BODY",
                        "uid/gid other than 0 need the testkit server to run as root: without root, the sandbox's user"
                                + " namespace maps only the server's user (to root)");
            }
            if (spec.uid() != null) {
                userspec = "--userspec=" + spec.uid() + ":" + (spec.gid() != null ? spec.gid() : spec.uid());
            }
            env.put("OSB_USERSPEC", userspec);
            env.put("OSB_NONET", spec.noNetwork() ? "1" : "");
            cmd.addAll(enter(holder(sb)));
            cmd.addAll(List.of("/bin/sh", "-c", pty ? PTY_SCRIPT : COMMAND_SCRIPT, "osb-run"));
            dir = new File("/");
        }
        return new Prepared(cmd, env, dir);
    }

    Process start(Spec spec) throws IOException, ApiException {
        SandboxRecord sb = spec.sandbox();
        Prepared prepared = prepare(spec, false);
        ProcessBuilder pb = new ProcessBuilder(prepared.argv());
        pb.environment().clear();
        pb.environment().putAll(prepared.env());
        pb.directory(prepared.dir());
        Process p = pb.start();
        sb.processes().add(p);
        var unused = p.onExit().thenRun(() -> sb.processes().remove(p));
        return p;
    }

    /**
     * Starts {@code spec} on a new pseudo-terminal of {@code cols} x {@code rows}: the same cgroups, rlimits,
     * namespaces, root, environment and working directory as {@link #start}. Isolated, the sandbox's {@code /dev}
     * has none of the host's terminals, so the process runs {@code script} inside the sandbox, which puts the shell on
     * a terminal of the sandbox's own {@code devpts} instance (mounted on first use) and relays it, following the
     * outer terminal's size; {@code tty} inside then names a terminal that exists there.
     *
     * <p>The returned process is not in {@link SandboxRecord#processes()} (pty4j's processes have no {@code
     * ProcessHandle}); its owner kills it, and killing the sandbox's holder ends it too.
     */
    com.pty4j.PtyProcess startPty(Spec spec, int cols, int rows) throws IOException, ApiException {
        Prepared prepared = prepare(spec, true);
        return new com.pty4j.PtyProcessBuilder(prepared.argv().toArray(new String[0]))
                .setEnvironment(prepared.env())
                .setDirectory(prepared.dir().getPath())
                .setInitialColumns(cols)
                .setInitialRows(rows)
                .setConsole(false)
                .setRedirectErrorStream(true)
                .start();
    }

    private static boolean isSwitch(@Nullable Integer id) {
        return id != null && id != 0;
    }

    /**
     * Runs inside the holder's namespaces (after nsenter): an optional empty network namespace, the uid/gid switch,
     * then bash in the working directory.
     */
    private static final String COMMAND_SCRIPT =
            "N=; if [ -n \"$OSB_NONET\" ]; then N='unshare --net'; fi; unset OSB_NONET\n"
                    + "U=$OSB_USERSPEC; unset OSB_USERSPEC\n"
                    + "exec $N chroot $U / /bin/sh -c '"
                    + "cd -- \"$OSB_CWD\" || exit 1; unset OSB_CWD; "
                    + "if [ -n \"$OSB_SESSION\" ]; then unset OSB_SESSION OSB_CMD;"
                    + " exec /bin/bash --noprofile --norc -s; fi; "
                    + "c=$OSB_CMD; unset OSB_CMD OSB_SESSION; exec /bin/bash -c \"$c\"'\n";

    /**
     * {@link #COMMAND_SCRIPT} for a process on a terminal. Inside the sandbox, the first PTY session mounts a
     * {@code devpts} instance of the sandbox's own on {@code /dev/pts} ({@code /dev/ptmx} links to it; a {@code mkdir}
     * lock keeps concurrent first sessions from stacking two); {@code script} then runs bash on a terminal of that
     * instance and relays between it and the outer terminal (raw), copying the outer size on {@code SIGWINCH}. Without
     * {@code script} or {@code devpts}, bash runs on the outer terminal directly ({@code tty} then says "not a tty").
     */
    private static final String PTY_SCRIPT =
            "N=; if [ -n \"$OSB_NONET\" ]; then N='unshare --net'; fi; unset OSB_NONET\n"
                    + "U=$OSB_USERSPEC; unset OSB_USERSPEC\n"
                    + "exec $N chroot $U / /bin/sh -c '"
                    + "cd -- \"$OSB_CWD\" || exit 1; unset OSB_CWD; "
                    + "if mkdir /dev/.osb-pts 2>/dev/null; then"
                    + " mount -t devpts -o newinstance,ptmxmode=0666,mode=0620 osb-pts /dev/pts 2>/dev/null"
                    + " && ln -sf pts/ptmx /dev/ptmx; touch /dev/.osb-pts/done; fi; "
                    + "i=0; while [ ! -e /dev/.osb-pts/done ] && [ $i -lt 200 ]; do sleep 0.01; i=$((i+1)); done; "
                    + "S=; if [ -e /dev/pts/ptmx ] && command -v script >/dev/null 2>&1; then S=1; fi; "
                    + "SHELL=/bin/bash; export SHELL; "
                    + "if [ -n \"$OSB_SESSION\" ]; then unset OSB_SESSION OSB_CMD;"
                    + " if [ -n \"$S\" ]; then exec script -q -e -c \"exec /bin/bash --noprofile --norc\" /dev/null; fi;"
                    + " exec /bin/bash --noprofile --norc; fi; "
                    + "unset OSB_SESSION; "
                    + "if [ -n \"$S\" ]; then exec script -q -e -c"
                    + " \"c=\\$OSB_CMD; unset OSB_CMD; exec /bin/bash --noprofile --norc -c \\\"\\$c\\\"\" /dev/null; fi; "
                    + "c=$OSB_CMD; unset OSB_CMD; exec /bin/bash --noprofile --norc -c \"$c\"'\n";

    /**
     * The holder: runs as PID 1 of a new PID namespace in a new mount namespace. Mounts the sandbox's view as the
     * server's user (read-only system folders and their submounts, /dev, a read-only /proc of the new PID namespace,
     * the volumes), then enters a nested user + mount namespace (the server writes its id maps between {@code
     * osb-ready} and {@code go}), where every one of those mounts is locked, pivots into the sandbox root, drops the
     * host root and waits as init (reaping orphans) until its stdin, a pipe from the server, ends.
     */
    private String buildHolderScript() {
        StringBuilder s = new StringBuilder();
        s.append("R=$1; shift\n");
        s.append("fail() { echo \"opensandbox-testkit: $*\" >&2; exit 126; }\n");
        s.append("ro() { mount -o remount,bind,ro \"$1\" 2>/dev/null || [ -n \"$OSB_ROOTLESS\" ]"
                + " || fail \"cannot remount $1 read-only\"; }\n");
        for (String d : systemDirs) {
            s.append("mount --rbind /")
                    .append(d)
                    .append(" \"$R/")
                    .append(d)
                    .append("\" || fail 'cannot mount /")
                    .append(d)
                    .append("'\n");
            // the folder and every mount below it (mountinfo field 5 is the mount point)
            s.append("for m in \"$R/")
                    .append(d)
                    .append("\" $(awk -v p=\"$R/")
                    .append(d)
                    .append("/\" 'index($5, p) == 1 { print $5 }' /proc/self/mountinfo); do ro \"$m\"; done\n");
        }
        s.append("mount -t tmpfs -o mode=755,size=1m,nosuid osb-dev \"$R/dev\" || fail 'cannot mount /dev'\n");
        s.append("for n in null zero full random urandom tty; do : > \"$R/dev/$n\";"
                + " mount --bind \"/dev/$n\" \"$R/dev/$n\" 2>/dev/null; done\n");
        s.append("ln -s /proc/self/fd \"$R/dev/fd\"; ln -s /proc/self/fd/0 \"$R/dev/stdin\";"
                + " ln -s /proc/self/fd/1 \"$R/dev/stdout\"; ln -s /proc/self/fd/2 \"$R/dev/stderr\";"
                + " mkdir -p \"$R/dev/shm\" \"$R/dev/pts\"\n");
        s.append("mount -t proc -o ro,nosuid,nodev,noexec osb-proc \"$R/proc\" || fail 'cannot mount /proc'\n");
        s.append("while [ $# -ge 3 ]; do mkdir -p \"$R$2\"; mount --bind \"$1\" \"$R$2\" || fail \"cannot mount $2\";"
                + " if [ \"$3\" = ro ]; then mount -o remount,bind,ro \"$R$2\" || fail \"cannot remount $2\"; fi;"
                + " shift 3; done\n");
        s.append("unset OSB_ROOTLESS\n");
        s.append("exec unshare --user ")
                .append(rootless ? "--map-root-user " : "")
                .append("--mount --propagation private /bin/sh -c '")
                .append("echo osb-ready; read -r go || exit 125; ")
                .append("mount --rbind \"$1\" \"$1\" && cd \"$1\" && pivot_root . . && umount -l . && cd /")
                .append(" || { echo \"opensandbox-testkit: cannot pivot into $1\" >&2; exit 126; }; ")
                .append("echo osb-up; exec /bin/bash --noprofile --norc -c \"while read -r _; do :; done\"")
                .append("' osb-init \"$R\"\n");
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
     * Kills the holder of a sandbox root: that ends its PID namespace, so every process of the sandbox dies, including
     * daemons that left the process group ({@code setsid cmd &}).
     */
    void killSandbox(Path root) {
        Process holder = holders.remove(root);
        if (holder != null) {
            kill(holder);
            try {
                holder.waitFor(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        Limits.Applied applied = limits.remove(root);
        if (applied != null) {
            Limits.Cgroups.release(applied);
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
