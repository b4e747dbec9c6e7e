package io.opensandbox.lifecycle;

import io.opensandbox.api.InvalidArgumentException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Which sandboxes to list: any of the states (OR), all of the metadata pairs (AND), and the page. Immutable.
 *
 * @param states the states, any of which matches; empty for all
 * @param metadata key-value pairs that must all match; empty for all
 * @param page the page number, from 1
 * @param pageSize the page size, 1 to 200
 */
public record SandboxFilter(List<SandboxState> states, Map<String, String> metadata, int page, int pageSize) {

    /** The filter that matches everything, first page of 20. */
    public static final SandboxFilter ALL = builder().build();

    /**
     * Checks and copies the components.
     *
     * @param states the states, any of which matches; empty for all
     * @param metadata key-value pairs that must all match; empty for all
     * @param page the page number, from 1
     * @param pageSize the page size, 1 to 200
     */
    public SandboxFilter {
        states = List.copyOf(states);
        metadata = Map.copyOf(metadata);
        if (states.contains(SandboxState.UNKNOWN)) {
            throw new InvalidArgumentException("cannot filter by SandboxState.UNKNOWN", null);
        }
        if (page < 1) {
            throw new InvalidArgumentException("page starts at 1, not " + page, null);
        }
        if (pageSize < 1 || pageSize > 200) {
            throw new InvalidArgumentException("pageSize must be between 1 and 200, not " + pageSize, null);
        }
        metadata.forEach((key, value) -> {
            if (key.isBlank()) {
                throw new InvalidArgumentException("metadata filter keys must not be blank", null);
            }
        });
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
    public SandboxFilter withPage(int page) {
        return new SandboxFilter(states, metadata, page, pageSize);
    }

    /** Builds a {@link SandboxFilter}. */
    public static final class Builder {
        private final List<SandboxState> states = new ArrayList<>();
        private final Map<String, String> metadata = new LinkedHashMap<>();
        private int page = 1;
        private int pageSize = 20;

        private Builder() {}

        /**
         * Matches sandboxes in any of these states.
         *
         * @param states the states
         * @return this builder
         */
        public Builder states(SandboxState... states) {
            this.states.addAll(List.of(states));
            return this;
        }

        /**
         * Matches sandboxes whose metadata has this pair (all pairs must match).
         *
         * @param key the key
         * @param value the value
         * @return this builder
         */
        public Builder metadata(String key, String value) {
            metadata.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
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
         * Sets the page size, 1 to 200 (default 20).
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
        public SandboxFilter build() {
            return new SandboxFilter(states, metadata, page, pageSize);
        }
    }
}
