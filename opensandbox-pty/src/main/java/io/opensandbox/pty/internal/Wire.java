package io.opensandbox.pty.internal;

import com.fasterxml.jackson.annotation.JsonProperty;
import org.jspecify.annotations.Nullable;

/** execd's PTY REST bodies ({@code components/execd/pkg/web/model/pty.go}). */
public final class Wire {
    private Wire() {}

    /**
     * {@code POST /pty}: absent fields are left out.
     *
     * @param cwd the working directory
     * @param command the command for {@code bash -c}
     */
    public record CreateRequest(
            @Nullable String cwd, @Nullable String command) {}

    /**
     * The answer to {@code POST /pty}.
     *
     * @param sessionId the new session's id
     */
    public record CreateResponse(
            @JsonProperty("session_id") @Nullable String sessionId) {}

    /**
     * The answer to {@code GET /pty/{id}}.
     *
     * @param sessionId the id
     * @param running whether the shell runs
     * @param outputOffset the total output so far
     */
    public record Status(
            @JsonProperty("session_id") @Nullable String sessionId,
            @JsonProperty("running") boolean running,
            @JsonProperty("output_offset") long outputOffset) {}
}
