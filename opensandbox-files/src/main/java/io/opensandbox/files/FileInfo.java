package io.opensandbox.files;

import java.time.Instant;
import java.util.Objects;

/**
 * What execd reports about one file or directory: path, type, size, times, owner, group and mode. Immutable.
 *
 * <p>execd sends times with the sandbox's local offset and nanoseconds; they are converted to {@link Instant}s.
 */
public final class FileInfo {
    private final String path;
    private final FileType type;
    private final long size;
    private final Instant modifiedAt;
    private final Instant createdAt;
    private final String owner;
    private final String group;
    private final FileMode mode;

    private FileInfo(Builder builder) {
        this.path = Objects.requireNonNull(builder.path, "path");
        this.type = builder.type;
        this.size = builder.size;
        this.modifiedAt = builder.modifiedAt;
        this.createdAt = builder.createdAt;
        this.owner = builder.owner;
        this.group = builder.group;
        this.mode = builder.mode;
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
     * The owner's user name.
     *
     * @return the owner
     */
    public String owner() {
        return owner;
    }

    /**
     * The group name.
     *
     * @return the group
     */
    public String group() {
        return group;
    }

    /**
     * The permission bits.
     *
     * @return the mode
     */
    public FileMode mode() {
        return mode;
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
                && owner.equals(that.owner)
                && group.equals(that.group)
                && mode.equals(that.mode);
    }

    @Override
    public int hashCode() {
        return Objects.hash(path, type, size, modifiedAt, createdAt, owner, group, mode);
    }

    @Override
    public String toString() {
        return "FileInfo{" + path + ", " + type + ", " + size + " bytes, " + mode + ", " + owner + ":" + group
                + ", modified " + modifiedAt + "}";
    }

    /** Builds a {@link FileInfo}. */
    public static final class Builder {
        private final String path;
        private FileType type = FileType.UNKNOWN;
        private long size;
        private Instant modifiedAt = Instant.EPOCH;
        private Instant createdAt = Instant.EPOCH;
        private String owner = "";
        private String group = "";
        private FileMode mode = FileMode.ofOctal(0);

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
         * Sets the owner (default empty).
         *
         * @param owner the user name
         * @return this builder
         */
        public Builder owner(String owner) {
            this.owner = Objects.requireNonNull(owner, "owner");
            return this;
        }

        /**
         * Sets the group (default empty).
         *
         * @param group the group name
         * @return this builder
         */
        public Builder group(String group) {
            this.group = Objects.requireNonNull(group, "group");
            return this;
        }

        /**
         * Sets the mode (default {@code 000}).
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
         * @return the file info
         */
        public FileInfo build() {
            return new FileInfo(this);
        }
    }
}
