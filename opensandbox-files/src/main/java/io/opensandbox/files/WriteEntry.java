package io.opensandbox.files;

import java.io.InputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Objects;
import java.util.OptionalLong;
import org.jspecify.annotations.Nullable;

/**
 * One file to write into the sandbox: its absolute target path, its content and, optionally, the
 * {@link Permissions} (owner, group and mode) to apply to it.
 * Immutable; made with {@link #builder(String)} or the {@code of} shortcuts.
 *
 * <p>Content comes from a {@code String}, a {@code byte[]}, a local {@link Path} or an {@link InputStream}; it is
 * streamed, never loaded whole into memory (a {@code byte[]} or {@code String} is of course already in memory).
 * A {@code byte[]} is not copied: do not change it until the write has finished. An {@code InputStream} can be
 * sent only once and is closed by the SDK when the write ends, whether it succeeded or not.
 *
 * <p>Mode: when no mode is set, none is sent and execd leaves the mode as it is (a new file gets execd's default,
 * an existing file keeps its mode). Set one to {@code chmod} the file after writing. Owner and group: execd applies
 * them after every write, and with neither set (or neither name known to it) it makes its own user and group the
 * file's owner, an existing file's too; see {@link Permissions}.
 */
public final class WriteEntry {
    private final String path;
    private final Content content;
    private final Permissions permissions;

    private WriteEntry(Builder builder) {
        this.path = builder.path;
        Content set = builder.content;
        if (set == null) {
            throw new io.opensandbox.api.InvalidArgumentException(
                    "no content set for " + builder.path + "; call content(...) on the builder", null);
        }
        this.content = set;
        this.permissions = builder.permissions;
    }

    /**
     * Starts an entry.
     *
     * @param path the absolute path in the sandbox; missing parent directories are created by execd
     * @return a builder
     */
    public static Builder builder(String path) {
        return new Builder(path);
    }

    /**
     * An entry with text content, encoded as UTF-8.
     *
     * @param path the absolute path in the sandbox
     * @param text the content
     * @return the entry
     */
    public static WriteEntry of(String path, String text) {
        return builder(path).content(text).build();
    }

    /**
     * An entry with binary content.
     *
     * @param path the absolute path in the sandbox
     * @param bytes the content; not copied
     * @return the entry
     */
    public static WriteEntry of(String path, byte[] bytes) {
        return builder(path).content(bytes).build();
    }

    /**
     * An entry whose content is a local file, streamed from disk when the write runs.
     *
     * @param path the absolute path in the sandbox
     * @param source the local file
     * @return the entry
     */
    public static WriteEntry of(String path, Path source) {
        return builder(path).content(source).build();
    }

    /**
     * An entry whose content is read from a stream of unknown length when the write runs.
     *
     * @param path the absolute path in the sandbox
     * @param source the stream; read once and closed by the SDK
     * @return the entry
     */
    public static WriteEntry of(String path, InputStream source) {
        return builder(path).content(source).build();
    }

    /**
     * The target path in the sandbox.
     *
     * @return the path
     */
    public String path() {
        return path;
    }

    /**
     * The owner, group and mode to set after writing; {@linkplain Permissions#isEmpty() empty} when none is set.
     *
     * @return the permissions
     */
    public Permissions permissions() {
        return permissions;
    }

    /**
     * The content's length in bytes when known before sending ({@code String}, {@code byte[]}, a stream with a
     * declared length; a {@link Path}'s size is read when the write starts).
     *
     * @return the length, or empty when unknown
     */
    public OptionalLong knownLength() {
        return content.length < 0 ? OptionalLong.empty() : OptionalLong.of(content.length);
    }

    /**
     * The content source; for the SDK's own use.
     *
     * @return the source: a {@code byte[]}, a {@link Path} or an {@link InputStream}
     */
    Object source() {
        return content.source;
    }

    @Override
    public String toString() {
        return "WriteEntry{" + path + ", " + content.describe()
                + permissions
                        .fileMode()
                        .map(mode -> ", mode " + mode.toOctalString())
                        .orElse("") + "}";
    }

    /** A content source and its length when known (-1 when not, or not yet). */
    private static final class Content {
        private final Object source;
        private final long length;

        private Content(Object source, long length) {
            this.source = source;
            this.length = length;
        }

        private String describe() {
            if (source instanceof byte[] bytes) {
                return bytes.length + " bytes";
            }
            if (source instanceof Path file) {
                return "from " + file;
            }
            return length < 0 ? "from a stream" : "from a stream of " + length + " bytes";
        }
    }

    /** Builds a {@link WriteEntry}. */
    public static final class Builder {
        private final String path;
        private @Nullable Content content;
        private Permissions permissions = Permissions.builder().build();

        private Builder(String path) {
            this.path = Objects.requireNonNull(path, "path");
        }

        /**
         * Sets text content, encoded as UTF-8.
         *
         * @param text the text
         * @return this builder
         */
        public Builder content(String text) {
            return content(text, StandardCharsets.UTF_8);
        }

        /**
         * Sets text content in a charset.
         *
         * @param text the text
         * @param charset the charset
         * @return this builder
         */
        public Builder content(String text, Charset charset) {
            Objects.requireNonNull(text, "text");
            Objects.requireNonNull(charset, "charset");
            return content(text.getBytes(charset));
        }

        /**
         * Sets binary content; the array is not copied.
         *
         * @param bytes the content
         * @return this builder
         */
        public Builder content(byte[] bytes) {
            Objects.requireNonNull(bytes, "bytes");
            this.content = new Content(bytes, bytes.length);
            return this;
        }

        /**
         * Streams the content of a local file when the write runs.
         *
         * @param source the local file
         * @return this builder
         */
        public Builder content(Path source) {
            Objects.requireNonNull(source, "source");
            this.content = new Content(source, -1);
            return this;
        }

        /**
         * Streams content of unknown length; the upload is then sent with chunked transfer encoding.
         *
         * @param source the stream; read once and closed by the SDK
         * @return this builder
         */
        public Builder content(InputStream source) {
            Objects.requireNonNull(source, "source");
            this.content = new Content(source, -1);
            return this;
        }

        /**
         * Streams content of a declared length, so the upload can carry a {@code Content-Length}. The write fails
         * if the stream ends early or holds more bytes.
         *
         * @param source the stream; read once and closed by the SDK
         * @param length the exact number of bytes it holds
         * @return this builder
         */
        public Builder content(InputStream source, long length) {
            Objects.requireNonNull(source, "source");
            if (length < 0) {
                throw new io.opensandbox.api.InvalidArgumentException(
                        "content length must not be negative, got " + length, null);
            }
            this.content = new Content(source, length);
            return this;
        }

        /**
         * Sets the owner, group and mode to apply to the written file; an unset one is not sent (an unset mode is
         * left as it is; for owner and group see {@link Permissions}). Replaces what an earlier call (or
         * {@link #mode}) set.
         *
         * @param permissions the permissions
         * @return this builder
         */
        public Builder permissions(Permissions permissions) {
            this.permissions = Objects.requireNonNull(permissions, "permissions");
            return this;
        }

        /**
         * Sets the mode of the written file and nothing else: the same as
         * {@code permissions(Permissions.mode(mode))} (by default no mode is sent and execd leaves it alone).
         *
         * @param mode the mode
         * @return this builder
         */
        public Builder mode(FileMode mode) {
            return permissions(Permissions.mode(mode));
        }

        /**
         * Builds the entry.
         *
         * @return the entry
         * @throws io.opensandbox.api.InvalidArgumentException if no content was set
         */
        public WriteEntry build() {
            return new WriteEntry(this);
        }
    }
}
