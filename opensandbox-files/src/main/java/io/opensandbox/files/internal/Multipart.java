package io.opensandbox.files.internal;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;

/**
 * execd's upload body: for each file a {@code metadata} part (JSON, with {@code filename="metadata"}, which Go's
 * parser needs to see it as a file) followed by a {@code file} part, paired by order. The body is described as
 * segments (framing bytes and content sources) and read through {@link PartsInputStream}; nothing is buffered.
 */
public final class Multipart {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final byte[] CRLF = {'\r', '\n'};

    private final String boundary;
    private final List<PartsInputStream.Segment> segments = new ArrayList<>();
    private final List<String> paths = new ArrayList<>();
    private long length;
    private long contentLength;
    private boolean first = true;
    private boolean finished;

    /**
     * Starts a body.
     *
     * @param boundary the boundary; must not occur in any content
     */
    public Multipart(String boundary) {
        this.boundary = Objects.requireNonNull(boundary, "boundary");
    }

    /**
     * A fresh random boundary: 32 hex digits of 128 random bits after a fixed prefix.
     *
     * @return the boundary
     */
    public static String newBoundary() {
        byte[] bytes = new byte[16];
        RANDOM.nextBytes(bytes);
        return "OpenSandboxBoundary" + HexFormat.of().formatHex(bytes);
    }

    /**
     * The {@code Content-Type} of the body.
     *
     * @return {@code multipart/form-data; boundary=...}
     */
    public String contentType() {
        return "multipart/form-data; boundary=" + boundary;
    }

    /**
     * Adds one file: its metadata part and its content part.
     *
     * @param metadataJson the metadata JSON
     * @param filename the file part's {@code filename}, already made safe
     * @param content the content: a {@code byte[]}, a {@link java.nio.file.Path} or an {@link java.io.InputStream}
     * @param contentLength the content's exact length, or {@code -1} when unknown
     * @param path the target path, for messages
     * @return this body
     */
    public Multipart add(byte[] metadataJson, String filename, Object content, long contentLength, String path) {
        if (finished) {
            throw new IllegalStateException("body already finished");
        }
        StringBuilder head = new StringBuilder(256);
        head.append(first ? "" : "\r\n").append("--").append(boundary).append("\r\n");
        head.append("Content-Disposition: form-data; name=\"metadata\"; filename=\"metadata\"\r\n");
        head.append("Content-Type: application/json\r\n\r\n");
        first = false;
        bytes(head.toString().getBytes(StandardCharsets.UTF_8));
        bytes(metadataJson);
        StringBuilder fileHead = new StringBuilder(256);
        fileHead.append("\r\n--").append(boundary).append("\r\n");
        fileHead.append("Content-Disposition: form-data; name=\"file\"; filename=\"")
                .append(filename)
                .append("\"\r\n");
        fileHead.append("Content-Type: application/octet-stream\r\n\r\n");
        bytes(fileHead.toString().getBytes(StandardCharsets.UTF_8));
        segments.add(PartsInputStream.Segment.content(content, contentLength, path));
        paths.add(path);
        if (contentLength < 0 || length < 0) {
            length = -1;
        } else {
            length += contentLength;
        }
        contentLength(contentLength);
        return this;
    }

    private void contentLength(long part) {
        if (part < 0 || contentLength < 0) {
            contentLength = -1;
        } else {
            contentLength += part;
        }
    }

    private void bytes(byte[] bytes) {
        segments.add(PartsInputStream.Segment.bytes(bytes));
        if (length >= 0) {
            length += bytes.length;
        }
    }

    /**
     * Closes the body with the final boundary.
     *
     * @return this body
     */
    public Multipart finish() {
        if (!finished) {
            if (first) {
                throw new IllegalStateException("a multipart body needs at least one file");
            }
            bytes(concat(CRLF, ("--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8)));
            finished = true;
        }
        return this;
    }

    /**
     * The body's total length in bytes, or {@code -1} when a content length is unknown.
     *
     * @return the length
     */
    public long length() {
        return length;
    }

    /**
     * The sum of the content lengths, or {@code -1} when one is unknown.
     *
     * @return the content length
     */
    public long contentLength() {
        return contentLength;
    }

    /**
     * The segments, for {@link PartsInputStream}.
     *
     * @return the segments
     */
    public List<PartsInputStream.Segment> segments() {
        if (!finished) {
            throw new IllegalStateException("finish() the body first");
        }
        return List.copyOf(segments);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] result = new byte[a.length + b.length];
        System.arraycopy(a, 0, result, 0, a.length);
        System.arraycopy(b, 0, result, a.length, b.length);
        return result;
    }
}
