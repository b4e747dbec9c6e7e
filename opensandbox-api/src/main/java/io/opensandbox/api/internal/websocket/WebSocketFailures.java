package io.opensandbox.api.internal.websocket;

import io.opensandbox.api.spi.RequestNotSentException;
import io.opensandbox.api.spi.WebSocketHandshakeException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import org.jspecify.annotations.Nullable;

/** Maps what {@code java.net.http.WebSocket} reports to the exceptions of the WebSocket SPI. */
final class WebSocketFailures {
    /** The most of a refusal's body kept in a {@link WebSocketHandshakeException}. */
    static final int BODY_LIMIT = 64 * 1024;

    private WebSocketFailures() {}

    /**
     * Maps a failure of the opening handshake or of an open connection.
     *
     * @param failure what the JDK reported, possibly wrapped
     * @return an {@link IOException} of the category {@link io.opensandbox.api.spi.Transport} promises
     */
    static IOException map(Throwable failure) {
        Throwable cause = unwrap(failure);
        if (cause instanceof java.net.http.WebSocketHandshakeException refused) {
            HttpResponse<?> response = refused.getResponse();
            int status = response == null ? 0 : response.statusCode();
            byte[] body = response == null ? new byte[0] : bytes(response.body());
            WebSocketHandshakeException mapped = new WebSocketHandshakeException(
                    status, body, "the server refused the WebSocket handshake with status " + status);
            mapped.initCause(cause);
            return mapped;
        }
        if (cause instanceof RequestNotSentException || cause.getClass() == SocketTimeoutException.class) {
            return (IOException) cause;
        }
        String message = message(cause);
        if (cause instanceof HttpConnectTimeoutException) {
            return new RequestNotSentException(
                    "connect timed out: " + message,
                    withCause(new SocketTimeoutException("connect timed out: " + message), cause));
        }
        if (cause instanceof HttpTimeoutException || cause instanceof SocketTimeoutException) {
            return withCause(new SocketTimeoutException("WebSocket handshake timed out: " + message), cause);
        }
        ConnectException refused = find(cause, ConnectException.class);
        if (refused != null) {
            return withCause(new ConnectException("could not connect: " + innermostMessage(refused)), cause);
        }
        if (cause instanceof IOException io) {
            return io;
        }
        return new IOException(message, cause);
    }

    /** The start of a refusal's body: the JDK reads it as bytes; anything else is kept as its text. */
    private static byte[] bytes(@Nullable Object body) {
        byte[] all;
        if (body instanceof byte[] array) {
            all = array;
        } else if (body == null) {
            return new byte[0];
        } else {
            all = body.toString().getBytes(StandardCharsets.UTF_8);
        }
        return all.length <= BODY_LIMIT ? all.clone() : Arrays.copyOf(all, BODY_LIMIT);
    }

    static Throwable unwrap(Throwable failure) {
        Throwable cause = failure;
        while ((cause instanceof CompletionException || cause instanceof ExecutionException)
                && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause;
    }

    private static <T extends Throwable> @Nullable T find(Throwable failure, Class<T> type) {
        Throwable cause = failure;
        for (int depth = 0; cause != null && depth < 10; depth++) {
            if (type.isInstance(cause)) {
                return type.cast(cause);
            }
            cause = cause.getCause();
        }
        return null;
    }

    private static String innermostMessage(Throwable failure) {
        String found = message(failure);
        Throwable cause = failure.getCause();
        for (int depth = 0; cause != null && depth < 10; depth++) {
            if (cause.getMessage() != null) {
                found = cause.getMessage();
            }
            cause = cause.getCause();
        }
        return found;
    }

    private static String message(Throwable cause) {
        String message = cause.getMessage();
        return message == null ? cause.getClass().getSimpleName() : message;
    }

    private static <T extends IOException> T withCause(T exception, Throwable cause) {
        exception.initCause(cause);
        return exception;
    }
}
