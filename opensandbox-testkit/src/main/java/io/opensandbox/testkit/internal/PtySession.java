package io.opensandbox.testkit.internal;

import com.pty4j.PtyProcess;
import com.pty4j.WinSize;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One PTY session, as execd's {@code runtime/pty_session.go}: created by {@code POST /pty}, its bash started by the
 * first WebSocket (and again by a WebSocket after it exited), its output kept in a {@link ReplayBuffer} and handed to
 * at most one attached connection at a time.
 */
final class PtySession {
    private static final Logger LOG = LoggerFactory.getLogger(PtySession.class);
    private static final int CHUNK = 32 * 1024;
    private static final long DRAIN_MS = 2000;

    /** The attached connection's output side; {@link #output} blocks while the connection is slow (back-pressure). */
    interface Sink {
        void output(byte channel, byte[] data, int len);
    }

    private final String id;
    private final SandboxRecord sandbox;
    private final String cwd;
    private final @Nullable String command;
    private final ReplayBuffer replay = new ReplayBuffer();
    private final AtomicBoolean attached = new AtomicBoolean();

    private final Object lock = new Object();
    private @Nullable Process process;
    private @Nullable OutputStream stdin;
    private boolean pty;
    private boolean closing;
    private int lastExitCode = -1;
    private @Nullable CompletableFuture<Integer> done;

    private final Object outLock = new Object();
    private @Nullable Sink sink;

    private final Object evictLock = new Object();
    private @Nullable Runnable evict;
    private long evictGen;

    PtySession(String id, SandboxRecord sandbox, String cwd, @Nullable String command) {
        this.id = id;
        this.sandbox = sandbox;
        this.cwd = cwd;
        this.command = command;
    }

    String id() {
        return id;
    }

    long outputOffset() {
        return replay.total();
    }

    // ------------------------------------------------------------ the one WebSocket

    boolean tryLock() {
        return attached.compareAndSet(false, true);
    }

    void unlock() {
        attached.set(false);
    }

    /** Registers the attached connection's eviction hook; the returned generation clears only this one. */
    long setEvict(Runnable hook) {
        synchronized (evictLock) {
            evict = hook;
            return ++evictGen;
        }
    }

    void clearEvict(long gen) {
        synchronized (evictLock) {
            if (evictGen == gen) {
                evict = null;
            }
        }
    }

