package io.opensandbox.lifecycle;

import io.opensandbox.api.InvalidArgumentException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Which snapshots to list. Immutable.
 *
 * @param sandboxId only snapshots of this sandbox, or {@code null} for all
 * @param states any of these states; empty for all
 * @param page the page number, from 1
 * @param pageSize the page size, 1 to 200
 */
public record SnapshotFilter(@Nullable String sandboxId, List<SnapshotState> states, int page, int pageSize) {

    /** All snapshots, first page of 20. */
    public static final SnapshotFilter ALL = new SnapshotFilter(null, List.of(), 1, 20);

    /**
     * Checks and copies the components.
     *
     * @param sandboxId only snapshots of this sandbox, or {@code null} for all
     * @param states any of these states; empty for all
     * @param page the page number, from 1
     * @param pageSize the page size, 1 to 200
     */
    public SnapshotFilter {
        states = List.copyOf(states);
        if (states.contains(SnapshotState.UNKNOWN)) {
            throw new InvalidArgumentException("cannot filter by SnapshotState.UNKNOWN", null);
        }
        if (page < 1) {
            throw new InvalidArgumentException("page starts at 1, not " + page, null);
        }
        if (pageSize < 1 || pageSize > 200) {
            throw new InvalidArgumentException("pageSize must be between 1 and 200, not " + pageSize, null);
        }
    }

    /**
     * The sandbox filtered on.
     *
     * @return the sandbox id
     */
    public Optional<String> sandbox() {
        return Optional.ofNullable(sandboxId);
    }

    /**
     * Starts a filter.
     *
     * @return a builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The same filter on another page.
     *
     * @param page the page number
     * @return the filter
     */
    public SnapshotFilter withPage(int page) {
        return new SnapshotFilter(sandboxId, states, page, pageSize);
    }

    /** Builds a {@link SnapshotFilter}. */
    public static final class Builder {
        private @Nullable String sandboxId;
        private final List<SnapshotState> states = new ArrayList<>();
        private int page = 1;
        private int pageSize = 20;

        private Builder() {}

        /**
         * Only snapshots of this sandbox.
         *
         * @param sandboxId the sandbox id
         * @return this builder
         */
        public Builder sandboxId(String sandboxId) {
            this.sandboxId = Objects.requireNonNull(sandboxId, "sandboxId");
            return this;
        }

        /**
         * Only snapshots in any of these states.
         *
         * @param states the states
         * @return this builder
         */
        public Builder states(SnapshotState... states) {
            this.states.addAll(List.of(states));
            return this;
        }

        /**
         * Sets the page, from 1.
         *
         * @param page the page
         * @return this builder
         */
        public Builder page(int page) {
            this.page = page;
            return this;
        }

        /**
         * Sets the page size, 1 to 200.
         *
         * @param pageSize the size
         * @return this builder
         */
        public Builder pageSize(int pageSize) {
            this.pageSize = pageSize;
            return this;
        }

        /**
         * Builds the filter.
         *
         * @return the filter
         */
        public SnapshotFilter build() {
            return new SnapshotFilter(sandboxId, states, page, pageSize);
        }
    }
}
