package io.opensandbox.commands.internal;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** execd's JSON bodies (snake_case on the wire). */
public final class Wire {
    private Wire() {}

    /**
     * {@code POST /command}.
     *
     * @param command the command line
     * @param cwd the working directory
     * @param background whether detached
     * @param timeout milliseconds
     * @param uid user id
     * @param gid group id
     * @param envs environment
     */
    public record RunCommandRequest(
            @JsonProperty("command") String command,
            @JsonProperty("cwd") @Nullable String cwd,
            @JsonProperty("background") @Nullable Boolean background,
            @JsonProperty("timeout") @Nullable Long timeout,
            @JsonProperty("uid") @Nullable Integer uid,
            @JsonProperty("gid") @Nullable Integer gid,
            @JsonProperty("envs") @Nullable Map<String, String> envs) {}

    /**
     * {@code POST /session/{id}/run}.
     *
     * @param command the command line
     * @param cwd the working directory
     * @param timeout milliseconds
     */
    public record RunInSessionRequest(
            @JsonProperty("command") String command,
            @JsonProperty("cwd") @Nullable String cwd,
            @JsonProperty("timeout") @Nullable Long timeout) {}

    /**
     * {@code POST /session}.
     *
     * @param cwd the working directory
     */
    public record CreateSessionRequest(
            @JsonProperty("cwd") @Nullable String cwd) {}

    /**
     * The answer to {@code POST /session}.
     *
     * @param sessionId the session id
     */
    public record CreateSessionResponse(
            @JsonProperty("session_id") @Nullable String sessionId) {}

    /**
     * {@code GET /command/status/{id}}.
     *
     * @param id the id
     * @param content the command line
     * @param running whether running
     * @param exitCode the exit code
     * @param error the error
     * @param startedAt RFC 3339
     * @param finishedAt RFC 3339
     */
    public record CommandStatusResponse(
            @JsonProperty("id") @Nullable String id,
            @JsonProperty("content") @Nullable String content,
            @JsonProperty("running") @Nullable Boolean running,
            @JsonProperty("exit_code") @Nullable Integer exitCode,
            @JsonProperty("error") @Nullable String error,
            @JsonProperty("started_at") @Nullable String startedAt,
            @JsonProperty("finished_at") @Nullable String finishedAt) {}

    /**
     * {@code GET /metrics} and each line of {@code /metrics/watch}.
     *
     * @param cpuCount CPUs
     * @param cpuUsedPct CPU percent
     * @param memTotalMib total MiB
     * @param memUsedMib used MiB
     * @param timestamp epoch ms
     * @param error the sampling error of a watch line
     */
    public record MetricsResponse(
            @JsonProperty("cpu_count") @Nullable Double cpuCount,
            @JsonProperty("cpu_used_pct") @Nullable Double cpuUsedPct,
            @JsonProperty("mem_total_mib") @Nullable Double memTotalMib,
            @JsonProperty("mem_used_mib") @Nullable Double memUsedMib,
            @JsonProperty("timestamp") @Nullable Long timestamp,
            @JsonProperty("error") @Nullable String error) {}
}
