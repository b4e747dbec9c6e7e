package io.opensandbox.testkit.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** A streaming {@code multipart/form-data} reader: parts are copied out without being held in memory. */
final class MultipartReader {
    private static final int MAX_HEADER_BYTES = 16 * 1024;

    private final InputStream in;
    private final byte[] delimiter;
    private final byte[] buf = new byte[128 * 1024];
    private int pos;
    private int lim;
    private boolean eof;
    private boolean started;
    private boolean finished;
    private boolean bodyPending;

    MultipartReader(InputStream in, String boundary) {
        this.in = in;
        this.delimiter = ("\r\n--" + boundary).getBytes(StandardCharsets.ISO_8859_1);
        // a virtual CRLF lets the first delimiter match like the others
        buf[0] = '\r';
        buf[1] = '\n';
        lim = 2;
    }

    /** The boundary parameter of a multipart Content-Type, or null. */
    static @Nullable String boundary(@Nullable String contentType) {
        if (contentType == null || !contentType.toLowerCase(Locale.ROOT).trim().startsWith("multipart/form-data")) {
            return null;
        }
        String b = params(contentType).get("boundary");
        return b == null || b.isEmpty() || b.length() > 200 ? null : b;
    }

    /** Parses {@code ; name=value} parameters (values optionally quoted); names lower-cased. */
    static Map<String, String> params(String header) {
        Map<String, String> out = new LinkedHashMap<>();
        int i = header.indexOf(';');
        while (i >= 0 && i < header.length()) {
            i++;
            while (i < header.length() && header.charAt(i) == ' ') {
                i++;
            }
            int eq = header.indexOf('=', i);
            if (eq < 0) {
                break;
            }
            String name = header.substring(i, eq).trim().toLowerCase(Locale.ROOT);
            int j = eq + 1;
            StringBuilder value = new StringBuilder();
            if (j < header.length() && header.charAt(j) == '"') {
                j++;
                while (j < header.length() && header.charAt(j) != '"') {
                    char c = header.charAt(j);
                    if (c == '\\' && j + 1 < header.length()) {
                        j++;
                        c = header.charAt(j);
                    }
                    value.append(c);
                    j++;
                }
                j++;
                int semi = header.indexOf(';', j);
                i = semi;
            } else {
                int semi = header.indexOf(';', j);
                value.append(semi < 0 ? header.substring(j) : header.substring(j, semi));
                i = semi;
            }
            out.put(name, value.toString().trim());
        }
        return out;
    }

    /** Moves to the next part and returns its headers (names lower-case), or null after the last part. */
    @Nullable
    Map<String, String> nextPart() throws IOException, ApiException {
        if (finished) {
            return null;
        }
        if (!started || bodyPending) {
            copyBody(OutputStream.nullOutputStream(), Long.MAX_VALUE);
            started = true;
        }
        if (!ensure(2)) {
            throw malformed("unexpected end of multipart body");
        }
        if (buf[pos] == '-' && buf[pos + 1] == '-') {
            finished = true;
            return null;
        }
        // skip transport padding up to CRLF
        int guard = 0;
        while (true) {
            if (!ensure(1) || guard++ > 1024) {
                throw malformed("malformed multipart delimiter line");
            }
            byte b = buf[pos++];
            if (b == '\n') {
                break;
            }
        }
        Map<String, String> headers = new LinkedHashMap<>();
        int total = 0;
        while (true) {
            String line = readLine();
            total += line.length() + 2;
            if (total > MAX_HEADER_BYTES) {
                throw malformed("multipart part headers too large");
            }
            if (line.isEmpty()) {
                break;
            }
            int colon = line.indexOf(':');
            if (colon > 0) {
                headers.put(
                        line.substring(0, colon).trim().toLowerCase(Locale.ROOT),
                        line.substring(colon + 1).trim());
            }
        }
        bodyPending = true;
        return headers;
    }

    /** Copies the current part's body; more than {@code limit} bytes is an error. Returns the byte count. */
    long copyBody(OutputStream out, long limit) throws IOException, ApiException {
        long count = 0;
        int dl = delimiter.length;
        while (true) {
            ensure(dl);
            int found = indexOf(pos, lim);
            if (found >= 0) {
                int n = found - pos;
                count += n;
                if (count > limit) {
                    throw new ApiException(413, "INVALID_FILE", "multipart part too large");
                }
                out.write(buf, pos, n);
                pos = found + dl;
                bodyPending = false;
                return count;
            }
            if (eof) {
                throw malformed("unexpected end of multipart body (missing closing boundary)");
            }
            int safe = lim - (dl - 1);
            if (safe > pos) {
                int n = safe - pos;
                count += n;
                if (count > limit) {
                    throw new ApiException(413, "INVALID_FILE", "multipart part too large");
                }
                out.write(buf, pos, n);
                pos = safe;
            }
            fill();
        }
    }

    private int indexOf(int from, int to) {
        byte first = delimiter[0];
        outer:
        for (int i = from; i <= to - delimiter.length; i++) {
            if (buf[i] != first) {
                continue;
            }
            for (int k = 1; k < delimiter.length; k++) {
                if (buf[i + k] != delimiter[k]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    private String readLine() throws IOException, ApiException {
        StringBuilder sb = new StringBuilder();
        while (true) {
            if (!ensure(1)) {
                throw malformed("unexpected end of multipart headers");
            }
            byte b = buf[pos++];
            if (b == '\n') {
                int len = sb.length();
                if (len > 0 && sb.charAt(len - 1) == '\r') {
                    sb.setLength(len - 1);
                }
                return new String(sb.toString().getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8);
            }
            sb.append((char) (b & 0xff));
            if (sb.length() > MAX_HEADER_BYTES) {
                throw malformed("multipart header line too long");
            }
        }
    }

    /** Tries to have at least {@code n} unread bytes buffered; false at end of input. */
    private boolean ensure(int n) throws IOException {
        while (lim - pos < n && !eof) {
            fill();
        }
        return lim - pos >= n;
    }

    private void fill() throws IOException {
        if (pos > 0) {
            System.arraycopy(buf, pos, buf, 0, lim - pos);
            lim -= pos;
            pos = 0;
        }
        if (lim == buf.length) {
            return;
        }
        int r = in.read(buf, lim, buf.length - lim);
        if (r < 0) {
            eof = true;
        } else {
            lim += r;
        }
    }

    private static ApiException malformed(String message) {
        return ApiException.badRequest("INVALID_REQUEST_BODY", message);
    }
}
