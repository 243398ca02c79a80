package io.wsgi4j.http;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;
import org.eclipse.jetty.http.HttpDateTime;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.content.HttpContent;
import org.eclipse.jetty.server.Request;

/**
 * The parts of RFC 9110's conditional and range requests that Jetty's ResourceService leaves out, done
 * the way Apache does them, by rewriting what the service then reads: a Range that is not a valid
 * {@code bytes} range set is ignored (200, not 416); If-Range that does not hold turns a range
 * request into a full one; If-None-Match compares weakly ({@code W/"x"} matches {@code "x"}) and
 * {@code *} matches any file.
 */
final class RequestConditions {
    /** Apache's {@code MaxRanges} default: more ranges than this and the whole file is sent. */
    static final int MAX_RANGES = 200;

    private RequestConditions() {
    }

    /** The request as the resource service should see it (the same request when nothing changes). */
    static Request adjust(Request request, HttpContent content) {
        HttpFields headers = request.getHeaders();
        List<String> ranges = headers.getValuesList(HttpHeader.RANGE);
        boolean dropRange = !ranges.isEmpty()
                && (!isByteRangeSet(String.join(",", ranges)) || !ifRangeHolds(headers.get(HttpHeader.IF_RANGE), content));
        String noneMatch = trimmed(headers.get(HttpHeader.IF_NONE_MATCH));
        String etag = content.getETagValue();
        String rewritten = noneMatch == null || etag == null ? null
                : noneMatch.equals("*") ? etag
                : noneMatch.contains("W/\"") ? noneMatch.replace("W/\"", "\"")
                : null;
        if (!dropRange && rewritten == null) {
            return request;
        }
        HttpFields.Mutable adjusted = HttpFields.build(headers);
        if (dropRange) {
            adjusted.remove(HttpHeader.RANGE);
        }
        if (rewritten != null) {
            adjusted.put(HttpHeader.IF_NONE_MATCH, rewritten);
        }
        HttpFields fields = adjusted.asImmutable();
        return new Request.Wrapper(request) {
            @Override
            public HttpFields getHeaders() {
                return fields;
            }
        };
    }

    /** Whether a Range value is {@code bytes=} and a list of valid range specs (RFC 9110 14.1.1). */
    static boolean isByteRangeSet(String range) {
        int eq = range.indexOf('=');
        if (eq < 0 || !range.substring(0, eq).trim().toLowerCase(Locale.ROOT).equals("bytes")) {
            return false;
        }
        int specs = 0;
        for (String element : range.substring(eq + 1).split(",", -1)) {
            String spec = element.trim();
            if (spec.isEmpty()) {
                continue;
            }
            int dash = spec.indexOf('-');
            if (dash < 0) {
                return false;
            }
            String first = spec.substring(0, dash);
            String last = spec.substring(dash + 1);
            if (first.isEmpty() ? !digits(last) : !digits(first) || !last.isEmpty() && !digits(last)) {
                return false;
            }
            if (!first.isEmpty() && !last.isEmpty() && compare(first, last) > 0) {
                return false;
            }
            specs++;
        }
        return specs > 0 && specs <= MAX_RANGES;
    }

    /**
     * Whether If-Range (absent: yes) names the current representation: an entity tag by strong
     * comparison, or a date equal to its Last-Modified.
     */
    static boolean ifRangeHolds(String ifRange, HttpContent content) {
        String value = trimmed(ifRange);
        if (value == null) {
            return true;
        }
        if (value.startsWith("\"") || value.startsWith("W/")) {
            String etag = content.getETagValue();
            return etag != null && !etag.startsWith("W/") && value.equals(etag);
        }
        long date = HttpDateTime.parseToEpoch(value);
        Instant modified = content.getLastModifiedInstant();
        return date != -1 && modified != null
                && modified.truncatedTo(ChronoUnit.SECONDS).toEpochMilli() == date;
    }

    private static boolean digits(String text) {
        if (text.isEmpty()) {
            return false;
        }
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) < '0' || text.charAt(i) > '9') {
                return false;
            }
        }
        return true;
    }

    /** Compares two digit strings as numbers, however long. */
    private static int compare(String a, String b) {
        String x = a.replaceFirst("^0+(?=.)", "");
        String y = b.replaceFirst("^0+(?=.)", "");
        return x.length() != y.length() ? Integer.compare(x.length(), y.length()) : x.compareTo(y);
    }

    private static String trimmed(String value) {
        return value == null ? null : value.trim();
    }
}
