package io.opensandbox.pty;

import io.opensandbox.api.ConflictException;
import io.opensandbox.api.NotFoundException;
import io.opensandbox.api.SandboxApiException;
import io.opensandbox.api.SandboxError;
import io.opensandbox.api.SandboxException;
import io.opensandbox.api.SandboxHandle;
import io.opensandbox.api.SandboxTimeoutException;
import io.opensandbox.api.internal.ApiClient;
import io.opensandbox.api.internal.ErrorMapper;
import io.opensandbox.api.internal.Futures;
import io.opensandbox.api.internal.Observed;
import io.opensandbox.api.internal.Urls;
import io.opensandbox.api.spi.WebSocketListener;
import io.opensandbox.api.spi.WebSocketSession;
import io.opensandbox.pty.internal.Wire;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * Interactive terminals in one sandbox, through its execd endpoint: PTY sessions created, attached over a
 * WebSocket (input, output, resize, signals), reattached without losing output, taken over from another client,
 * and deleted. Thread-safe; cheap to create; holds no resources of its own. Made with {@link #of(SandboxHandle)}.
 *
 * <pre>{@code
 * Pty pty = Pty.of(sandbox);
 * PtySession session = pty.create();
 * try (PtyConnection terminal = session.attach(new PtyListener() {
 *         public void onOutput(PtyOutput output) { System.out.print(output.text()); }
 *     })) {
 *     terminal.resize(120, 40);
 *     terminal.write("echo hi\n");
 *     ...
 * }
 * session.delete();
 * }</pre>
 *
 * <p>The WebSocket needs a transport that offers it ({@code opensandbox-transport-httpclient5} and
 * {@code opensandbox-transport-jdk} both do); with another, attaching fails with
 * {@link SandboxError#UNSUPPORTED}. execd without PTY sessions (docker/execd v1.0.9 and older) fails
 * {@link #create} with {@link SandboxError#UNSUPPORTED} too. Every public method is reported to the config's call
 * listener ({@code pty.create}, {@code pty.status}, {@code pty.delete}, {@code pty.attach}); what a connection
 * sends afterwards (input, resize, signals) is not, one keystroke being one frame.
 */
public final class Pty {
    private final SandboxHandle handle;
    private volatile @Nullable ApiClient client;

    private Pty(SandboxHandle handle) {
        this.handle = Objects.requireNonNull(handle, "handle");
    }

    /**
     * The terminals of a sandbox. The execd endpoint is resolved on the first call, not here. Listeners run on
     * the handler threads of the sandbox's shared transport ({@code opensandbox-handler-N}).
     *
     * @param sandbox the sandbox, for example a {@code Sandbox}
     * @return the terminals
     */
    public static Pty of(SandboxHandle sandbox) {
        return new Pty(sandbox);
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

    /**
     * Creates a session running an interactive bash on a pseudo-terminal. The shell starts on the first attach.
     *
     * @return the session
     * @throws SandboxException if execd refused; {@link SandboxError#UNSUPPORTED} when it has no PTY sessions
     */
    public PtySession create() {
        return create(CreatePtyOptions.defaults());
    }

    /**
     * Creates a session. The shell starts on the first attach, in the options' mode.
     *
     * @param options the command, working directory and mode
     * @return the session
     * @throws SandboxException if execd refused (a working directory that does not exist is refused);
     *     {@link SandboxError#UNSUPPORTED} when it has no PTY sessions (docker/execd v1.0.9 and older, or execd on
     *     Windows)
     */
    public PtySession create(CreatePtyOptions options) {
        Objects.requireNonNull(options, "options");
        return observed("pty.create", () -> {
            Wire.CreateResponse created;
            try {
                created = client().call("POST", "/pty")
                        .json(new Wire.CreateRequest(
                                options.workingDirectory().orElse(null),
                                options.command().orElse(null)))
                        .as(Wire.CreateResponse.class);
            } catch (SandboxApiException e) {
                if (e.statusCode() == 404 || e.statusCode() == 405 || e.statusCode() == 501) {
                    throw new SandboxException(
                            new SandboxError(
                                    SandboxError.UNSUPPORTED,
                                    "this sandbox's execd has no PTY sessions (POST /pty answered " + e.statusCode()
                                            + "); they need docker/execd v1.0.10 or newer on Linux or macOS"),
                            e.requestId().orElse(null),
                            e);
                }
                throw e;
            }
            String id = created.sessionId();
            if (id == null || id.isEmpty()) {
                throw new SandboxException(SandboxError.UNEXPECTED_RESPONSE, "POST /pty answered without a session_id");
            }
            return new PtySession(this, id, options.mode());
        });
    }

    /**
     * A session known by its id (created earlier, perhaps by another process); makes no call.
     *
     * @param sessionId the id
     * @param mode the mode to start its shell in, should this attach be the first
     * @return the session
     */
    public PtySession session(String sessionId, PtyMode mode) {
        Objects.requireNonNull(sessionId, "sessionId");
        Objects.requireNonNull(mode, "mode");
        if (sessionId.isEmpty()) {
            throw new IllegalArgumentException("sessionId must not be empty");
        }
        return new PtySession(this, sessionId, mode == PtyMode.UNKNOWN ? PtyMode.PTY : mode);
    }

    /**
     * What execd reports of a session.
     *
     * @param sessionId the id
     * @return the status
     * @throws NotFoundException if there is no such session
     */
    public PtyStatus getStatus(String sessionId) {
        Objects.requireNonNull(sessionId, "sessionId");
        return observed("pty.status", () -> {
            Wire.Status status =
                    client().call("GET", "/pty/" + Urls.segment(sessionId)).as(Wire.Status.class);
            return new PtyStatus(sessionId, status.running(), status.outputOffset());
        });
    }

    /**
     * Deletes a session: its shell is killed and a connection to it ends.
     *
     * @param sessionId the id
     * @throws NotFoundException if there is no such session
     */
    public void delete(String sessionId) {
        Objects.requireNonNull(sessionId, "sessionId");
        Object unused = observed(
                "pty.delete",
                () -> client().call("DELETE", "/pty/" + Urls.segment(sessionId)).execute());
    }

    // ------------------------------------------------------------------------------------------------ attach

    PtyConnection attach(String sessionId, PtyMode mode, AttachOptions options, PtyListener listener) {
        Objects.requireNonNull(options, "options");
        Objects.requireNonNull(listener, "listener");
        return observed("pty.attach", () -> {
            TerminalConnection connection =
                    new TerminalConnection(sessionId, mode, options, new ListenerSink(listener));
            return await(connection, connect(sessionId, mode, options, connection));
        });
    }

    CompletableFuture<PtyConnection> attachAsync(
            String sessionId, PtyMode mode, AttachOptions options, PtyListener listener) {
        Objects.requireNonNull(options, "options");
        Objects.requireNonNull(listener, "listener");
        return Observed.runAsync(handle.connectionConfig(), "pty.attach", handle.id(), () -> {
            TerminalConnection connection =
                    new TerminalConnection(sessionId, mode, options, new ListenerSink(listener));
            return connect(sessionId, mode, options, connection);
        });
    }

    PtyStreams attachStreams(String sessionId, PtyMode mode, AttachOptions options) {
        Objects.requireNonNull(options, "options");
        return observed("pty.attach", () -> {
            StreamSink sink = new StreamSink();
            TerminalConnection connection = new TerminalConnection(sessionId, mode, options, sink);
            sink.bind(connection);
            PtyConnection connected = await(connection, connect(sessionId, mode, options, connection));
            return new PtyStreams(connected, sink.reader());
        });
    }

    private static PtyConnection await(TerminalConnection connection, CompletableFuture<PtyConnection> connecting) {
        try {
            return Futures.await(connecting, "pty session " + connection.sessionId() + " attach");
        } catch (RuntimeException e) {
            connection.abort(e instanceof SandboxException s ? s : ErrorMapper.fromFailure(e, "attach"));
            throw e;
        }
    }

    /** Opens the WebSocket; completes once execd sent {@code connected}. */
    private CompletableFuture<PtyConnection> connect(
            String sessionId, PtyMode mode, AttachOptions options, TerminalConnection connection) {
        ApiClient api;
        try {
            api = client();
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
        Urls.Query query = Urls.query();
        if (mode == PtyMode.PIPE) {
            query.add("pty", "0");
        }
        if (options.since() > 0) {
            query.add("since", options.since());
        }
        if (options.takeover()) {
            query.add("takeover", "1");
        }
        String path = "/pty/" + Urls.segment(sessionId) + "/ws" + query;
        CompletableFuture<WebSocketSession> opening;
        try {
            opening = openWebSocket(api, path, connection);
        } catch (RuntimeException e) {
            opening = CompletableFuture.failedFuture(e);
        }
        CompletableFuture<WebSocketSession> unused = opening.whenComplete((session, failure) -> {
            if (failure != null) {
                connection.abort(refusal(sessionId, options, failure));
            }
        });
        ScheduledFuture<?> limit = null;
        try {
            limit = api.lease()
                    .workers()
                    .timer()
                    .schedule(
                            () -> {
                                if (!connection.connectedFuture().isDone()) {
                                    connection.abort(new SandboxTimeoutException(
                                            "pty session " + sessionId + " was not attached within "
                                                    + options.connectTimeout(),
                                            null));
                                }
                            },
                            options.connectTimeout().toNanos(),
                            TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            connection.abort(ErrorMapper.fromFailure(e, "pty session " + sessionId + " attach"));
        }
        ScheduledFuture<?> scheduled = limit;
        CompletableFuture<PtyConnection> result = connection.connectedFuture();
        CompletableFuture<PtyConnection> unusedEnd = result.whenComplete((ok, failure) -> {
            if (scheduled != null) {
                scheduled.cancel(false);
            }
        });
        return result;
    }

    private static CompletableFuture<WebSocketSession> openWebSocket(
            ApiClient api, String pathAndQuery, WebSocketListener listener) {
        return api.openWebSocket(pathAndQuery, listener);
    }

    /** What a refused handshake means for a PTY attach. */
    private static SandboxException refusal(String sessionId, AttachOptions options, Throwable failure) {
        SandboxException error = ErrorMapper.fromFailure(failure, "pty session " + sessionId + " attach");
        if (error instanceof ConflictException conflict) {
            String message = options.takeover()
                    ? "pty session " + sessionId + " is attached elsewhere and execd refused the takeover before"
                            + " the upgrade (409): this execd predates takeover (docker/execd v1.0.18 and older"
                            + " answer 409 to takeover=1); wait for the other client to detach"
                    : "pty session " + sessionId + " is attached elsewhere (409 "
                            + conflict.error().code()
                            + "); attach with AttachOptions.builder().takeover(true) to take it over";
            return new ConflictException(
                    conflict.statusCode(),
                    new SandboxError(conflict.error().code(), message),
                    conflict.requestId().orElse(null));
        }
        if (error instanceof NotFoundException notFound) {
            return new NotFoundException(
                    notFound.statusCode(),
                    new SandboxError(
                            notFound.error().code(),
                            "pty session " + sessionId + " not found (deleted, or execd restarted): "
                                    + notFound.error().message()),
                    notFound.requestId().orElse(null));
        }
        return error;
    }
}
