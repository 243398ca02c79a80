package io.wsgi4j.log;

import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.eclipse.jetty.http.HttpCookie;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.NanoTime;

/**
 * An Apache {@code LogFormat} string, compiled once and rendered for each request exactly as Apache's
 * mod_log_config would: {@code -} for a value that is absent, {@code %b} as {@code -} for an empty body,
 * {@code %t} in local time, and request data escaped as Apache escapes it.
 *
 * <p>Jetty's {@code CustomRequestLog} is not used because its output differs from Apache's: it writes
 * {@code ""} for a missing header between quotes, quotes values that contain commas, prints
 * {@code ?null} for {@code %q} without a query, and lacks {@code %b}, {@code %l}, {@code %P} and {@code %v}.
 */
public final class ApacheLogFormat {
    private static final String SUPPORTED = "%h %a %{c}a %A %l %u %t %r %s %>s %b %B %D %T %{s|ms|us}T %{Name}i "
            + "%{Name}o %{Name}C %m %U %q %H %X %p %{local|remote}p %P %v %V %% and status conditions such as %400,501{Referer}i";

    /** One directive or piece of literal text, appending itself to the line. */
    @FunctionalInterface
    private interface Item {
        void append(StringBuilder line, Request request, Response response);
    }

    private final List<Item> items;

    private ApacheLogFormat(List<Item> items) {
        this.items = List.copyOf(items);
    }

    /**
     * Compiles a format.
     *
     * @param serverName what {@code %v} stands for (Apache's canonical ServerName)
     * @param pid        what {@code %P} stands for (the server's process id)
     * @throws IllegalArgumentException naming the directive that is wrong or not supported
     */
    public static ApacheLogFormat compile(String format, String serverName, long pid) {
        List<Item> items = new ArrayList<>();
        StringBuilder literal = new StringBuilder();
        int i = 0;
        while (i < format.length()) {
            char c = format.charAt(i);
            if (c != '%') {
                literal.append(c);
                i++;
                continue;
            }
            int start = i++;
            // Optional modifiers: '<' or '>' (which request of an internal redirect: wsgi4j has one), then
            // a status condition: "400,501" logs the value only for those statuses, "!200" for all others.
            StringBuilder condition = new StringBuilder();
            while (i < format.length() && "<>!0123456789,".indexOf(format.charAt(i)) >= 0) {
                char m = format.charAt(i++);
                if (m != '<' && m != '>') {
                    condition.append(m);
                }
            }
            String param = null;
            if (i < format.length() && format.charAt(i) == '{') {
                int close = format.indexOf('}', i);
                if (close < 0) {
                    throw new IllegalArgumentException("'" + format.substring(start) + "' has no closing '}'");
                }
                param = format.substring(i + 1, close);
                i = close + 1;
            }
            if (i >= format.length()) {
                throw new IllegalArgumentException("'" + format.substring(start) + "' ends before its directive letter");
            }
            char code = format.charAt(i++);
            String directive = format.substring(start, i);
            if (code == '%') {
                literal.append('%');
                continue;
            }
            Item item = directive(code, param, directive, serverName, pid);
            if (!condition.isEmpty()) {
                item = conditional(condition.toString(), directive, item);
            }
            if (!literal.isEmpty()) {
                items.add(text(literal.toString()));
                literal.setLength(0);
            }
            items.add(item);
        }
        if (!literal.isEmpty()) {
            items.add(text(literal.toString()));
        }
        return new ApacheLogFormat(items);
    }

    /** The log line for a completed request, without its line end. */
    public String render(Request request, Response response) {
        StringBuilder line = new StringBuilder(160);
        for (Item item : items) {
            item.append(line, request, response);
        }
        return line.toString();
    }

