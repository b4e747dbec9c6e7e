package io.opensandbox.api.internal;

import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.StringJoiner;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Request logging for {@code ConnectionConfig.debug(true)}: logger {@code io.opensandbox.http}, INFO. Only
 * harmless headers are printed with their values; every other value (API key, endpoint tokens, cookies, custom
 * headers) is printed as {@code <redacted>}. Bodies are never logged.
 */
public final class HttpLog {
    private static final Logger LOG = LoggerFactory.getLogger("io.opensandbox.http");
    private static final Set<String> SAFE = Set.of(
            "accept",
            "content-type",
            "content-length",
            "content-range",
            "range",
            "user-agent",
            "x-request-id",
            "retry-after",
            "transfer-encoding",
            "execd-commands-tail-cursor",
            "location");

    private HttpLog() {}

    /**
     * Renders headers with every value redacted except a few harmless ones.
     *
     * @param headers the headers
     * @return a printable form
     */
    public static String redact(Map<String, List<String>> headers) {
        StringJoiner out = new StringJoiner(", ", "{", "}");
        headers.forEach((name, values) -> out.add(
                name + "=" + (SAFE.contains(name.toLowerCase(Locale.ROOT)) ? String.join(",", values) : "<redacted>")));
        return out.toString();
    }

    /**
     * Logs a request: at INFO with redacted headers when debug is on, else at DEBUG without headers.
     *
     * @param debug whether debug is on
     * @param method the method
     * @param uri the URI
     * @param headers the headers
     */
    public static void request(boolean debug, String method, URI uri, Map<String, List<String>> headers) {
        if (debug) {
            LOG.info("--> {} {} {}", method, uri, redact(headers));
        } else if (LOG.isDebugEnabled()) {
            LOG.debug("--> {} {}", method, uri);
        }
    }

    /**
     * Logs a response: at INFO with redacted headers when debug is on, else at DEBUG without headers.
     *
     * @param debug whether debug is on
     * @param method the method
     * @param uri the URI
     * @param status the status
     * @param startNanos {@link System#nanoTime()} when the request was sent
     * @param headers the response headers
     */
    public static void response(
            boolean debug, String method, URI uri, int status, long startNanos, Map<String, List<String>> headers) {
        if (debug) {
            long millis = (System.nanoTime() - startNanos) / 1_000_000;
            LOG.info("<-- {} {} {} ({} ms) {}", status, method, uri, millis, redact(headers));
        } else if (LOG.isDebugEnabled()) {
            LOG.debug("<-- {} {} {} ({} ms)", status, method, uri, (System.nanoTime() - startNanos) / 1_000_000);
        }
    }
}