    /** execd's {@code TakeoverWS}: evicts the holder and retries the lock every 10 ms until {@code timeoutMs}. */
    boolean takeover(long timeoutMs) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        while (true) {
            if (tryLock()) {
                return true;
            }
            Runnable hook;
            synchronized (evictLock) {
                hook = evict;
            }
            if (hook != null) {
                hook.run();
            }
            if (System.nanoTime() > deadline) {
                return tryLock();
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return tryLock();
            }
        }
    }

    // ------------------------------------------------------------ the process

    boolean running() {
        synchronized (lock) {
            return process != null;
        }
    }

    boolean isPty() {
        synchronized (lock) {
            return pty;
        }
    }

    /** Completes with the exit code once the process exited and its output was read; null before any start. */
    @Nullable
    CompletableFuture<Integer> done() {
        synchronized (lock) {
            return done;
        }
    }

    int exitCode() {
        synchronized (lock) {
            return lastExitCode;
        }
    }

    /** Starts bash on a pseudo-terminal of 80 x 24 ({@code pty == true}) or on three pipes. */
    void start(boolean onPty, Launcher launcher, ExecutorService io, boolean noNetwork)
            throws IOException, ApiException {
        synchronized (lock) {
            if (process != null) {
                throw new IOException("pty session already started");
            }
            if (closing) {
                throw new IOException("pty session is closing");
            }
            Launcher.Spec spec = new Launcher.Spec(sandbox, command, cwd, Map.of(), null, null, noNetwork);
            Process p = onPty ? launcher.startPty(spec, 80, 24) : launcher.start(spec);
            CompletableFuture<Integer> finished = new CompletableFuture<>();
            CountDownLatch readers = new CountDownLatch(onPty ? 1 : 2);
            process = p;
            stdin = p.getOutputStream();
            pty = onPty;
            done = finished;
            io.execute(() -> pump(p.getInputStream(), (byte) 1, readers));
            if (!onPty) {
                io.execute(() -> pump(p.getErrorStream(), (byte) 2, readers));
            }
            io.execute(() -> awaitExit(p, readers, finished));
        }
    }

    private void pump(InputStream in, byte channel, CountDownLatch readers) {
        byte[] buf = new byte[CHUNK];
        try (in) {
            int n;
            while ((n = in.read(buf)) > 0) {
                Sink s;
                synchronized (outLock) {
                    replay.write(buf, 0, n);
                    s = sink;
                }
                if (s != null) {
                    s.output(channel, buf, n);
                }
            }
        } catch (IOException e) {
            // EIO from the terminal when the last process holding it ended: normal termination
        } finally {
            readers.countDown();
        }
    }

    private void awaitExit(Process p, CountDownLatch readers, CompletableFuture<Integer> finished) {
        int code;
        try {
            code = p.waitFor();
            // the output written just before the exit goes out before the exit frame (bounded: a background job may
            // keep the terminal open)
            if (!readers.await(DRAIN_MS, TimeUnit.MILLISECONDS)) {
                LOG.debug("pty session {}: output still open {} ms after the exit", id, DRAIN_MS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            code = -1;
        }
        OutputStream in;
        synchronized (lock) {
            lastExitCode = closing ? -1 : code;
            code = lastExitCode;
            in = stdin;
            process = null;
            stdin = null;
        }
        if (in != null) {
            try {
                in.close();
            } catch (IOException e) {
                // already gone
            }
        }
        finished.complete(code);
    }

    void writeStdin(byte[] data, int off, int len) throws IOException {
        OutputStream out;
        synchronized (lock) {
            out = stdin;
        }
        if (out == null) {
            throw new IOException("session not started");
        }
        // a fresh array: pty4j's PTYOutputStream.write mishandles a non-zero offset
        byte[] copy = new byte[len];
        System.arraycopy(data, off, copy, 0, len);
        out.write(copy, 0, len);
        out.flush();
    }

    /**
     * Atomically takes the replay from {@code since} and makes {@code s} the receiver of all later output, so that a
     * reconnecting client gets every byte exactly once.
     */
    ReplayBuffer.Slice attach(long since, Sink s) {
        synchronized (outLock) {
            ReplayBuffer.Slice slice = replay.readFrom(since);
            sink = s;
            return slice;
        }
    }

    void detach(Sink s) {
        synchronized (outLock) {
            if (sink == s) {
                sink = null;
            }
        }
    }

    /**
     * execd's {@code SendSignal}: SIGINT, SIGTERM, SIGKILL, SIGQUIT and SIGHUP go to the shell's process group; other
     * names are ignored. On a terminal, that is the group of bash itself (an interactive bash puts each foreground job
     * in a group of its own, so SIGINT there reaches bash, not the job, as with execd); on pipes, the whole session.
     */
    void signal(String name) {
        String sig = switch (name) {
            case "SIGINT" -> "INT";
            case "SIGTERM" -> "TERM";
            case "SIGKILL" -> "KILL";
            case "SIGQUIT" -> "QUIT";
            case "SIGHUP" -> "HUP";
            default -> null;
        };
        Process p;
        boolean onPty;
        synchronized (lock) {
            p = process;
            onPty = pty;
        }
        if (sig == null) {
            LOG.debug("pty session {}: unknown signal {}", id, name);
            return;
        }
        if (p == null) {
            return;
        }
        if (!onPty) {
            Launcher.signal(p, sig);
            return;
        }
        Optional<ProcessHandle> root = ProcessHandle.of(p.pid());
        List<ProcessHandle> tree = new ArrayList<>();
        root.ifPresent(tree::add);
        root.ifPresent(h -> h.descendants().forEach(tree::add));
        for (ProcessHandle h : tree) {
            if (h.info().command().map(c -> c.endsWith("/bash")).orElse(false)) {
                String group = processGroup(h.pid());
                if (group != null) {
                    kill(sig, "-" + group);
                    return;
                }
            }
        }
        kill(sig, "-" + p.pid());
    }

    private static @Nullable String processGroup(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"), StandardCharsets.US_ASCII);
            // pid (comm) state ppid pgrp ...: comm may hold spaces, so count from the last ')'
            String[] rest = stat.substring(stat.lastIndexOf(")") + 2).split(" ", -1);
            return rest[2];
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private static void kill(String sig, String target) {
        try {
            Process k = new ProcessBuilder("kill", "-s", sig, "--", target)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start();
            if (!k.waitFor(5, TimeUnit.SECONDS)) {
                k.destroyForcibly();
            }
        } catch (IOException e) {
            LOG.debug("kill -s {} {} failed: {}", sig, target, e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Terminal size (PTY mode; a no-op on pipes or before the start). */
    void resize(int cols, int rows) {
        Process p;
        synchronized (lock) {
            p = process;
        }
        if (p instanceof PtyProcess t) {
            try {
                t.setWinSize(new WinSize(cols & 0xFFFF, rows & 0xFFFF));
            } catch (RuntimeException e) {
                LOG.debug("pty resize of session {} failed: {}", id, e.getMessage());
            }
        }
    }

    /** {@code DELETE /pty/{id}} and sandbox end: kills the process tree; the attached connection gets its exit. */
    void close() {
        Process p;
        synchronized (lock) {
            if (closing) {
                return;
            }
            closing = true;
            p = process;
        }
        if (p == null) {
            return;
        }
        if (p instanceof PtyProcess) {
            ProcessHandle.of(p.pid()).ifPresent(h -> {
                kill("KILL", "-" + h.pid());
                h.descendants().forEach(ProcessHandle::destroyForcibly);
            });
            p.destroyForcibly();
        } else {
            Launcher.kill(p);
        }
    }
}
