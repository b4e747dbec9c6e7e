package io.opensandbox.lifecycle;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.jspecify.annotations.Nullable;

/**
 * Diagnostic logs or events of a sandbox: inline text, or a URL to download it from. Immutable. {@code toString()}
 * leaves out the text and the URL's query, which for a presigned URL is a credential.
 *
 * @param sandboxId the sandbox
 * @param kind {@code logs} or {@code events}
 * @param scope the scope that was asked for
 * @param delivery {@code inline} or {@code url}
 * @param contentType the media type of the text
 * @param truncated whether the server cut the text
 * @param warnings the server's warnings
 * @param inlineContent the text, when delivered inline
 * @param url the download URL, when delivered by URL
 * @param length the text's length, when known, or {@code -1}
 * @param urlExpiresAt when the URL expires, or {@code null}
 */
public record DiagnosticContent(
        String sandboxId,
        String kind,
        String scope,
        String delivery,
        String contentType,
        boolean truncated,
        List<String> warnings,
        @Nullable String inlineContent,
        @Nullable String url,
        long length,
        @Nullable Instant urlExpiresAt) {

    /**
     * Copies the warnings.
     *
     * @param sandboxId the sandbox
     * @param kind {@code logs} or {@code events}
     * @param scope the scope that was asked for
     * @param delivery {@code inline} or {@code url}
     * @param contentType the media type of the text
     * @param truncated whether the server cut the text
     * @param warnings the server's warnings
     * @param inlineContent the text, when delivered inline
     * @param url the download URL, when delivered by URL
     * @param length the text's length, when known, or {@code -1}
     * @param urlExpiresAt when the URL expires, or {@code null}
     */
    public DiagnosticContent {
        warnings = List.copyOf(warnings);
    }

    /**
     * The text, when delivered inline.
     *
     * @return the content
     */
    public Optional<String> content() {
        return Optional.ofNullable(inlineContent);
    }

    /**
     * The download URL, when delivered by URL.
     *
     * @return the URL
     */
    public Optional<String> contentUrl() {
        return Optional.ofNullable(url);
    }

    /**
     * The length of the text, when the server said.
     *
     * @return the length
     */
    public OptionalLong contentLength() {
        return length < 0 ? OptionalLong.empty() : OptionalLong.of(length);
    }

    @Override
    public String toString() {
        String shownUrl = url;
        if (shownUrl != null && shownUrl.indexOf('?') >= 0) {
            shownUrl = shownUrl.substring(0, shownUrl.indexOf('?')) + "?***";
        }
        return "DiagnosticContent[sandboxId=" + sandboxId + ", kind=" + kind + ", scope=" + scope + ", delivery="
                + delivery + ", contentType=" + contentType + ", truncated=" + truncated + ", warnings=" + warnings
                + ", inlineContent=" + (inlineContent == null ? "null" : inlineContent.length() + " chars") + ", url="
                + shownUrl + ", length=" + length + ", urlExpiresAt=" + urlExpiresAt + "]";
    }
}
