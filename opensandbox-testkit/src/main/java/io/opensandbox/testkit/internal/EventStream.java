package io.opensandbox.testkit.internal;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.OutputStream;

/** execd's event stream: each event is a raw JSON object followed by a blank line, flushed at once. */
final class EventStream {
    private final OutputStream out;
    private boolean broken;

    EventStream(HttpExchange ex) throws IOException {
        ex.getResponseHeaders().set("Content-Type", "text/event-stream");
        ex.getResponseHeaders().set("Cache-Control", "no-cache");
        ex.getResponseHeaders().set("X-Accel-Buffering", "no");
        ex.sendResponseHeaders(200, 0);
        this.out = ex.getResponseBody();
    }

    /** Writes one event; returns false (and stops writing) once the client is gone. */
    synchronized boolean send(ObjectNode event) {
        if (broken) {
            return false;
        }
        if (!event.has("timestamp")) {
            event.put("timestamp", System.currentTimeMillis());
        }
        try {
            out.write(Json.bytes(event));
            out.write(new byte[] {'\n', '\n'});
            out.flush();
            return true;
        } catch (IOException e) {
            broken = true;
            return false;
        }
    }

    synchronized boolean broken() {
        return broken;
    }

    static ObjectNode init(String id) {
        ObjectNode e = Json.object();
        e.put("type", "init");
        e.put("text", id);
        return e;
    }

    static ObjectNode output(String type, String text, long ts) {
        ObjectNode e = Json.object();
        e.put("type", type);
        if (!text.isEmpty()) {
            e.put("text", text);
        }
        e.put("timestamp", ts);
        return e;
    }

    static ObjectNode ping() {
        ObjectNode e = Json.object();
        e.put("type", "ping");
        e.put("text", "pong");
        return e;
    }

    static ObjectNode complete(long executionTimeMs) {
        ObjectNode e = Json.object();
        e.put("type", "execution_complete");
        if (executionTimeMs > 0) {
            e.put("execution_time", executionTimeMs);
        }
        return e;
    }

    static ObjectNode error(String ename, String evalue, String traceback) {
        ObjectNode e = Json.object();
        e.put("type", "error");
        ObjectNode err = e.putObject("error");
        err.put("ename", ename);
        err.put("evalue", evalue);
        err.putArray("traceback").add(traceback);
        return e;
    }
}
