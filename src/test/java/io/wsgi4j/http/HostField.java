package io.wsgi4j.http;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Adds a Host field to vector requests without one: HTTP/1.1 requires it (wsgi4j refuses such
 * requests with 400), so a vector without it is also sent with one to check what it is about.
 */
final class HostField {
    private HostField() {
    }

    /** The Host value added. */
    static final String HOST = "conformance.test";

    /** Whether an HTTP/1.1 request lacks Host. */
    static boolean needed(RequestVector.Request r) {
        return r.minor() == 1 && r.headers().stream().noneMatch(h -> h[0].equals("HOST"));
    }

    /** The requests with a Host field added to each that needs it. */
    static List<RequestVector.Request> added(List<RequestVector.Request> requests) {
        List<RequestVector.Request> out = new ArrayList<>();
        for (RequestVector.Request r : requests) {
            if (needed(r)) {
                List<String[]> headers = new ArrayList<>(r.headers());
                headers.add(0, new String[]{"HOST", HOST});
                r = new RequestVector.Request(r.method(), r.uri(), r.major(), r.minor(), headers, r.body());
            }
            out.add(r);
        }
        return out;
    }

    /** The raw bytes with a Host field after the request line of each of these requests that needs it. */
    static byte[] added(byte[] raw, List<RequestVector.Request> requests) {
        String text = new String(raw, StandardCharsets.ISO_8859_1);
        StringBuilder out = new StringBuilder();
        int at = 0;
        for (RequestVector.Request r : requests) {
            String line = r.method() + " " + r.uri() + " " + r.protocol() + "\r\n";
            int found = text.indexOf(line, at);
            assertTrue(found >= 0, "the request line " + line.strip() + " is not in the raw request");
            out.append(text, at, found + line.length());
            if (needed(r)) {
                out.append("Host: ").append(HOST).append("\r\n");
            }
            at = found + line.length();
        }
        out.append(text, at, text.length());
        return out.toString().getBytes(StandardCharsets.ISO_8859_1);
    }

    /** An (invalid) raw request with a Host field after its request line if it is HTTP/1.1 without one; else null. */
    static byte[] added(byte[] raw) {
        String text = new String(raw, StandardCharsets.ISO_8859_1);
        int lineEnd = text.indexOf("\r\n");
        int headEnd = text.indexOf("\r\n\r\n");
        String head = text.substring(0, headEnd < 0 ? text.length() : headEnd).toLowerCase(Locale.ROOT);
        if (lineEnd < 0 || !text.substring(0, lineEnd).endsWith(" HTTP/1.1") || head.contains("\nhost:")) {
            return null;
        }
        return (text.substring(0, lineEnd + 2) + "Host: " + HOST + "\r\n" + text.substring(lineEnd + 2))
                .getBytes(StandardCharsets.ISO_8859_1);
    }
}
