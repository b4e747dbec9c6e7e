package io.opensandbox.files;

import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Owner, group and mode to apply to a file or directory; each is optional. An unset mode is left as it is. Owner
 * and group follow execd's rule: one that is set and names a known user or group is applied, an unknown name is
 * ignored (execd only logs it), and when neither is applied execd gives the file its own user and group (root in
 * the usual image), so an unset owner and group are not "left as they are" for a file that someone else owned.
 * Immutable; made with {@link #builder()} or the shortcut {@link #mode(FileMode)}.
 */
public final class Permissions {
    private final @Nullable String owner;
    private final @Nullable String group;
    private final @Nullable FileMode mode;

    private Permissions(Builder builder) {
        this.owner = builder.owner;
        this.group = builder.group;
        this.mode = builder.mode;
    }

    /**
     * Starts a value with nothing set.
     *
     * @return a builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Permissions that set only the mode.
     *
     * @param mode the mode
     * @return the permissions
     */
    public static Permissions mode(FileMode mode) {
        return builder().mode(mode).build();
    }

    /**
     * The owner's user name, if set.
     *
     * @return the owner
     */
    public Optional<String> owner() {
        return Optional.ofNullable(owner);
    }

    /**
     * The group name, if set.
     *
     * @return the group
     */
    public Optional<String> group() {
        return Optional.ofNullable(group);
    }

    /**
     * The mode, if set.
     *
     * @return the mode
     */
    public Optional<FileMode> fileMode() {
        return Optional.ofNullable(mode);
    }

    /**
     * Whether nothing is set.
     *
     * @return {@code true} when owner, group and mode are all unset
     */
    public boolean isEmpty() {
        return owner == null && group == null && mode == null;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Permissions that
                && Objects.equals(owner, that.owner)
                && Objects.equals(group, that.group)
                && Objects.equals(mode, that.mode);
    }

    @Override
    public int hashCode() {
        return Objects.hash(owner, group, mode);
    }

    @Override
    public String toString() {
        return "Permissions{owner=" + owner + ", group=" + group + ", mode=" + mode + "}";
    }

    /** Builds {@link Permissions}. */
    public static final class Builder {
        private @Nullable String owner;
        private @Nullable String group;
        private @Nullable FileMode mode;

        private Builder() {}

        /**
         * Sets the owner.
         *
         * @param owner a user name in the sandbox
         * @return this builder
         */
        public Builder owner(String owner) {
            this.owner = Objects.requireNonNull(owner, "owner");
            return this;
        }

        /**
         * Sets the group.
         *
         * @param group a group name in the sandbox
         * @return this builder
         */
        public Builder group(String group) {
            this.group = Objects.requireNonNull(group, "group");
            return this;
        }

        /**
         * Sets the mode.
         *
         * @param mode the mode
         * @return this builder
         */
        public Builder mode(FileMode mode) {
            this.mode = Objects.requireNonNull(mode, "mode");
            return this;
        }

        /**
         * Builds the value.
         *
         * @return the permissions
         */
        public Permissions build() {
            return new Permissions(this);
        }
    }
}
