package io.opensandbox.transport.httpclient5.internal;

import io.opensandbox.api.spi.RequestNotSentException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.util.concurrent.CancellationException;
import org.apache.hc.client5.http.ConnectTimeoutException;

/** Maps HttpClient failures to the JDK exception categories the Transport SPI promises. */
final class Failures {
    private Failures() {}

    /**
     * Maps a failure.
     *
     * @param cause what HttpClient reported
     * @param requestStarted whether the request head was handed to the connection
     * @return a JDK {@link IOException} of the right category, with the original as its cause
     */
    static IOException map(Throwable cause, boolean requestStarted) {
        if (cause instanceof RequestNotSentException
                || cause.getClass() == SocketTimeoutException.class
                || cause.getClass() == ConnectException.class) {
            return (IOException) cause;
        }
        String message = cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
        if (cause instanceof ConnectTimeoutException || (cause instanceof SocketTimeoutException && !requestStarted)) {
            // a timeout, and provably not sent: the cause says which, the class lets a retry happen safely
            return new RequestNotSentException(
                    "connect timed out: " + message,
                    withCause(new SocketTimeoutException("connect timed out: " + message), cause));
        }
        if (cause instanceof SocketTimeoutException) {
            return withCause(new SocketTimeoutException(message), cause);
        }
        if (cause instanceof ConnectException) {
            return withCause(new ConnectException(message), cause);
        }
        if (cause instanceof UnknownHostException) {
            return new RequestNotSentException("unknown host: " + message, cause);
        }
        if (!requestStarted
                && !(cause instanceof CancellationException)
                && !(cause instanceof InterruptedIOException)) {
            return new RequestNotSentException("the request was not sent: " + message, cause);
        }
        if (cause instanceof IOException io && io.getClass().getName().startsWith("java.")) {
            return io;
        }
        return new IOException(message, cause);
    }

    private static <T extends IOException> T withCause(T exception, Throwable cause) {
        exception.initCause(cause);
        return exception;
    }
}