    private static Item directive(char code, String param, String directive, String serverName, long pid) {
        return switch (code) {
            case 'h' -> plain(directive, param, (req, res) -> address(Request.getRemoteAddr(req)));
            case 'a' -> {
                if (param != null && !param.equals("c")) {
                    throw unsupported(directive);
                }
                yield (line, req, res) -> value(line, address(Request.getRemoteAddr(req)));
            }
            case 'A' -> plain(directive, param, (req, res) -> address(Request.getLocalAddr(req)));
            case 'l', 'u' -> plain(directive, param, (req, res) -> null);  // no identd, no server-side auth
            case 't' -> {
                if (param != null) {
                    throw unsupported(directive);
                }
                ZoneId zone = ZoneId.systemDefault();
                yield (line, req, res) -> ApacheTime.accessLog(line.append('['),
                        Instant.ofEpochMilli(Request.getTimeStamp(req)).atZone(zone)).append(']');
            }
            case 'r' -> plain(directive, param, (req, res) -> req.getMethod() + " " + req.getHttpURI().getPathQuery()
                    + " " + req.getConnectionMetaData().getProtocol());
            case 's' -> plain(directive, param, (req, res) -> Integer.toString(res.getStatus()));
            case 'b' -> plain(directive, param, (req, res) -> {
                long bytes = Response.getContentBytesWritten(res);
                return bytes == 0 ? null : Long.toString(bytes);
            });
            case 'B' -> plain(directive, param, (req, res) -> Long.toString(Response.getContentBytesWritten(res)));
            case 'D' -> plain(directive, param, (req, res) -> Long.toString(elapsed(req, TimeUnit.MICROSECONDS)));
            case 'T' -> {
                TimeUnit unit = switch (param == null ? "s" : param) {
                    case "s" -> TimeUnit.SECONDS;
                    case "ms" -> TimeUnit.MILLISECONDS;
                    case "us" -> TimeUnit.MICROSECONDS;
                    default -> throw unsupported(directive);
                };
                yield (line, req, res) -> line.append(elapsed(req, unit));
            }
            case 'i' -> named(directive, param, code, name -> (req, res) -> joined(req.getHeaders(), name));
            case 'o' -> named(directive, param, code, name -> (req, res) -> joined(res.getHeaders(), name));
            case 'C' -> named(directive, param, code, name -> (req, res) -> cookie(req, name));
            case 'm' -> plain(directive, param, (req, res) -> req.getMethod());
            case 'U' -> plain(directive, param, (req, res) -> decodedPath(req));
            case 'q' -> plain(directive, param, (req, res) -> {
                String query = req.getHttpURI().getQuery();
                return query == null ? "" : "?" + query;
            });
            case 'H' -> plain(directive, param, (req, res) -> req.getConnectionMetaData().getProtocol());
            case 'X' -> plain(directive, param, (req, res) -> !res.isCompletedSuccessfully() ? "X"
                    : req.getConnectionMetaData().isPersistent() ? "+" : "-");
            case 'p' -> {
                String which = param == null ? "canonical" : param;
                yield switch (which) {
                    case "canonical" -> (line, req, res) -> line.append(Request.getServerPort(req));
                    case "local" -> (line, req, res) -> line.append(Request.getLocalPort(req));
                    case "remote" -> (line, req, res) -> line.append(Request.getRemotePort(req));
                    default -> throw unsupported(directive);
                };
            }
            case 'P' -> {
                if (param != null && !param.equals("pid")) {
                    throw unsupported(directive);
                }
                yield text(Long.toString(pid));
            }
            case 'v' -> plain(directive, param, (req, res) -> serverName);
            case 'V' -> plain(directive, param, (req, res) -> Request.getServerName(req));
            default -> throw unsupported(directive);
        };
    }

    /** A value of the request or response, computed from both. */
    @FunctionalInterface
    private interface Value {
        String of(Request request, Response response);
    }

    /** A directive that takes no {name}. */
    private static Item plain(String directive, String param, Value value) {
        if (param != null) {
            throw unsupported(directive);
        }
        return (line, req, res) -> value(line, value.of(req, res));
    }

    /** A directive that needs a {name}. */
    private static Item named(String directive, String param, char code,
                              java.util.function.Function<String, Value> value) {
        if (param == null || param.isEmpty()) {
            throw new IllegalArgumentException("'" + directive + "' needs a name, as in %{Referer}" + code);
        }
        Value named = value.apply(param);
        return (line, req, res) -> value(line, named.of(req, res));
    }

    /** Logs the value only when the status is (or, with '!', is not) one of those listed; "-" otherwise. */
    private static Item conditional(String condition, String directive, Item item) {
        if (!condition.matches("!?\\d{3}(,\\d{3})*")) {
            throw new IllegalArgumentException("'" + directive + "' has a malformed status condition");
        }
        boolean negated = condition.startsWith("!");
        Set<Integer> statuses = java.util.Arrays.stream((negated ? condition.substring(1) : condition).split(","))
                .map(Integer::parseInt).collect(Collectors.toUnmodifiableSet());
        return (line, req, res) -> {
            if (statuses.contains(res.getStatus()) != negated) {
                item.append(line, req, res);
            } else {
                line.append('-');
            }
        };
    }

    private static Item text(String text) {
        return (line, req, res) -> line.append(text);
    }

    /** Appends a value as Apache does: "-" when there is none, escaped otherwise. */
    private static void value(StringBuilder line, String value) {
        if (value == null) {
            line.append('-');
        } else {
            LogEscape.logItem(line, value);
        }
    }

    private static long elapsed(Request request, TimeUnit unit) {
        return unit.convert(NanoTime.since(request.getBeginNanoTime()), TimeUnit.NANOSECONDS);
    }

    /** Apache merges repeated request headers into one value, separated by ", ". */
    private static String joined(HttpFields fields, String name) {
        List<String> values = fields.getValuesList(name);
        return values.isEmpty() ? null : String.join(", ", values);
    }

    /** An IP address as Apache writes it: IPv6 without brackets. */
    private static String address(String address) {
        return address != null && address.startsWith("[") && address.endsWith("]")
                ? address.substring(1, address.length() - 1) : address;
    }

    private static String cookie(Request request, String name) {
        List<HttpCookie> cookies = Request.getCookies(request);
        if (cookies == null) {
            return null;
        }
        for (HttpCookie cookie : cookies) {
            if (cookie.getName().equals(name)) {
                return cookie.getValue();
            }
        }
        return null;
    }

    /** Apache's {@code %U} is the URL path after percent-decoding. */
    private static String decodedPath(Request request) {
        try {
            return request.getHttpURI().getDecodedPath();
        } catch (RuntimeException e) {
            return request.getHttpURI().getPath();
        }
    }

    private static IllegalArgumentException unsupported(String directive) {
        return new IllegalArgumentException("'" + directive + "' is not supported; wsgi4j logs " + SUPPORTED);
    }
}
