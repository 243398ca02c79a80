package io.wsgi4j.gateway;

import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.server.Request;

/**
 * The request target exactly as the request line gave it, which REQUEST_URI is (as in Apache):
 * Jetty's URI of the request is rebuilt from parts and loses absolute and authority forms.
 */
public final class RequestTarget {
    private RequestTarget() {
    }

    /** The request attribute the HTTP tier stores the raw target in, as the parser decoded it (UTF-8). */
    public static final String ATTRIBUTE = "io.wsgi4j.requestTarget";

    /**
     * The raw target, one char per byte (PEP 3333); rebuilt from the URI's path and query when
     * the attribute is missing.
     */
    public static String of(Request request) {
        if (request.getAttribute(ATTRIBUTE) instanceof String target) {
            return latin1(target);
        }
        String path = request.getHttpURI().getPath();
        String query = request.getHttpURI().getQuery();
        return latin1(query == null ? path : path + "?" + query);
    }

    /** The parser decodes the request line as UTF-8: chars beyond ASCII go back to their bytes. */
    static String latin1(String decoded) {
        for (int i = 0; i < decoded.length(); i++) {
            if (decoded.charAt(i) >= 0x80) {
                return new String(decoded.getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1);
            }
        }
        return decoded;
    }
}
