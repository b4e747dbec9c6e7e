package io.opensandbox.api.internal;

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
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import org.jspecify.annotations.Nullable;

/**
 * Maps {@code java.net.http} failures (of {@code sendAsync}, a response body or a WebSocket) to the exception
 * categories the Transport SPI promises: the one mapping for the JDK transport and the WebSockets both transports
 * open on {@code java.net.http}.
 */
public final class JdkHttpFailures {
    private JdkHttpFailures() {}

    /**
     * Maps a failure of {@code sendAsync}, of a response body, of a WebSocket handshake or of an open WebSocket.
     *
     * @param failure what the JDK reported, possibly wrapped
     * @return an {@link IOException} of the category {@link io.opensandbox.api.spi.Transport} promises
     */
    public static IOException map(Throwable failure) {
        Throwable cause = unwrap(failure);
        if (cause instanceof java.net.http.WebSocketHandshakeException refused) {
            HttpResponse<?> response = refused.getResponse();
            int status = response == null ? 0 : response.statusCode();
            byte[] body = response == null ? new byte[0] : bytes(response.body());
            Map<String, List<String>> headers =
                    response == null ? Map.of() : response.headers().map();
            WebSocketHandshakeException mapped = new WebSocketHandshakeException(
                    status, headers, body, "the server refused the WebSocket handshake with status " + status);
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
            return withCause(new SocketTimeoutException(message), cause);
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
        return all.length <= Bodies.ERROR_BODY_LIMIT ? all.clone() : Arrays.copyOf(all, Bodies.ERROR_BODY_LIMIT);
    }

    /**
     * Strips {@link CompletionException} and {@link ExecutionException} wrappers.
     *
     * @param failure the failure
     * @return the innermost meaningful cause
     */
    public static Throwable unwrap(Throwable failure) {
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
