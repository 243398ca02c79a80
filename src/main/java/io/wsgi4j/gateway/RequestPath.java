package io.wsgi4j.gateway;

import java.util.Optional;

/**
 * The decoded request path, split at the application's mount point into SCRIPT_NAME and PATH_INFO.
 *
 * <p>As Apache does: the path is percent-decoded (PEP 3333 then wants each byte as one
 * latin-1 char), dot segments are resolved and repeated slashes merged.
 *
 * @param scriptName the mount point, "" for the root
 * @param pathInfo   the rest of the decoded path, "" or starting with "/"
 */
public record RequestPath(String scriptName, String pathInfo) {

    /**
     * Decodes a raw (still percent-encoded) request path.
     *
     * @return the decoded, normalised path; empty if it has a bad escape, an encoded NUL or
     *         an encoded slash (which Apache refuses unless AllowEncodedSlashes is on)
     */
    public static Optional<String> decode(String rawPath) {
        StringBuilder decoded = new StringBuilder(rawPath.length());
        for (int i = 0, n = rawPath.length(); i < n; i++) {
            char c = rawPath.charAt(i);
            if (c == '%') {
                if (i + 2 >= n) {
                    return Optional.empty();
                }
                int hi = Character.digit(rawPath.charAt(i + 1), 16);
                int lo = Character.digit(rawPath.charAt(i + 2), 16);
                if (hi < 0 || lo < 0) {
                    return Optional.empty();
                }
                int b = hi << 4 | lo;
                if (b == 0 || b == '/') {
                    return Optional.empty();
                }
                decoded.append((char) b);
                i += 2;
            } else if (c >= 0x80) {
                // A raw non-ASCII char in the request line: Jetty hands us its UTF-8 decoding;
                // PEP 3333 wants the bytes, one char each.
                byte[] bytes = String.valueOf(c).getBytes(java.nio.charset.StandardCharsets.UTF_8);
                for (byte b : bytes) {
                    decoded.append((char) (b & 0xFF));
                }
            } else {
                decoded.append(c);
            }
        }
        return Optional.of(normalize(decoded.toString()));
    }

    /** Resolves "." and ".." segments and merges repeated slashes (RFC 3986 section 5.2.4, Apache's MergeSlashes). */
    static String normalize(String path) {
        if (path.isEmpty() || path.charAt(0) != '/') {
            path = "/" + path;
        }
        String[] segments = path.split("/", -1);
        StringBuilder out = new StringBuilder(path.length());
        int[] starts = new int[segments.length + 1];
        int depth = 0;
        for (int i = 1; i < segments.length; i++) {
            String segment = segments[i];
            boolean last = i == segments.length - 1;
            if (segment.equals(".") || segment.isEmpty() && !last) {
                if (last) {
                    out.append('/');
                }
                continue;
            }
            if (segment.equals("..")) {
                if (depth > 0) {
                    depth--;
                    out.setLength(starts[depth]);
                }
                if (last) {
                    out.append('/');
                }
                continue;
            }
            starts[depth++] = out.length();
            out.append('/').append(segment);
        }
        return out.isEmpty() ? "/" : out.toString();
    }

    /** Splits a decoded path at a mount point ("" for the root); empty if the path is outside it. */
    public static Optional<RequestPath> split(String decodedPath, String mountPoint) {
        if (mountPoint.isEmpty()) {
            return Optional.of(new RequestPath("", decodedPath));
        }
        if (decodedPath.equals(mountPoint)) {
            return Optional.of(new RequestPath(mountPoint, ""));
        }
        if (decodedPath.startsWith(mountPoint) && decodedPath.charAt(mountPoint.length()) == '/') {
            return Optional.of(new RequestPath(mountPoint, decodedPath.substring(mountPoint.length())));
        }
        return Optional.empty();
    }
}
