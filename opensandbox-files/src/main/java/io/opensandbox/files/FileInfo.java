package io.opensandbox.files;

import java.time.Instant;
import java.util.Objects;

/**
 * What execd reports about one file or directory: path, type, size, times, owner, group and mode. Immutable.
 *
 * <p>execd sends times with the sandbox's local offset and nanoseconds; they are converted to {@link Instant}s.
 */
public final class FileInfo {
    private static final FileMode NO_MODE = FileMode.ofOctal(0);

    private final String path;
    private final FileType type;
    private final long size;
    private final Instant modifiedAt;
    private final Instant createdAt;
    private final Permissions permissions;

    private FileInfo(Builder builder) {
        this.path = Objects.requireNonNull(builder.path, "path");
        this.type = builder.type;
        this.size = builder.size;
        this.modifiedAt = builder.modifiedAt;
        this.createdAt = builder.createdAt;
        this.permissions = builder.permissions;
    }

    /**
     * Starts a {@code FileInfo}; useful in tests of code that consumes listings.
     *
     * @param path the absolute path
     * @return a builder
     */
    public static Builder builder(String path) {
        return new Builder(path);
    }

    /**
     * The absolute path inside the sandbox.
     *
     * @return the path
     */
    public String path() {
        return path;
    }

    /**
     * The entry type.
     *
     * @return the type
     */
    public FileType type() {
        return type;
    }

    /**
     * The size in bytes.
     *
     * @return the size
     */
    public long size() {
        return size;
    }

    /**
     * The last modification time.
     *
     * @return the time
     */
    public Instant modifiedAt() {
        return modifiedAt;
    }

    /**
     * The creation time (on Linux execd reports the last status change).
     *
     * @return the time
     */
    public Instant createdAt() {
        return createdAt;
    }

    /**
     * The owner, group and mode as execd reported them; pass them to
     * {@link SandboxFiles#setPermissions(String, Permissions)} or {@link WriteEntry.Builder#permissions} to give
     * another file the same.
     *
     * @return the permissions
     */
    public Permissions permissions() {
        return permissions;
    }

    /**
     * The owner's user name: {@code permissions().owner()}, or empty when execd reported none.
     *
     * @return the owner
     */
    public String owner() {
        return permissions.owner().orElse("");
    }

    /**
     * The group name: {@code permissions().group()}, or empty when execd reported none.
     *
     * @return the group
     */
    public String group() {
        return permissions.group().orElse("");
    }

    /**
     * The permission bits: {@code permissions().fileMode()}, or {@code 000} when execd reported none.
     *
     * @return the mode
     */
    public FileMode mode() {
        return permissions.fileMode().orElse(NO_MODE);
    }

    /**
     * Whether this is a regular file.
     *
     * @return {@code true} for {@link FileType#FILE}
     */
    public boolean isFile() {
        return type == FileType.FILE;
    }

    /**
     * Whether this is a directory.
     *
     * @return {@code true} for {@link FileType#DIRECTORY}
     */
    public boolean isDirectory() {
        return type == FileType.DIRECTORY;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof FileInfo that
                && path.equals(that.path)
                && type == that.type
                && size == that.size
                && modifiedAt.equals(that.modifiedAt)
                && createdAt.equals(that.createdAt)
                && permissions.equals(that.permissions);
    }

    @Override
    public int hashCode() {
        return Objects.hash(path, type, size, modifiedAt, createdAt, permissions);
    }

    @Override
    public String toString() {
        return "FileInfo{" + path + ", " + type + ", " + size + " bytes, " + mode() + ", " + owner() + ":" + group()
                + ", modified " + modifiedAt + "}";
    }

    /** Builds a {@link FileInfo}. */
    public static final class Builder {
        private final String path;
        private FileType type = FileType.UNKNOWN;
        private long size;
        private Instant modifiedAt = Instant.EPOCH;
        private Instant createdAt = Instant.EPOCH;
        private Permissions permissions = Permissions.builder().build();

        private Builder(String path) {
            this.path = Objects.requireNonNull(path, "path");
        }

        /**
         * Sets the type (default {@link FileType#UNKNOWN}).
         *
         * @param type the type
         * @return this builder
         */
        public Builder type(FileType type) {
            this.type = Objects.requireNonNull(type, "type");
            return this;
        }

        /**
         * Sets the size (default 0).
         *
         * @param size bytes
         * @return this builder
         */
        public Builder size(long size) {
            this.size = size;
            return this;
        }

        /**
         * Sets the modification time (default the epoch).
         *
         * @param modifiedAt the time
         * @return this builder
         */
        public Builder modifiedAt(Instant modifiedAt) {
            this.modifiedAt = Objects.requireNonNull(modifiedAt, "modifiedAt");
            return this;
        }

        /**
         * Sets the creation time (default the epoch).
         *
         * @param createdAt the time
         * @return this builder
         */
        public Builder createdAt(Instant createdAt) {
            this.createdAt = Objects.requireNonNull(createdAt, "createdAt");
            return this;
        }

        /**
         * Sets the owner, group and mode (default: none of them, read back as empty names and mode {@code 000}).
         *
         * @param permissions the permissions
         * @return this builder
         */
        public Builder permissions(Permissions permissions) {
            this.permissions = Objects.requireNonNull(permissions, "permissions");
            return this;
        }

        /**
         * Builds the value.
         *
         * @return the file info
         */
        public FileInfo build() {
            return new FileInfo(this);
        }
    }
}
