package io.opensandbox.api;

import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The start of one SDK call, as told to a {@link CallListener}. Immutable.
 *
 * <p>{@link #operation()} names the SDK operation in {@code area.verb} form: {@code sandbox.create},
 * {@code sandbox.getInfo}, {@code commands.run}, {@code files.download}, {@code egress.patchRules}, and so on. The
 * names are stable; new operations may be added.
 */
public final class CallStart {
    private final String operation;
    private final @Nullable String sandboxId;

    private CallStart(String operation, @Nullable String sandboxId) {
        this.operation = Objects.requireNonNull(operation, "operation");
        this.sandboxId = sandboxId;
    }

    /**
     * A call start.
     *
     * @param operation the operation's name, such as {@code commands.run}
     * @param sandboxId the sandbox the call is about, or {@code null} when it is about none (listing, create
     *     before the server answered)
     * @return the call start
     */
    public static CallStart of(String operation, @Nullable String sandboxId) {
        return new CallStart(operation, sandboxId);
    }

    /**
     * The operation's name, such as {@code commands.run}.
     *
     * @return the name
     */
    public String operation() {
        return operation;
    }

    /**
     * The sandbox the call is about.
     *
     * @return the sandbox id, when the call is about one sandbox
     */
    public Optional<String> sandboxId() {
        return Optional.ofNullable(sandboxId);
    }

    @Override
    public String toString() {
        return "CallStart{operation=" + operation + ", sandboxId=" + sandboxId + "}";
    }
}
