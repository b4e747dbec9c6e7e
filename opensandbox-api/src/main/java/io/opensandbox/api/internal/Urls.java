package io.opensandbox.api.internal;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Percent-encoding of path segments and query strings (RFC 3986: a space is {@code %20}, never {@code +}). */
public final class Urls {
    private Urls() {}

    /**
     * Encodes one path segment: everything but unreserved characters is escaped, {@code /} included.
     *
     * @param segment the raw segment
     * @return the encoded segment
     */
    public static String segment(String segment) {
        return encode(segment);
    }

    /**
     * Encodes a query component (a name or a value).
     *
     * @param value the raw value
     * @return the encoded value
     */
    public static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8)
                .replace("+", "%20")
                .replace("%7E", "~")
                .replace("*", "%2A");
    }

    /**
     * Starts a query string.
     *
     * @return an empty query
     */
    public static Query query() {
        return new Query();
    }

    /** A query string under construction; parameters keep their order and may repeat. */
    public static final class Query {
        private final List<String> parts = new ArrayList<>();

        private Query() {}

        /**
         * Adds a parameter; a {@code null} value is skipped.
         *
         * @param name the name
         * @param value the value, or {@code null}
         * @return this query
         */
        public Query add(String name, @org.jspecify.annotations.Nullable Object value) {
            if (value != null) {
                parts.add(encode(name) + "=" + encode(String.valueOf(value)));
            }
            return this;
        }

        /**
         * Adds a parameter once per value.
         *
         * @param name the name
         * @param values the values
         * @return this query
         */
        public Query addAll(String name, Iterable<?> values) {
            values.forEach(value -> add(name, value));
            return this;
        }

        /**
         * The query with its leading {@code ?}, or the empty string when there are no parameters.
         *
         * @return the query
         */
        @Override
        public String toString() {
            return parts.isEmpty() ? "" : "?" + String.join("&", parts);
        }
    }
}
