package io.opensandbox.testkit.internal;

import org.jspecify.annotations.Nullable;

/**
 * An error answer: the status, a machine code and a message; rendered by the API that threw it, or a fixed body of
 * its own content type (the frameworks' answers for unknown routes).
 */
final class ApiException extends Exception {
    private static final long serialVersionUID = 1L;

    private final int status;
    private final String code;
    private final String text;
    private final @Nullable String contentType;

    ApiException(int status, String code, String message) {
        this(status, code, message, null);
    }

    private ApiException(int status, String code, String message, @Nullable String contentType) {
        super(message, null, false, false);
        this.status = status;
        this.code = code;
        this.text = message;
        this.contentType = contentType;
    }

    /** An answer whose body is exactly {@code body}, of the given content type, whatever the API. */
    static ApiException verbatim(int status, String contentType, String body) {
        return new ApiException(status, "", body, contentType);
    }

    /** What execd's router (gin) answers for a path or method it has no route for. */
    static ApiException execdNoRoute() {
        return verbatim(404, "text/plain; charset=utf-8", "404 page not found");
    }

    /** The content type of a verbatim body, or null for an answer the API renders. */
    @Nullable
    String contentType() {
        return contentType;
    }

    String text() {
        return text;
    }

    int status() {
        return status;
    }

    String code() {
        return code;
    }

    static ApiException badRequest(String code, String message) {
        return new ApiException(400, code, message);
    }

    static ApiException notFound(String code, String message) {
        return new ApiException(404, code, message);
    }

    static ApiException conflict(String code, String message) {
        return new ApiException(409, code, message);
    }
}
