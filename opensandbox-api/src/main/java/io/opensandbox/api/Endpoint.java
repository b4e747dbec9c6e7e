package io.opensandbox.api;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Where a port of a sandbox is reached: an address without scheme that may carry a path
 * ({@code host:port}, {@code host:port/proxy/44772}, {@code gw/sandboxes/id/port/44772}) and the headers that
 * must accompany every request to it.
 *
 * <p>URLs are built by concatenation ({@link #url(String, String)}), never by URI resolution, which would drop the
 * path. Header values are credentials: {@link #toString()} prints their names only.
 */
public final class Endpoint {
    private final String address;
    private final Map<String, String> headers;

    private Endpoint(String address, Map<String, String> headers) {
        this.address = address;
        this.headers = headers;
    }

    /**
     * Creates an endpoint.
     *
     * @param address the address without scheme, as the lifecycle server returned it
     * @param headers the headers to send on every request to it
     * @return the endpoint
     * @throws InvalidArgumentException if the address is blank or a header carries CR or LF
     */
    public static Endpoint of(String address, Map<String, String> headers) {
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(headers, "headers");
        String trimmed = address.strip();
        int scheme = trimmed.indexOf("://");
        if (scheme >= 0) {
            trimmed = trimmed.substring(scheme + 3);
        }
        while (trimmed.endsWith("/")) {
            trimmed = trimmed.substring(0, trimmed.length() - 1);
        }
        if (trimmed.isEmpty() || containsWhitespaceOrControl(trimmed)) {
            throw new InvalidArgumentException("endpoint address is blank or contains spaces: '" + address + "'", null);
        }
        trimmed = withoutDotSegments(trimmed, address);
        TreeMap<String, String> copy = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        headers.forEach((name, value) -> {
            HeaderChecks.check(name, value);
            copy.put(name, value);
        });
        return new Endpoint(trimmed, Collections.unmodifiableMap(new LinkedHashMap<>(copy)));
    }

    /**
     * Resolves the {@code .} and {@code ..} segments of the address's path (also percent-encoded: a server decodes
     * them), as a browser would before sending: {@code h:1/a/../b} becomes {@code h:1/b}. A {@code ..} that would
     * climb above the path's start is refused, since no server-side routing can mean it.
     */
    private static String withoutDotSegments(String trimmed, String original) {
        int slash = trimmed.indexOf('/');
        if (slash < 0) {
            return trimmed;
        }
        String[] segments = trimmed.substring(slash + 1).split("/", -1);
        List<String> kept = new ArrayList<>(segments.length);
        boolean changed = false;
        for (String segment : segments) {
            String plain = segment.replace("%2e", ".").replace("%2E", ".");
            if (plain.equals(".")) {
                changed = true;
            } else if (plain.equals("..")) {
                if (kept.isEmpty()) {
                    throw new InvalidArgumentException(
                            "endpoint address climbs above its path with '..': '" + original + "'", null);
                }
                kept.remove(kept.size() - 1);
                changed = true;
            } else {
                kept.add(segment);
            }
        }
        if (!changed) {
            return trimmed;
        }
        String host = trimmed.substring(0, slash);
        String path = String.join("/", kept);
        while (path.endsWith("/")) {
            path = path.substring(0, path.length() - 1);
        }
        return path.isEmpty() ? host : host + "/" + path;
    }

    private static boolean containsWhitespaceOrControl(String text) {
        return text.chars().anyMatch(c -> c <= ' ' || c == 0x7f);
    }

    /**
     * The address without scheme, possibly with a path, without a trailing slash.
     *
     * @return the address
     */
    public String address() {
        return address;
    }

    /**
     * The headers to send on every request to this endpoint (routing and access tokens).
     *
     * @return an unmodifiable map
     */
    public Map<String, String> headers() {
        return headers;
    }

    /**
     * The base URL of the endpoint: {@code protocol + "://" + address}.
     *
     * @param protocol {@code http} or {@code https}
     * @return the base URL, without a trailing slash
     */
    public String baseUrl(String protocol) {
        return protocol + "://" + address;
    }

    /**
     * A URL under this endpoint, by concatenation.
     *
     * @param protocol {@code http} or {@code https}
     * @param path a path starting with {@code /}, already encoded, possibly with a query
     * @return the URL
     */
    public String url(String protocol, String path) {
        if (!path.startsWith("/")) {
            throw new InvalidArgumentException("path must start with '/': " + path, null);
        }
        return baseUrl(protocol) + path;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Endpoint that && address.equals(that.address) && headers.equals(that.headers);
    }

    @Override
    public int hashCode() {
        return Objects.hash(address, headers);
    }

    @Override
    public String toString() {
        return "Endpoint{" + address + ", headers=" + headers.keySet() + "}";
    }
}
