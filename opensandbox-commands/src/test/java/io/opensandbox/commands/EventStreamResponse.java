package io.opensandbox.commands;

import io.opensandbox.api.spi.TransportResponse;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Flow;

/** A 200 {@code text/event-stream} response with a given body, for fake transports; runs an action on close. */
record EventStreamResponse(Flow.Publisher<ByteBuffer> body, Runnable onClose) implements TransportResponse {
    @Override
    public int statusCode() {
        return 200;
    }

    @Override
    public Map<String, List<String>> headers() {
        return Map.of("Content-Type", List.of("text/event-stream"));
    }

    @Override
    public void close() {
        onClose.run();
    }
}
