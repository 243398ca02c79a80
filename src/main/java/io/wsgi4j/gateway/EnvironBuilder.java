package io.wsgi4j.gateway;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpURI;
import org.eclipse.jetty.server.Request;

/** Writes a request's WSGI environ (PEP 3333 and CGI) as a marshalled dict. */
public final class EnvironBuilder {
    private EnvironBuilder() {
    }

    /**
     * Writes the environ of one request.
     *
     * @param out        where the dict goes
     * @param defaults   the application's constant entries
     * @param request    the HTTP request
     * @param path       its path split at the mount point
     * @param requestId  the request's id
     * @param serverName the configured server name, for requests without a Host header
     * @param queueStart when the request started waiting for the application, microseconds since the epoch
     */
    public static void write(MarshalWriter out, EnvironDefaults defaults, Request request, RequestPath path,
                             String requestId, String serverName, long queueStart) {
        HttpURI uri = request.getHttpURI();
        out.beginDict();
        out.raw(defaults.marshalled(), 0, defaults.marshalled().length);
        out.str("REQUEST_METHOD").str(request.getMethod());
        out.str("SCRIPT_NAME").str(path.scriptName());
        out.str("PATH_INFO").str(path.pathInfo());
        String query = uri.getQuery();
        out.str("QUERY_STRING").str(query == null ? "" : RequestTarget.latin1(query));
        out.str("REQUEST_URI").str(RequestTarget.of(request));
        out.str("SERVER_PROTOCOL").str(request.getConnectionMetaData().getProtocol());

        String scheme = request.isSecure() ? "https" : "http";
        out.str("REQUEST_SCHEME").str(scheme);
        out.str("wsgi.url_scheme").str(scheme);
        if (request.isSecure()) {
            out.str("HTTPS").str("on");
        }

        SocketAddress local = request.getConnectionMetaData().getLocalSocketAddress();
        int localPort = local instanceof InetSocketAddress inet ? inet.getPort() : 0;
        String host = request.getHeaders().get(HttpHeader.HOST) != null ? uri.getHost() : null;
        out.str("SERVER_NAME").str(host == null || host.isEmpty() ? serverName : headerBytes(stripBrackets(host)));
        int port = host != null && uri.getPort() > 0 ? uri.getPort() : localPort;
        out.str("SERVER_PORT").str(Integer.toString(port));
        if (local instanceof InetSocketAddress inet) {
            out.str("SERVER_ADDR").str(address(inet.getAddress()));
        }
        SocketAddress remote = request.getConnectionMetaData().getRemoteSocketAddress();
        if (remote instanceof InetSocketAddress inet) {
            out.str("REMOTE_ADDR").str(address(inet.getAddress()));
            out.str("REMOTE_PORT").str(Integer.toString(inet.getPort()));
        }
        writeHeaders(out, request, defaults.passAuthorization());

        out.str("wsgi4j.request_id").str(requestId);
        // The request began before it started waiting, whatever the two clocks' conversion says.
        out.str("wsgi4j.request_start").str(Long.toString(Math.min(epochMicros(request), queueStart)));
        out.str("wsgi4j.queue_start").str(Long.toString(queueStart));
        out.endDict();
    }

    private static void writeHeaders(MarshalWriter out, Request request, boolean passAuthorization) {
        Map<String, StringBuilder> joined = new LinkedHashMap<>();
        for (HttpField field : request.getHeaders()) {
            HttpHeader known = field.getHeader();
            if (known == HttpHeader.CONTENT_TYPE) {
                out.str("CONTENT_TYPE").str(headerBytes(field.getValue()));
                continue;
            }
            if (known == HttpHeader.CONTENT_LENGTH) {
                out.str("CONTENT_LENGTH").str(field.getValue().trim());
                continue;
            }
            if (known == HttpHeader.AUTHORIZATION && !passAuthorization
                    || known == HttpHeader.PROXY_AUTHORIZATION) {
                continue;
            }
            String name = cgiName(field.getName());
            // "Proxy" would become HTTP_PROXY, read as a proxy setting by many libraries (httpoxy).
            if (name == null || name.equals("HTTP_PROXY")) {
                continue;
            }
            String value = headerBytes(field.getValue());
            StringBuilder existing = joined.get(name);
            if (existing == null) {
                joined.put(name, new StringBuilder(value));
            } else {
                existing.append(", ").append(value);
            }
        }
        for (Map.Entry<String, StringBuilder> entry : joined.entrySet()) {
            out.str(entry.getKey()).str(entry.getValue().toString());
        }
    }

    /**
     * HTTP_NAME for a header name; null when the name has characters other than letters, digits
     * and '-' (Apache drops those, so that "X_Forwarded_For" cannot pose as "X-Forwarded-For").
     */
    static String cgiName(String header) {
        StringBuilder name = new StringBuilder(5 + header.length()).append("HTTP_");
        for (int i = 0; i < header.length(); i++) {
            char c = header.charAt(i);
            if (c >= 'a' && c <= 'z') {
                name.append((char) (c - 32));
            } else if (c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
                name.append(c);
            } else if (c == '-') {
                name.append('_');
            } else {
                return null;
            }
        }
        return name.toString();
    }

    /**
     * A header value as PEP 3333 wants it, one char per byte. Jetty already gives each byte of a
     * header (obs-text included) as one ISO-8859-1 char; anything wider would be its UTF-8 bytes.
     */
    static String headerBytes(String value) {
        for (int i = 0; i < value.length(); i++) {
            if (value.charAt(i) > 0xFF) {
                return EnvironDefaults.latin1(value);
            }
        }
        return value;
    }

    private static String stripBrackets(String host) {
        return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    }

    private static long epochMicros(Request request) {
        long elapsedNanos = System.nanoTime() - request.getBeginNanoTime();
        return nowMicros() - elapsedNanos / 1000L;
    }

    /** The wall-clock time in microseconds since the epoch, the clock of Python's time.time(). */
    public static long nowMicros() {
        Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000L + now.getNano() / 1000;
    }

    /** An address as Apache writes it: dotted IPv4, or IPv6 in its shortest form (RFC 5952). */
    static String address(InetAddress address) {
        if (!(address instanceof Inet6Address)) {
            return address.getHostAddress();
        }
        byte[] b = address.getAddress();
        int[] groups = new int[8];
        for (int i = 0; i < 8; i++) {
            groups[i] = (b[2 * i] & 0xFF) << 8 | (b[2 * i + 1] & 0xFF);
        }
        int bestStart = -1;
        int bestLength = 1;
        for (int i = 0; i < 8; ) {
            if (groups[i] != 0) {
                i++;
                continue;
            }
            int j = i;
            while (j < 8 && groups[j] == 0) {
                j++;
            }
            if (j - i > bestLength) {
                bestStart = i;
                bestLength = j - i;
            }
            i = j;
        }
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                out.append("::");
                i += bestLength - 1;
                continue;
            }
            if (!out.isEmpty() && out.charAt(out.length() - 1) != ':') {
                out.append(':');
            }
            out.append(Integer.toHexString(groups[i]));
        }
        return out.toString();
    }
}
