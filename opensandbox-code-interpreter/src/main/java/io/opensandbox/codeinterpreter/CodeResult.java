package io.opensandbox.codeinterpreter;

import io.opensandbox.api.SandboxInternalException;
import java.time.Instant;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * A rich result of a run: one value in several representations, keyed by MIME type (a Jupyter MIME bundle). execd
 * reports the plain-text representation under the key {@code text} (Jupyter's {@code text/plain}); images are
 * base64 text on the wire, and {@link #png()} and {@link #jpeg()} decode them. Immutable.
 */
public final class CodeResult {
    /** The key of the plain-text representation, as execd sends it. */
    public static final String TEXT = "text";

    /** HTML. */
    public static final String HTML = "text/html";

    /** Markdown. */
    public static final String MARKDOWN = "text/markdown";

    /** LaTeX. */
    public static final String LATEX = "text/latex";

    /** JSON (given as JSON text). */
    public static final String JSON = "application/json";

    /** JavaScript. */
    public static final String JAVASCRIPT = "application/javascript";

    /** SVG (XML text). */
    public static final String SVG = "image/svg+xml";

    /** PNG (base64 on the wire). */
    public static final String PNG = "image/png";

    /** JPEG (base64 on the wire). */
    public static final String JPEG = "image/jpeg";

    private final Map<String, String> data;
    private final Instant timestamp;

    private CodeResult(Map<String, String> data, Instant timestamp) {
        this.data = data;
        this.timestamp = timestamp;
    }

    /**
     * A result; for tests and for code that builds results itself.
     *
     * @param data the representations by MIME type; values that are not JSON strings on the wire are given as their
     *     JSON text
     * @param timestamp when the server reported it
     * @return the result
     */
    public static CodeResult of(Map<String, String> data, Instant timestamp) {
        Objects.requireNonNull(timestamp, "timestamp");
        return new CodeResult(Collections.unmodifiableMap(new LinkedHashMap<>(data)), timestamp);
    }

    /**
     * Every representation, by MIME type, in the order the server sent them.
     *
     * @return an unmodifiable map
     */
    public Map<String, String> data() {
        return data;
    }

    /**
     * The MIME types present.
     *
     * @return an unmodifiable set
     */
    public Set<String> mimeTypes() {
        return data.keySet();
    }

    /**
     * One representation.
     *
     * @param mimeType the MIME type, for example {@code "text/html"}
     * @return its value as text (JSON text for values that are not strings), if present
     */
    public Optional<String> get(String mimeType) {
        return Optional.ofNullable(data.get(mimeType));
    }

    /**
     * The plain-text representation ({@code text}, else {@code text/plain}): for Python, the value's {@code repr}.
     *
     * @return the text, if present
     */
    public Optional<String> text() {
        String text = data.get(TEXT);
        return Optional.ofNullable(text != null ? text : data.get("text/plain"));
    }

    /**
     * The HTML representation.
     *
     * @return the HTML, if present
     */
    public Optional<String> html() {
        return get(HTML);
    }

    /**
     * The Markdown representation.
     *
     * @return the Markdown, if present
     */
    public Optional<String> markdown() {
        return get(MARKDOWN);
    }

    /**
     * The LaTeX representation.
     *
     * @return the LaTeX, if present
     */
    public Optional<String> latex() {
        return get(LATEX);
    }

    /**
     * The JSON representation, as JSON text.
     *
     * @return the JSON text, if present
     */
    public Optional<String> json() {
        return get(JSON);
    }

    /**
     * The JavaScript representation.
     *
     * @return the script, if present
     */
    public Optional<String> javascript() {
        return get(JAVASCRIPT);
    }

    /**
     * The SVG representation (XML text; Jupyter does not base64-encode SVG).
     *
     * @return the SVG document, if present
     */
    public Optional<String> svg() {
        return get(SVG);
    }

    /**
     * The PNG image, decoded from base64.
     *
     * @return the image bytes, if present
     * @throws SandboxInternalException if the server's value is not base64
     */
    public Optional<byte[]> png() {
        return decoded(PNG);
    }

    /**
     * The JPEG image, decoded from base64.
     *
     * @return the image bytes, if present
     * @throws SandboxInternalException if the server's value is not base64
     */
    public Optional<byte[]> jpeg() {
        return decoded(JPEG);
    }

    /**
     * A binary representation of any MIME type, decoded from base64 (line breaks allowed, as Jupyter writes them).
     *
     * @param mimeType the MIME type, for example {@code "image/gif"}
     * @return the bytes, if present
     * @throws SandboxInternalException if the server's value is not base64
     */
    public Optional<byte[]> decoded(String mimeType) {
        String value = data.get(mimeType);
        if (value == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(Base64.getMimeDecoder().decode(value));
        } catch (IllegalArgumentException e) {
            throw new SandboxInternalException(
                    "the " + mimeType + " of this result is not base64: " + e.getMessage(), e);
        }
    }

    /**
     * When the server reported the result.
     *
     * @return the time
     */
    public Instant timestamp() {
        return timestamp;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CodeResult other && data.equals(other.data) && timestamp.equals(other.timestamp);
    }

    @Override
    public int hashCode() {
        return Objects.hash(data, timestamp);
    }

    /** The MIME types and the length of each value, not the values (images are large). */
    @Override
    public String toString() {
        StringBuilder out = new StringBuilder("CodeResult{");
        data.forEach((type, value) -> {
            if (out.length() > "CodeResult{".length()) {
                out.append(", ");
            }
            out.append(type).append('=').append(value.length()).append(" chars");
        });
        return out.append('}').toString();
    }
}
