package io.opensandbox.testkit.internal;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/** A command run through {@code POST /command}: its output log, live event queue and final status. */
final class CommandRecord implements LinePump.Sink {
    /** An item of the live queue: an output line, or the end of one of the two streams. */
    record Item(String type, @Nullable String text, long timestamp) {}

    private static final int MAX_LOG_LINES = 200_000;

    private final String id;
    private final String content;
    private final Instant startedAt;
    private final List<String> log = new ArrayList<>();
    private final @Nullable BlockingQueue<Item> live;
    private @Nullable Process process;
    private boolean running = true;
    private @Nullable Integer exitCode;
    private @Nullable String error;
    private @Nullable Instant finishedAt;

    CommandRecord(String id, String content, boolean streamed) {
        this.id = id;
        this.content = content;
        this.startedAt = Instant.now();
        this.live = streamed ? new LinkedBlockingQueue<>(10_000) : null;
    }

    String id() {
        return id;
    }

    @Nullable
    BlockingQueue<Item> live() {
        return live;
    }

    synchronized void process(Process p) {
        this.process = p;
    }

    synchronized @Nullable Process process() {
        return process;
    }

    @Override
    public void line(String type, String text) {
        synchronized (this) {
            if (log.size() < MAX_LOG_LINES) {
                log.add(text);
            }
        }
        offer(new Item(type, text, System.currentTimeMillis()));
    }

    @Override
    public void eof(String type) {
        offer(new Item(type, null, System.currentTimeMillis()));
    }

    private void offer(Item item) {
        BlockingQueue<Item> q = live;
        if (q == null) {
            return;
        }
        try {
            // back-pressure on the process while the client reads; give up on a stuck client
            q.offer(item, 30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    synchronized void finish(@Nullable Integer exit, @Nullable String err) {
        if (!running) {
            return;
        }
        running = false;
        exitCode = exit;
        error = err;
        finishedAt = Instant.now();
    }

    synchronized boolean running() {
        return running;
    }

    /** Lines after {@code cursor}, and the next cursor. */
    synchronized LogSlice logs(long cursor) {
        int from = (int) Math.min(Math.max(cursor, 0), log.size());
        StringBuilder sb = new StringBuilder();
        for (int i = from; i < log.size(); i++) {
            sb.append(log.get(i)).append('\n');
        }
        return new LogSlice(sb.toString(), log.size());
    }

    record LogSlice(String content, long cursor) {}

    synchronized ObjectNode statusJson() {
        ObjectNode o = Json.object();
        o.put("id", id);
        o.put("content", content);
        o.put("running", running);
        if (exitCode == null) {
            o.putNull("exit_code");
        } else {
            o.put("exit_code", exitCode);
        }
        if (error != null) {
            o.put("error", error);
        }
        o.put("started_at", Json.time(startedAt));
        if (finishedAt != null) {
            o.put("finished_at", Json.time(finishedAt));
        } else {
            o.putNull("finished_at");
        }
        return o;
    }
}
