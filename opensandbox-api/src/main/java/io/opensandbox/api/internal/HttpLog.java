package io.opensandbox.api.internal;

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
     * Logs a request when debug is on.
     *
     * @param debug whether debug is on
     * @param method the method
     * @param url the URL
     * @param headers the headers
     */
    public static void request(boolean debug, String method, String url, Map<String, List<String>> headers) {
        if (debug) {
            LOG.info("--> {} {} {}", method, url, redact(headers));
        } else {
            LOG.debug("--> {} {}", method, url);
        }
    }

    /**
     * Logs a response when debug is on.
     *
     * @param debug whether debug is on
     * @param method the method
     * @param url the URL
     * @param status the status
     * @param millis the time to headers
     * @param headers the response headers
     */
    public static void response(
            boolean debug, String method, String url, int status, long millis, Map<String, List<String>> headers) {
        if (debug) {
            LOG.info("<-- {} {} {} ({} ms) {}", status, method, url, millis, redact(headers));
        } else {
            LOG.debug("<-- {} {} {} ({} ms)", status, method, url, millis);
        }
    }
}
