package io.opensandbox.commands;

import io.opensandbox.api.ConnectionConfig;
import io.opensandbox.api.InvalidArgumentException;
import io.opensandbox.api.SandboxError;
import io.opensandbox.api.SandboxException;
import io.opensandbox.api.SandboxHandle;
import io.opensandbox.api.internal.ApiClient;
import io.opensandbox.api.internal.Durations;
import io.opensandbox.api.internal.ErrorMapper;
import io.opensandbox.api.internal.Futures;
import io.opensandbox.api.internal.Json;
import io.opensandbox.api.internal.Observed;
import io.opensandbox.api.internal.Transports;
import io.opensandbox.api.internal.Urls;
import io.opensandbox.api.spi.TransportResponse;
import io.opensandbox.commands.internal.ExecutionCall;
import io.opensandbox.commands.internal.MetricsWatchCall;
import io.opensandbox.commands.internal.Wire;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Commands in one sandbox, through its execd endpoint: foreground commands streamed as they run, background
 * commands with their status and logs, interrupts, bash sessions and resource metrics. Thread-safe; cheap to
 * create. Made with {@link #of(SandboxHandle)}.
 *
 * <p>A foreground call returns as soon as the command's last event arrived, without waiting for execd to close the
 * connection. A stream that ends without that event fails with {@link io.opensandbox.api.StreamBrokenException};
 * a stream silent for longer than the idle timeout fails with {@link io.opensandbox.api.SandboxTimeoutException}.
 * A non-zero exit code is not an exception: see {@link Execution#exitCode()}.
 */
public final class Commands {
    private static final Logger LOG = LoggerFactory.getLogger(Commands.class);
    private static final String CURSOR_HEADER = "EXECD-COMMANDS-TAIL-CURSOR";
    private static final String EVENT_STREAM = "text/event-stream";
    private static final Duration MIN_POLL = Duration.ofMillis(50);
    private static final Duration MAX_POLL = ConnectionConfig.MAX_TIMEOUT;

    private final SandboxHandle handle;
    private final @Nullable Executor handlerExecutor;
    private volatile @Nullable ApiClient client;

    private Commands(SandboxHandle handle, @Nullable Executor handlerExecutor) {
        this.handle = Objects.requireNonNull(handle, "handle");
        this.handlerExecutor = handlerExecutor;
    }

    /**
     * Commands of a sandbox; asynchronous handlers run on the handler threads of the sandbox's shared transport
     * ({@code opensandbox-handler-N}, ended with its last sandbox, manager or handle).
     *
     * @param sandbox the sandbox
     * @return the commands
     */
    public static Commands of(SandboxHandle sandbox) {
        return new Commands(sandbox, null);
    }

    /**
     * Commands of a sandbox whose asynchronous handlers run on the given executor (serially per stream). The
     * executor is not shut down by the SDK.
     *
     * @param sandbox the sandbox
     * @param handlerExecutor where handlers of asynchronous runs and metrics watches run
     * @return the commands
     */
    public static Commands of(SandboxHandle sandbox, Executor handlerExecutor) {
        return new Commands(sandbox, Objects.requireNonNull(handlerExecutor, "handlerExecutor"));
    }

    private ApiClient client() {
        ApiClient current = client;
        if (current == null) {
            current = ApiClient.forPort(handle, SandboxHandle.EXECD_PORT);
            client = current;
        }
        return current;
    }

    private <T> T observed(String operation, Supplier<T> body) {
        return Observed.run(handle.connectionConfig(), operation, handle.id(), body);
    }

    private <T> CompletableFuture<T> observedAsync(String operation, Supplier<CompletableFuture<T>> body) {
        return Observed.runAsync(handle.connectionConfig(), operation, handle.id(), body);
    }

    /** The executor asynchronous handlers run on: the caller's, or the handler threads of the handle's lease. */
    private Executor handlerExecutor(ApiClient api) {
        Executor given = handlerExecutor;
        return given != null ? given : api.lease().workers().handlers();
    }

    // ---------------------------------------------------------------- foreground and background commands

    /**
     * Runs a command with the default options and waits for it to finish.
     *
     * @param command the shell command line
     * @return the execution
     * @throws SandboxException if the command could not be run or its stream broke
     */
    public Execution run(String command) {
        return run(command, RunOptions.defaults(), ExecutionHandlers.NONE);
    }

    /**
     * Runs a command and waits for it to finish.
     *
     * @param command the shell command line
     * @param options the options
     * @return the execution
     * @throws SandboxException if the command could not be run or its stream broke
     */
    public Execution run(String command, RunOptions options) {
        return run(command, options, ExecutionHandlers.NONE);
    }

    /**
     * Runs a command and waits for it to finish, passing its events to {@code handlers} on this thread as they
     * arrive. Interrupting this thread stops reading (and, with {@link RunOptions#interruptOnCancel()}, interrupts
     * the command; not for session runs) and throws a {@link SandboxException} with code {@link SandboxError#CANCELLED}.
     *
     * @param command the shell command line
     * @param options the options
     * @param handlers the handlers
     * @return the execution
     * @throws SandboxException if the command could not be run or its stream broke; an exception thrown by a
     *     handler is rethrown as it is
     */
    public Execution run(String command, RunOptions options, ExecutionHandlers handlers) {
        return observed(
                "commands.run",
                () -> runBlocking("POST /command", "/command", commandRequest(command, options), options, handlers));
    }

    /**
     * Runs a command without blocking. Handlers run on the handler executor, one event at a time. Cancelling the
     * future stops reading (and, with {@link RunOptions#interruptOnCancel()}, interrupts the command).
     *
     * @param command the shell command line
     * @param options the options
     * @param handlers the handlers
     * @return a future completed with the execution, or failed with a {@link SandboxException} or a handler's
     *     exception
     */
    public CompletableFuture<Execution> runAsync(String command, RunOptions options, ExecutionHandlers handlers) {
        return observedAsync(
                "commands.run",
                () -> startAsync("POST /command", "/command", commandRequest(command, options), options, handlers));
    }

    private static Wire.RunCommandRequest commandRequest(String command, RunOptions options) {
        Objects.requireNonNull(command, "command");
        Objects.requireNonNull(options, "options");
        if (command.isBlank()) {
            throw new InvalidArgumentException("command must not be blank", null);
        }
        return new Wire.RunCommandRequest(
                command,
                options.workingDirectory().orElse(null),
                options.background() ? Boolean.TRUE : null,
                options.timeout().map(Durations::toMillisSaturated).orElse(null),
                options.uid().isPresent() ? options.uid().getAsInt() : null,
                options.gid().isPresent() ? options.gid().getAsInt() : null,
                options.environment().isEmpty() ? null : options.environment());
    }

    private Duration idleTimeout(RunOptions options) {
        return options.idleTimeout().orElseGet(() -> handle.connectionConfig().streamIdleTimeout());
    }

    private CompletableFuture<TransportResponse> open(String path, Object body, Duration idleTimeout) {
        return client().call("POST", path)
                .json(body)
                .header("Accept", EVENT_STREAM)
                .idleTimeout(idleTimeout)
                .open();
    }

    @SuppressWarnings("try") // the lease registration is held for the drain and released by the try
    private Execution runBlocking(
            String what, String path, Object body, RunOptions options, ExecutionHandlers handlers) {
        Objects.requireNonNull(handlers, "handlers");
        Duration idle = idleTimeout(options);
        ExecutionCall call = new ExecutionCall(
                handlers, options.skipAccumulation(), options.maxRetainedOutput(), options.background(), idle, what);
        ApiClient api = client();
        TransportResponse response = Futures.await(open(path, body, idle), what);
        // The command may be running from here on: nothing below may fail without closing the response.
        try (Transports.Lease.Owned owned = api.lease().onClose(what, call::fail)) {
            call.subscribeTo(response);
            call.drainHere();
        } catch (InterruptedException e) {
            call.cancel();
            response.close();
            interruptRemotely(options, call.id());
            Thread.currentThread().interrupt();
            throw new SandboxException(new SandboxError(SandboxError.CANCELLED, what + " was interrupted"), null, e);
        } catch (RuntimeException | Error e) {
            call.cancel();
            response.close();
            throw e;
        }
        return outcome(call.result(), what);
    }

    private CompletableFuture<Execution> startAsync(
            String what, String path, Object body, RunOptions options, ExecutionHandlers handlers) {
        Objects.requireNonNull(handlers, "handlers");
        Duration idle = idleTimeout(options);
        ExecutionCall call = new ExecutionCall(
                handlers, options.skipAccumulation(), options.maxRetainedOutput(), options.background(), idle, what);
        CompletableFuture<TransportResponse> opening;
        Transports.Lease.Owned owned;
        try {
            ApiClient api = client();
            call.drainOn(handlerExecutor(api));
            owned = api.lease().onClose(what, call::fail);
            opening = open(path, body, idle);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
        var unused = opening.whenComplete((response, failure) -> {
            if (failure != null) {
                call.fail(ErrorMapper.fromFailure(failure, what));
            } else if (call.isFinished()) {
                response.close();
            } else {
                try {
                    call.subscribeTo(response);
                } catch (RuntimeException e) {
                    // the command may be running: close the response and fail the call instead of losing both
                    call.fail(e);
                    response.close();
                }
            }
        });
        CompletableFuture<Execution> result = call.result();
        var unusedCancel = result.whenComplete((execution, failure) -> {
            owned.close();
            if (result.isCancelled()) {
                opening.cancel(true);
                call.cancel();
                interruptRemotely(options, call.id());
            }
        });
        return result;
    }

    private void interruptRemotely(RunOptions options, @Nullable String id) {
        if (!options.interruptOnCancel() || id == null) {
            return;
        }
        var unused = client().call("DELETE", "/command" + Urls.query().add("id", id))
                .send()
                .whenComplete((response, failure) -> {
                    if (failure != null) {
                        LOG.warn("could not interrupt command {} after cancel: {}", id, failure.toString());
                    }
                });
    }

    private static Execution outcome(CompletableFuture<Execution> result, String what) {
        try {
            return result.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SandboxException(new SandboxError(SandboxError.CANCELLED, what + " was interrupted"), null, e);
        } catch (ExecutionException | CompletionException | CancellationException e) {
            Throwable cause = ErrorMapper.unwrap(e);
            if (cause instanceof RuntimeException runtime) {
                throw runtime;
            }
            if (cause instanceof Error error) {
                throw error;
            }
            throw ErrorMapper.fromFailure(cause, what);
        }
    }

    /**
     * Interrupts a running command ({@code DELETE /command?id=}).
     *
     * @param id the command id from {@link Execution#id()} or {@link ExecutionHandlers#onInit}
     * @throws SandboxException if execd refused
     */
    public void interrupt(String id) {
        requireId(id, "id");
        observed(
                "commands.interrupt",
                () -> client().call("DELETE", "/command" + Urls.query().add("id", id))
                        .execute());
    }

    /**
     * The status of a command, foreground or background.
     *
     * @param id the command id
     * @return the status
     * @throws io.opensandbox.api.NotFoundException if execd does not know the id
     */
    public CommandStatus getCommandStatus(String id) {
        requireId(id, "id");
        Wire.CommandStatusResponse status = observed(
                "commands.getStatus",
                () -> client().call("GET", "/command/status/" + Urls.segment(id))
                        .as(Wire.CommandStatusResponse.class));
        return CommandStatus.of(
                status.id() == null ? id : status.id(),
                status.content(),
                Boolean.TRUE.equals(status.running()),
                status.exitCode(),
                status.error() == null || status.error().isEmpty() ? null : status.error(),
                time(status.startedAt()),
                time(status.finishedAt()));
    }

    private static @Nullable Instant time(@Nullable String text) {
        Instant instant = Json.instant(text);
        // Go's zero time: the field was never set.
        return instant == null || instant.getEpochSecond() < -62_000_000_000L ? null : instant;
    }

    /**
     * The whole output of a background command so far.
     *
     * @param id the command id
     * @return the output and the cursor to continue from
     */
    public CommandLogs getBackgroundCommandLogs(String id) {
        return logs(id, null);
    }

    /**
     * The output of a background command after a cursor.
     *
     * @param id the command id
     * @param cursor the cursor from the previous {@link CommandLogs#cursor()}, zero or more
     * @return the output and the cursor to continue from
     */
    public CommandLogs getBackgroundCommandLogs(String id, long cursor) {
        if (cursor < 0) {
            throw new InvalidArgumentException("cursor must be zero or more, was " + cursor, null);
        }
        return logs(id, cursor);
    }

    private CommandLogs logs(String id, @Nullable Long cursor) {
        requireId(id, "id");
        ApiClient.Response response = observed(
                "commands.getLogs",
                () -> client().call(
                                "GET",
                                "/command/" + Urls.segment(id) + "/logs"
                                        + Urls.query().add("cursor", cursor))
                        .header("Accept", "text/plain")
                        .execute());
        String next = response.header(CURSOR_HEADER);
        Long nextCursor = null;
        if (next != null) {
            try {
                nextCursor = Long.valueOf(next.strip());
            } catch (NumberFormatException e) {
                LOG.debug("ignoring an unreadable {} header: {}", CURSOR_HEADER, next);
            }
        }
        return CommandLogs.of(new String(response.body(), StandardCharsets.UTF_8), nextCursor);
    }

    /**
     * Follows a background command until it finishes, polling at most once a second; see
     * {@link #followBackgroundCommand(String, Consumer, Duration)}.
     *
     * @param id the command id
     * @param output receives each new slice of output, on this thread
     * @return the final status
     */
    public CommandStatus followBackgroundCommand(String id, Consumer<String> output) {
        return followBackgroundCommand(id, output, Duration.ofSeconds(1));
    }

    /**
     * Follows a background command until it finishes: polls its logs and status, passing each new slice of output
     * to {@code output}, waiting between polls from 50 ms up to {@code maxPollInterval} (the wait grows while
     * nothing new arrives). Interrupting the thread stops following (the command keeps running).
     *
     * @param id the command id
     * @param output receives each new slice of output, on this thread
     * @param maxPollInterval the longest wait between two polls, from 50 ms to one day
     * @return the final status
     * @throws InvalidArgumentException if {@code maxPollInterval} is out of range, before any request
     * @throws SandboxException if a poll failed, or with code {@link SandboxError#CANCELLED} when interrupted
     */
    public CommandStatus followBackgroundCommand(String id, Consumer<String> output, Duration maxPollInterval) {
        // one operation around its polls, each of which is a commands.getStatus and commands.getLogs of its own
        return observed("commands.follow", () -> follow(id, output, maxPollInterval));
    }

    private CommandStatus follow(String id, Consumer<String> output, Duration maxPollInterval) {
        requireId(id, "id");
        Objects.requireNonNull(output, "output");
        Objects.requireNonNull(maxPollInterval, "maxPollInterval");
        if (maxPollInterval.compareTo(MIN_POLL) < 0 || maxPollInterval.compareTo(MAX_POLL) > 0) {
            throw new InvalidArgumentException(
                    "maxPollInterval must be from 50 ms to one day (" + MAX_POLL + "), was " + maxPollInterval, null);
        }
        Long cursor = null;
        Duration wait = MIN_POLL;
        while (true) {
            CommandStatus status = getCommandStatus(id);
            CommandLogs logs = logs(id, cursor);
            if (!logs.content().isEmpty()) {
                output.accept(logs.content());
                wait = MIN_POLL;
            } else {
                wait = wait.multipliedBy(2).compareTo(maxPollInterval) > 0 ? maxPollInterval : wait.multipliedBy(2);
            }
            if (logs.cursor().isPresent()) {
                cursor = logs.cursor().getAsLong();
            }
            if (!status.running()) {
                return status;
            }
            try {
                Thread.sleep(Durations.toMillisSaturated(wait));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new SandboxException(
                        new SandboxError(SandboxError.CANCELLED, "following command " + id + " was interrupted"),
                        null,
                        e);
            }
        }
    }

    // ---------------------------------------------------------------- bash sessions

    /**
     * Creates a bash session in the server's default directory. The session keeps its working directory and
     * environment between runs.
     *
     * @return the session id
     */
    public String createSession() {
        return createSession(null);
    }

    /**
     * Creates a bash session.
     *
     * @param workingDirectory the directory to start in, or {@code null} for the server's default
     * @return the session id
     */
    public String createSession(@Nullable String workingDirectory) {
        Wire.CreateSessionResponse response = observed(
                "commands.createSession",
                () -> client().call("POST", "/session")
                        .json(new Wire.CreateSessionRequest(workingDirectory))
                        .as(Wire.CreateSessionResponse.class));
        String id = response.sessionId();
        if (id == null || id.isBlank()) {
            throw new SandboxException(
                    new SandboxError(SandboxError.UNEXPECTED_RESPONSE, "POST /session returned no session_id"),
                    null,
                    null);
        }
        return id;
    }

    /**
     * Runs a command in a bash session and waits for it to finish.
     *
     * @param sessionId the session id
     * @param command the command line
     * @return the execution; its id is the session id
     */
    public Execution runInSession(String sessionId, String command) {
        return runInSession(sessionId, command, RunOptions.defaults(), ExecutionHandlers.NONE);
    }

    /**
     * Runs a command in a bash session and waits for it to finish, with handlers on this thread.
     *
     * @param sessionId the session id
     * @param command the command line
     * @param options the options; only working directory, timeout, idle timeout and skip accumulation apply
     * @param handlers the handlers
     * @return the execution; its id is the session id
     * @throws InvalidArgumentException if the options set environment, uid, gid or background
     */
    public Execution runInSession(String sessionId, String command, RunOptions options, ExecutionHandlers handlers) {
        String what = "POST /session/{id}/run";
        return observed(
                "commands.runInSession",
                () -> runBlocking(
                        what,
                        sessionPath(sessionId),
                        sessionRequest(command, options),
                        sessionOnly(options),
                        handlers));
    }

    /**
     * Runs a command in a bash session without blocking; handlers run on the handler executor.
     *
     * @param sessionId the session id
     * @param command the command line
     * @param options the options, as for {@link #runInSession(String, String, RunOptions, ExecutionHandlers)}
     * @param handlers the handlers
     * @return a future completed with the execution
     */
    public CompletableFuture<Execution> runInSessionAsync(
            String sessionId, String command, RunOptions options, ExecutionHandlers handlers) {
        String what = "POST /session/{id}/run";
        return observedAsync(
                "commands.runInSession",
                () -> startAsync(
                        what,
                        sessionPath(sessionId),
                        sessionRequest(command, options),
                        sessionOnly(options),
                        handlers));
    }

    private static String sessionPath(String sessionId) {
        requireId(sessionId, "sessionId");
        return "/session/" + Urls.segment(sessionId) + "/run";
    }

    private static Wire.RunInSessionRequest sessionRequest(String command, RunOptions options) {
        Objects.requireNonNull(command, "command");
        if (command.isBlank()) {
            throw new InvalidArgumentException("command must not be blank", null);
        }
        if (!options.environment().isEmpty()
                || options.uid().isPresent()
                || options.gid().isPresent()
                || options.background()) {
            throw new InvalidArgumentException(
                    "a bash-session run takes only workingDirectory, timeout, idleTimeout, skipAccumulation and"
                            + " maxRetainedOutput;"
                            + " set environment with 'export' inside the session",
                    null);
        }
        return new Wire.RunInSessionRequest(
                command,
                options.workingDirectory().orElse(null),
                options.timeout().map(Durations::toMillisSaturated).orElse(null));
    }

    private static RunOptions sessionOnly(RunOptions options) {
        // execd documents no interrupt for a single session run; cancelling only stops reading.
        return options.interruptOnCancel()
                ? options.toBuilder().interruptOnCancel(false).build()
                : options;
    }

    /**
     * Deletes a bash session and ends its shell.
     *
     * @param sessionId the session id
     * @throws io.opensandbox.api.NotFoundException if execd does not know it
     */
    public void deleteSession(String sessionId) {
        requireId(sessionId, "sessionId");
        observed(
                "commands.deleteSession",
                () -> client().call("DELETE", "/session/" + Urls.segment(sessionId))
                        .execute());
    }

    // ---------------------------------------------------------------- metrics

    /**
     * One sample of the sandbox's resource usage. execd measures CPU over about a second, so this takes that long.
     *
     * @return the sample
     */
    public Metrics getMetrics() {
        return MetricsWatchCall.toMetrics(observed(
                "commands.getMetrics", () -> client().call("GET", "/metrics").as(Wire.MetricsResponse.class)));
    }

    /**
     * Watches the sandbox's resource usage: about one sample a second goes to {@code listener} on the handler
     * executor until the returned watch is closed or the stream fails.
     *
     * @param listener the listener
     * @return the watch; close it to stop
     */
    public MetricsWatch watchMetrics(MetricsListener listener) {
        Objects.requireNonNull(listener, "listener");
        // one operation from the request until the watch ends (closed, or its stream failed)
        return Observed.runOpen(handle.connectionConfig(), "commands.watchMetrics", handle.id(), observation -> {
            MetricsWatchCall watch = startWatch(listener);
            var unusedEnd = watch.completion().whenComplete((ignored, failure) -> observation.end(failure));
            return watch;
        });
    }

    private MetricsWatchCall startWatch(MetricsListener listener) {
        ApiClient api = client();
        MetricsWatchCall watch = new MetricsWatchCall(handlerExecutor(api), listener);
        Transports.Lease.Owned owned = api.lease().onClose("GET /metrics/watch", watch::fail);
        var unusedDone = watch.completion().whenComplete((ignored, failure) -> owned.close());
        CompletableFuture<TransportResponse> opening = api.call("GET", "/metrics/watch")
                .header("Accept", "application/x-ndjson, " + EVENT_STREAM)
                .open();
        watch.onClose(() -> opening.cancel(true));
        var unused = opening.whenComplete((response, failure) -> {
            if (failure != null) {
                watch.fail(ErrorMapper.fromFailure(failure, "GET /metrics/watch"));
            } else if (watch.isFinished()) {
                response.close();
            } else {
                watch.subscribeTo(response);
            }
        });
        return watch;
    }

    private static void requireId(String id, String name) {
        Objects.requireNonNull(id, name);
        if (id.isBlank()) {
            throw new InvalidArgumentException(name + " must not be blank", null);
        }
        if (id.equals(".") || id.equals("..")) {
            throw new InvalidArgumentException(name + " must not be '" + id + "': a dot segment changes the URL", null);
        }
        if (id.chars().anyMatch(c -> c < ' ' || c == 0x7f)) {
            throw new InvalidArgumentException(name + " must not contain control characters", null);
        }
    }

    @Override
    public String toString() {
        return "Commands{sandbox=" + handle.id() + "}";
    }
}
