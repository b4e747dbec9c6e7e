package io.opensandbox.pool;

import io.opensandbox.api.InvalidArgumentException;
import java.time.Instant;
import java.util.Objects;

/**
 * One idle sandbox in a pool's store: its id and when the store stops handing it out.
 *
 * @param sandboxId the sandbox id
 * @param expiresAt when the entry expires (the store's clock; Redis's server time for the Redis store)
 */
public record IdleEntry(String sandboxId, Instant expiresAt) {
    /**
     * Checks the components.
     *
     * @param sandboxId not blank
     * @param expiresAt not null
     */
    public IdleEntry {
        if (sandboxId == null || sandboxId.isBlank()) {
            throw new InvalidArgumentException("sandboxId must not be blank", null);
        }
        Objects.requireNonNull(expiresAt, "expiresAt");
    }
}
