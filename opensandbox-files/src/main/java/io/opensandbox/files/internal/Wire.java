package io.opensandbox.files.internal;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import org.jspecify.annotations.Nullable;

/** execd's file DTOs (snake_case, except {@code replacedCount}) and the mode conversion. */
public final class Wire {
    private Wire() {}

    /**
     * The wire form of a mode: the octal digits read as a decimal integer ({@code 0755} becomes {@code 755}).
     *
     * @param bits the permission bits, {@code 0} to {@code 0777}
     * @return the wire value
     */
    public static int modeToWire(int bits) {
        return Integer.parseInt(Integer.toOctalString(bits));
    }

    /**
     * The permission bits of a wire mode: decimal digits that are octal digits ({@code 755} is {@code 0755}). A
     * value whose digits are not all octal is taken as raw bits. Only the nine permission bits are kept.
     *
     * @param wire the value execd sent
     * @return the bits, {@code 0} to {@code 0777}
     */
    public static int modeFromWire(long wire) {
        if (wire < 0) {
            return 0;
        }
        String digits = Long.toString(wire);
        if (digits.length() <= 4 && digits.chars().allMatch(c -> c <= '7')) {
            return Integer.parseInt(digits, 8) & 0777;
        }
        return (int) (wire & 0777);
    }

    /**
     * The metadata part of an upload.
     *
     * @param path the target path
     * @param owner the owner, omitted when {@code null}
     * @param group the group, omitted when {@code null}
     * @param mode the wire mode, omitted when {@code null}
     */
    @JsonPropertyOrder({"path", "owner", "group", "mode"})
    public record UploadMetadata(
            String path,
            @Nullable String owner,
            @Nullable String group,
            @Nullable Integer mode) {}

    /**
     * Owner, group and mode for chmod and mkdir.
     *
     * @param owner the owner, omitted when {@code null}
     * @param group the group, omitted when {@code null}
     * @param mode the wire mode, omitted when {@code null}
     */
    @JsonPropertyOrder({"owner", "group", "mode"})
    public record Permission(
            @Nullable String owner,
            @Nullable String group,
            @Nullable Integer mode) {}

    /**
     * A file's metadata as execd reports it.
     *
     * @param path the path
     * @param type the type
     * @param size the size
     * @param modifiedAt RFC 3339 time
     * @param createdAt RFC 3339 time
     * @param owner the owner
     * @param group the group
     * @param mode the wire mode
     */
    public record FileInfo(
            @Nullable String path,
            @Nullable String type,
            long size,
            @JsonProperty("modified_at") @Nullable String modifiedAt,
            @JsonProperty("created_at") @Nullable String createdAt,
            @Nullable String owner,
            @Nullable String group,
            long mode) {}

    /**
     * One move.
     *
     * @param src the source path
     * @param dest the destination path
     */
    @JsonPropertyOrder({"src", "dest"})
    public record Move(String src, String dest) {}

    /**
     * One replacement.
     *
     * @param old the text to find
     * @param replacement the new text
     */
    @JsonPropertyOrder({"old", "new"})
    public record Replace(String old, @JsonProperty("new") String replacement) {}

    /**
     * The count of one file's replacements.
     *
     * @param replacedCount the count
     */
    public record ReplaceResult(int replacedCount) {}
}
