package io.opensandbox.transport.jdk.internal;

import io.opensandbox.api.spi.RequestNotSentException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import org.jspecify.annotations.Nullable;

/** Maps {@code java.net.http} failures to the JDK exception categories the Transport SPI promises. */
final class Failures {
    private Failures() {}

    /**
     * Maps a failure of {@code sendAsync} or of a response body.
     *
     * @param failure what the JDK client reported, possibly wrapped in a {@link CompletionException}
     * @return an {@link IOException} of the right category, with the original as its cause where it was replaced
     */
    static IOException map(Throwable failure) {
        Throwable cause = unwrap(failure);
        if (cause instanceof RequestNotSentException || cause.getClass() == SocketTimeoutException.class) {
            return (IOException) cause;
        }
        String message = message(cause);
        if (cause instanceof HttpConnectTimeoutException) {
            // provably not sent: the class lets a retry happen safely, the cause says it was a timeout
            return new RequestNotSentException(
                    "connect timed out: " + message,
                    withCause(new SocketTimeoutException("connect timed out: " + message), cause));
        }
        if (cause instanceof HttpTimeoutException || cause instanceof SocketTimeoutException) {
            return withCause(new SocketTimeoutException(message), cause);
        }
        ConnectException refused = find(cause, ConnectException.class);
        if (refused != null) {
            // the JDK wraps the refusal (a ConnectException without message around the real one): say what failed
            return withCause(new ConnectException("could not connect: " + innermostMessage(refused)), cause);
        }
        if (cause instanceof IOException io) {
            return io;
        }
        return new IOException(message, cause);
    }

    /**
     * Strips {@link CompletionException} and {@link ExecutionException} wrappers.
     *
     * @param failure the failure
     * @return the innermost meaningful cause
     */
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
