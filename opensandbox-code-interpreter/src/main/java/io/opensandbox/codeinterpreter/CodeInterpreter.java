package io.opensandbox.codeinterpreter;

import com.fasterxml.jackson.core.type.TypeReference;
import io.opensandbox.api.InvalidArgumentException;
import io.opensandbox.api.SandboxError;
import io.opensandbox.api.SandboxException;
import io.opensandbox.api.SandboxHandle;
import io.opensandbox.api.SandboxTimeoutException;
import io.opensandbox.api.internal.ApiClient;
import io.opensandbox.api.internal.Durations;
import io.opensandbox.api.internal.ErrorMapper;
import io.opensandbox.api.internal.Futures;
import io.opensandbox.api.internal.Observed;
import io.opensandbox.api.internal.Transports;
import io.opensandbox.api.internal.Urls;
import io.opensandbox.api.spi.TransportResponse;
import io.opensandbox.codeinterpreter.internal.CodeRunCall;
import io.opensandbox.codeinterpreter.internal.Wire;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The code interpreter of one sandbox, through its execd endpoint: code run in stateful contexts (kernels) with its
 * output streamed to handlers as it arrives and its results as MIME bundles, contexts created, read, listed and
 * deleted, and interrupts of the code running in them. Thread-safe; cheap to create; holds no resources of
 * its own. Made with {@link #of(SandboxHandle)}; method names follow the official code-interpreter SDKs.
 *
 * <pre>{@code
 * CodeInterpreter interpreter = CodeInterpreter.of(sandbox);
 * CodeContext context = interpreter.createContext(SupportedLanguage.PYTHON, "/workspace");
 * interpreter.run(context, "x = 41");
 * String answer = interpreter.run(context, "x + 1").text().orElseThrow(); // "42"
 * List<CodeContext> python = interpreter.listContexts(SupportedLanguage.PYTHON);
 * interpreter.deleteContext(context.id());
 * }</pre>
 *
 * <p>The sandbox image must run execd with its Jupyter server (the official {@code opensandbox/code-interpreter}
 * image does); the testkit's local server emulates it for Python and Bash.
 *
 * <p>A run returns at its terminal event ({@code execution_complete}, which execd sends after a kernel error too),
 * without waiting for execd to close the connection. A stream silent for longer than the idle timeout fails with a
 * {@link SandboxTimeoutException}, and so does a run longer than {@link RunCodeOptions#timeout()}, after which the
 * context is interrupted. Every public method is reported to the config's call listener ({@code code.run},
 * {@code code.context.create}, {@code code.context.get}, {@code code.context.list}, {@code code.context.delete},
 * {@code code.context.deleteByLanguage}, {@code code.interrupt}).
 */
public final class CodeInterpreter {
    private static final TypeReference<List<Wire.Context>> CONTEXT_LIST = new TypeReference<>() {};

    private static final Logger LOG = LoggerFactory.getLogger(CodeInterpreter.class);
    private static final String RUN = "POST /code";
    private static final String EVENT_STREAM = "text/event-stream";

    private final SandboxHandle handle;
    private final @Nullable Executor handlerExecutor;
    private volatile @Nullable ApiClient client;

    private CodeInterpreter(SandboxHandle handle, @Nullable Executor handlerExecutor) {
        this.handle = Objects.requireNonNull(handle, "handle");
        this.handlerExecutor = handlerExecutor;
    }

    /**
     * The code interpreter of a sandbox. The execd endpoint is resolved on the first call, not here. Handlers of
     * asynchronous runs run on the handler threads of the sandbox's shared transport ({@code opensandbox-handler-N}).
     *
     * @param sandbox the sandbox, for example a {@code Sandbox}
     * @return the code interpreter
     */
    public static CodeInterpreter of(SandboxHandle sandbox) {
        return new CodeInterpreter(sandbox, null);
    }

    /**
     * The code interpreter of a sandbox whose asynchronous handlers run on the given executor (one event at a time
     * per run). The executor is not shut down by the SDK.
     *
     * @param sandbox the sandbox
     * @param handlerExecutor where handlers of asynchronous runs run
     * @return the code interpreter
     */
    public static CodeInterpreter of(SandboxHandle sandbox, Executor handlerExecutor) {
        return new CodeInterpreter(sandbox, Objects.requireNonNull(handlerExecutor, "handlerExecutor"));
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

    private void observedVoid(String operation, Runnable body) {
        Observed.run(handle.connectionConfig(), operation, handle.id(), () -> {
            body.run();
            return null;
        });
    }

    // ---------------------------------------------------------------- runs

    /**
     * Runs code in the default Python context (created by execd on first use) and waits for the run to end.
     *
     * @param code the code
     * @return the execution; a kernel error is {@link CodeExecution#error()}, not an exception
     * @throws SandboxException if execd refused or failed the run, or its stream broke
     */
    public CodeExecution run(String code) {
        return run(code, RunCodeOptions.defaults(), CodeExecutionHandlers.NONE);
    }

    /**
     * Runs code in the default context of {@link RunCodeOptions#language()} and waits for the run to end.
     *
     * @param code the code
     * @param options the options
     * @return the execution
     * @throws SandboxException if execd refused or failed the run, its stream broke, or its timeout passed
     */
    public CodeExecution run(String code, RunCodeOptions options) {
        return run(code, options, CodeExecutionHandlers.NONE);
    }

    /**
     * Runs code in the default context of {@link RunCodeOptions#language()}, passing its events to
     * {@code handlers} on this thread as they arrive, and waits for the run to end.
     *
     * @param code the code
     * @param options the options
     * @param handlers the handlers
     * @return the execution
     * @throws SandboxException if execd refused or failed the run, its stream broke, or its timeout passed; with
     *     code {@link SandboxError#CANCELLED} when this thread was interrupted; a handler's exception is rethrown
     *     as it is
     */
    public CodeExecution run(String code, RunCodeOptions options, CodeExecutionHandlers handlers) {
        Objects.requireNonNull(options, "options");
        return observed("code.run", () -> runBlocking(request(null, options.language(), code), options, handlers));
    }

    /**
     * Runs code in a context and waits for the run to end; the context keeps its state for the next run.
     *
     * @param context the context, from {@link #createContext(String)}
     * @param code the code
     * @return the execution
     * @throws SandboxException if execd refused or failed the run (500 {@code RUNTIME_ERROR} for an unknown
     *     context), or its stream broke
     */
    public CodeExecution run(CodeContext context, String code) {
        return run(context, code, RunCodeOptions.defaults(), CodeExecutionHandlers.NONE);
    }

    /**
     * Runs code in a context and waits for the run to end.
     *
     * @param context the context
     * @param code the code
     * @param options the options; their language is not used
     * @return the execution
     * @throws SandboxException as for {@link #run(CodeContext, String)}, or when the timeout passed
     */
    public CodeExecution run(CodeContext context, String code, RunCodeOptions options) {
        return run(context, code, options, CodeExecutionHandlers.NONE);
    }

    /**
     * Runs code in a context, passing its events to {@code handlers} on this thread as they arrive, and waits for
     * the run to end. Interrupting this thread stops reading (and, with {@link RunCodeOptions#interruptOnCancel()},
     * interrupts the context) and throws a {@link SandboxException} with code {@link SandboxError#CANCELLED}.
     *
     * @param context the context
     * @param code the code
     * @param options the options; their language is not used
     * @param handlers the handlers
     * @return the execution
     * @throws SandboxException as for {@link #run(CodeContext, String)}, or when the timeout passed; a handler's
     *     exception is rethrown as it is
     */
    public CodeExecution run(CodeContext context, String code, RunCodeOptions options, CodeExecutionHandlers handlers) {
        Objects.requireNonNull(context, "context");
        Objects.requireNonNull(options, "options");
        return observed(
                "code.run", () -> runBlocking(request(context.id(), context.language(), code), options, handlers));
    }

    /**
     * Runs code in the default context of {@link RunCodeOptions#language()} without blocking. Handlers run on the
     * handler executor, one event at a time. Cancelling the future stops reading (and, with
     * {@link RunCodeOptions#interruptOnCancel()}, interrupts the context).
     *
     * @param code the code
     * @param options the options
     * @param handlers the handlers
     * @return a future of the execution, failed with a {@link SandboxException} or a handler's exception
     */
    public CompletableFuture<CodeExecution> runAsync(
            String code, RunCodeOptions options, CodeExecutionHandlers handlers) {
        Objects.requireNonNull(options, "options");
        return Observed.runAsync(
                handle.connectionConfig(),
                "code.run",
                handle.id(),
                () -> startAsync(request(null, options.language(), code), options, handlers));
    }

    /**
     * Runs code in a context without blocking; see {@link #runAsync(String, RunCodeOptions, CodeExecutionHandlers)}.
     *
     * @param context the context
     * @param code the code
     * @param options the options; their language is not used
     * @param handlers the handlers
     * @return a future of the execution
     */
    public CompletableFuture<CodeExecution> runAsync(
            CodeContext context, String code, RunCodeOptions options, CodeExecutionHandlers handlers) {
        Objects.requireNonNull(context, "context");
        Objects.requireNonNull(options, "options");
        return Observed.runAsync(
                handle.connectionConfig(),
                "code.run",
                handle.id(),
                () -> startAsync(request(context.id(), context.language(), code), options, handlers));
    }

    private static Wire.RunCodeRequest request(@Nullable String contextId, String language, String code) {
        Objects.requireNonNull(code, "code");
        if (code.isEmpty()) {
            throw new InvalidArgumentException("code must not be empty", null);
        }
        return new Wire.RunCodeRequest(code, new Wire.ContextRef(contextId, Checks.notBlank(language, "language")));
    }

    private Duration idleTimeout(RunCodeOptions options) {
        return options.idleTimeout().orElseGet(() -> handle.connectionConfig().streamIdleTimeout());
    }

    private static CompletableFuture<TransportResponse> open(ApiClient api, Object body, Duration idle) {
        return api.call("POST", "/code")
                .json(body)
                .header("Accept", EVENT_STREAM)
                .idleTimeout(idle)
                .open();
    }

    /** Arms the run's overall time limit on the lease's timer: it aborts the request and fails the run. */
    private static @Nullable ScheduledFuture<?> limit(
            ApiClient api, RunCodeOptions options, CodeRunCall call, CompletableFuture<TransportResponse> opening) {
        Duration timeout = options.timeout().orElse(null);
        if (timeout == null) {
            return null;
        }
        Runnable expire = () -> {
            SandboxTimeoutException failure = new SandboxTimeoutException(
                    RUN + (call.contextId() == null ? "" : " (context " + call.contextId() + ")")
                            + " did not end within its timeout of " + Durations.toMillisSaturated(timeout) + " ms"
                            + (options.interruptOnCancel() ? "; the context is being interrupted" : ""),
                    null);
            opening.completeExceptionally(failure);
            call.fail(failure);
        };
        try {
            return api.lease().workers().timer().schedule(expire, timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            call.fail(e);
            return null;
        }
    }

    @SuppressWarnings("try") // the lease registration is held for the drain and released by the try
    private CodeExecution runBlocking(
            Wire.RunCodeRequest body, RunCodeOptions options, CodeExecutionHandlers handlers) {
        Objects.requireNonNull(handlers, "handlers");
        Duration idle = idleTimeout(options);
        CodeRunCall call = new CodeRunCall(handlers, options.skipAccumulation(), idle, RUN);
        ApiClient api = client();
        CompletableFuture<TransportResponse> opening = open(api, body, idle);
        ScheduledFuture<?> limit = limit(api, options, call, opening);
        try (Transports.Lease.Owned owned = api.lease().onClose(RUN, call::fail)) {
            TransportResponse response = Futures.await(opening, RUN);
            // the code may be running from here on: nothing below may fail without closing the response
            try {
                call.subscribeTo(response);
                call.drainHere();
            } catch (InterruptedException e) {
                call.cancel();
                response.close();
                interruptRemotely(options, call.contextId());
                Thread.currentThread().interrupt();
                throw new SandboxException(new SandboxError(SandboxError.CANCELLED, RUN + " was interrupted"), null, e);
            } catch (RuntimeException | Error e) {
                call.cancel();
                response.close();
                throw e;
            }
        } finally {
            if (limit != null) {
                limit.cancel(false);
            }
        }
        try {
            return outcome(call.result());
        } catch (RuntimeException e) {
            if (gaveUp(e, call)) {
                interruptRemotely(options, call.contextId());
            }
            throw e;
        }
    }

    private CompletableFuture<CodeExecution> startAsync(
            Wire.RunCodeRequest body, RunCodeOptions options, CodeExecutionHandlers handlers) {
        Objects.requireNonNull(handlers, "handlers");
        Duration idle = idleTimeout(options);
        CodeRunCall call = new CodeRunCall(handlers, options.skipAccumulation(), idle, RUN);
        CompletableFuture<TransportResponse> opening;
        Transports.Lease.Owned owned;
        ScheduledFuture<?> limit;
        try {
            ApiClient api = client();
            Executor given = handlerExecutor;
            call.drainOn(given != null ? given : api.lease().workers().handlers());
            owned = api.lease().onClose(RUN, call::fail);
            opening = open(api, body, idle);
            limit = limit(api, options, call, opening);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
        var unused = opening.whenComplete((response, failure) -> {
            if (failure != null) {
                call.fail(ErrorMapper.fromFailure(failure, RUN));
            } else if (call.isFinished()) {
                response.close();
            } else {
                try {
                    call.subscribeTo(response);
                } catch (RuntimeException e) {
                    call.fail(e);
                    response.close();
                }
            }
        });
        CompletableFuture<CodeExecution> result = call.result();
        var unusedEnd = result.whenComplete((execution, failure) -> {
            owned.close();
            if (limit != null) {
                limit.cancel(false);
            }
            if (result.isCancelled()) {
                opening.cancel(true);
                call.cancel();
            }
            if (failure != null && gaveUp(failure, call)) {
                interruptRemotely(options, call.contextId());
            }
        });
        return result;
    }

    /** Whether the caller's side ended the run (time limit, idle stream, cancel, a handler): then the code runs on. */
    private static boolean gaveUp(Throwable failure, CodeRunCall call) {
        Throwable cause = ErrorMapper.unwrap(failure);
        return call.handlerFailed()
                || cause instanceof CancellationException
                || cause instanceof SandboxTimeoutException
                || (cause instanceof SandboxException e
                        && SandboxError.CANCELLED.equals(e.error().code()));
    }

    private void interruptRemotely(RunCodeOptions options, @Nullable String contextId) {
        if (!options.interruptOnCancel() || contextId == null) {
            return;
        }
        var unused = client().call("DELETE", "/code" + Urls.query().add("id", contextId))
                .send()
                .whenComplete((response, failure) -> {
                    if (failure != null) {
                        LOG.warn(
                                "could not interrupt code context {} after the run was given up: {}",
                                contextId,
                                failure.toString());
                    }
                });
    }

    private static CodeExecution outcome(CompletableFuture<CodeExecution> result) {
        try {
            return result.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SandboxException(new SandboxError(SandboxError.CANCELLED, RUN + " was interrupted"), null, e);
        } catch (ExecutionException | CompletionException | CancellationException e) {
            Throwable cause = ErrorMapper.unwrap(e);
            if (cause instanceof RuntimeException runtime) {
                throw runtime;
            }
            if (cause instanceof Error error) {
                throw error;
            }
            throw ErrorMapper.fromFailure(cause, RUN);
        }
    }

    // ---------------------------------------------------------------- contexts

    /**
     * Creates a context: a new kernel of the language, in the server's default working directory
     * ({@code POST /code/context}).
     *
     * @param language the language, for example {@link SupportedLanguage#PYTHON}
     * @return the new context
     * @throws InvalidArgumentException if the language is blank
     * @throws SandboxException if the call fails (execd answers 500 {@code RUNTIME_ERROR} for a language it has no
     *     kernel for)
     */
    public CodeContext createContext(String language) {
        String checked = Checks.notBlank(language, "language");
        return observed("code.context.create", () -> create(checked, null));
    }

    /**
     * Creates a context whose kernel runs in a working directory, which execd creates if it is missing
     * ({@code POST /code/context} with {@code cwd}).
     *
     * @param language the language, for example {@link SupportedLanguage#PYTHON}
     * @param cwd the working directory inside the sandbox
     * @return the new context, with its {@link CodeContext#cwd()}
     * @throws InvalidArgumentException if the language or the directory is blank
     * @throws SandboxException if the call fails
     */
    public CodeContext createContext(String language, String cwd) {
        String checked = Checks.notBlank(language, "language");
        String dir = Checks.notBlank(cwd, "cwd");
        return observed("code.context.create", () -> create(checked, dir));
    }

    private CodeContext create(String language, @Nullable String cwd) {
        Wire.Context created = client().call("POST", "/code/context")
                .json(new Wire.CreateContextRequest(language, cwd))
                .as(Wire.Context.class);
        String id = created.id();
        if (id == null || id.isEmpty()) {
            throw new SandboxException(
                    SandboxError.UNEXPECTED_RESPONSE, "POST /code/context answered without a context id");
        }
        String answeredLanguage = created.language();
        String answeredCwd = created.cwd();
        return CodeContext.of(
                id,
                answeredLanguage == null || answeredLanguage.isEmpty() ? language : answeredLanguage,
                answeredCwd == null || answeredCwd.isEmpty() ? cwd : answeredCwd);
    }

    /**
     * Reads a context ({@code GET /code/contexts/{id}}). execd does not report the working directory here.
     *
     * @param contextId the context id
     * @return the context
     * @throws InvalidArgumentException if the id is blank
     * @throws io.opensandbox.api.NotFoundException if execd has no such context ({@code CONTEXT_NOT_FOUND})
     * @throws SandboxException if the call fails
     */
    public CodeContext getContext(String contextId) {
        String id = Checks.notBlank(contextId, "context id");
        return observed("code.context.get", () -> {
            Wire.Context context =
                    client().call("GET", "/code/contexts/" + Urls.segment(id)).as(Wire.Context.class);
            return toContext(context, id, null);
        });
    }

    /**
     * Lists every context of every language ({@code GET /code/contexts}), the languages' default contexts included.
     *
     * @return the contexts, in the server's order
     * @throws SandboxException if the call fails
     */
    public List<CodeContext> listContexts() {
        return observed("code.context.list", () -> list(client().call("GET", "/code/contexts")));
    }

    /**
     * Lists the contexts of one language ({@code GET /code/contexts?language=}), its default context included.
     *
     * @param language the language
     * @return the contexts, in the server's order
     * @throws InvalidArgumentException if the language is blank
     * @throws SandboxException if the call fails
     */
    public List<CodeContext> listContexts(String language) {
        String checked = Checks.notBlank(language, "language");
        return observed(
                "code.context.list",
                () -> list(client().call("GET", "/code/contexts" + Urls.query().add("language", checked))));
    }

    private static List<CodeContext> list(ApiClient.Call call) {
        List<Wire.Context> contexts = call.as(CONTEXT_LIST);
        List<CodeContext> out = new ArrayList<>();
        if (contexts != null) {
            for (Wire.Context context : contexts) {
                String id = context == null ? null : context.id();
                if (id != null && !id.isEmpty()) {
                    out.add(toContext(context, id, null));
                }
            }
        }
        return List.copyOf(out);
    }

    private static CodeContext toContext(Wire.Context context, String id, @Nullable String cwd) {
        String language = context.language();
        return CodeContext.of(id, language == null || language.isEmpty() ? "unknown" : language, cwd);
    }

    /**
     * Deletes a context and its kernel ({@code DELETE /code/contexts/{id}}).
     *
     * @param contextId the context id
     * @throws InvalidArgumentException if the id is blank
     * @throws io.opensandbox.api.NotFoundException if execd has no such context
     * @throws SandboxException if the call fails
     */
    public void deleteContext(String contextId) {
        String id = Checks.notBlank(contextId, "context id");
        observedVoid(
                "code.context.delete",
                () -> client().call("DELETE", "/code/contexts/" + Urls.segment(id))
                        .execute());
    }

    /**
     * Deletes every context of a language, its default context included ({@code DELETE /code/contexts?language=});
     * a language without contexts is not an error.
     *
     * @param language the language
     * @throws InvalidArgumentException if the language is blank
     * @throws SandboxException if the call fails
     */
    public void deleteContexts(String language) {
        String checked = Checks.notBlank(language, "language");
        observedVoid(
                "code.context.deleteByLanguage",
                () -> client().call("DELETE", "/code/contexts" + Urls.query().add("language", checked))
                        .execute());
    }

    /**
     * Interrupts the code running in a context ({@code DELETE /code?id=}), as Jupyter's interrupt does: the running
     * run ends with the kernel's error (for Python a {@code KeyboardInterrupt}) and the context keeps its state. An
     * idle context is left as it is.
     *
     * @param contextId the context id (also {@link CodeExecution#contextId()})
     * @throws InvalidArgumentException if the id is blank
     * @throws SandboxException if the call fails (execd answers 500 {@code RUNTIME_ERROR} for an unknown id)
     */
    public void interrupt(String contextId) {
        String id = Checks.notBlank(contextId, "context id");
        observedVoid(
                "code.interrupt",
                () -> client().call("DELETE", "/code" + Urls.query().add("id", id))
                        .execute());
    }

    @Override
    public String toString() {
        return "CodeInterpreter{sandbox=" + handle.id() + "}";
    }
}
