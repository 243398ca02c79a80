package io.wsgi4j.http;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * The request vectors where wsgi4j's answer differs from the vectors' (gunicorn's), each with the
 * RFC 9110/9112 clause that permits wsgi4j's answer. The test asserts wsgi4j's answer for them.
 */
final class Divergences {
    private Divergences() {
    }

    /** What wsgi4j does with a request. */
    sealed interface Outcome permits Served, Refused, NoHost, BodyCutShort {
    }

    /**
     * The application receives these requests, in order, on the one connection.
     *
     * @param endInput whether the client ends its side of the connection right after sending
     */
    record Served(List<RequestVector.Request> requests, boolean endInput) implements Outcome {
        Served(List<RequestVector.Request> requests) {
            this(requests, false);
        }
    }

    /** The server answers with one of these statuses, or closes the connection; the application is not called. */
    record Refused(Set<Integer> statuses) implements Outcome {
    }

    /**
     * An HTTP/1.1 request without Host gets 400 (after the pipelined requests before it are
     * served) and the connection is closed; sent again with a Host field added to each HTTP/1.1
     * request without one, the requests get {@code withHost}.
     */
    record NoHost(List<RequestVector.Request> requests, Outcome withHost) implements Outcome {
        /** With Host, all the requests are served. */
        NoHost(List<RequestVector.Request> requests) {
            this(requests, new Served(HostField.added(requests)));
        }
    }

    /**
     * The body is shorter than its Content-Length and the client then ends the connection: the
     * answer is 400 (or the connection is closed). The application, if the request was handed to
     * it before the end was seen, gets an error from wsgi.input, never the body as complete.
     */
    record BodyCutShort() implements Outcome {
    }

    /**
     * One divergence.
     *
     * @param clause the RFC clause that permits wsgi4j's answer
     * @param reason why wsgi4j answers so, in one line
     * @param wsgi4j wsgi4j's answer for the vector, which the test asserts
     */
    record Divergence(String clause, String reason, Function<RequestVector, Outcome> wsgi4j) {
    }

    /** The statuses an invalid request may get, by the vectors' error name (the connection may also just close). */
    static Set<Integer> statusesFor(String error) {
        return switch (error) {
            case "LimitRequestHeaders" -> Set.of(431);
            case "LimitRequestLine" -> Set.of(414, 400);
            default -> Set.of(400);
        };
    }

    private static final String NO_HOST = "RFC 9112 section 3.2";
    private static final String NO_HOST_WHY = "a server MUST answer 400 to an HTTP/1.1 request without Host (as "
            + "Apache does); the same request with a Host field added is checked as well";

    /** Vector name -> divergence. */
    static final Map<String, Divergence> TABLE = Map.ofEntries(
            noHost("valid/004"), noHost("valid/005"), noHost("valid/006"), noHost("valid/007"),
            noHost("valid/010"), noHost("valid/011"), noHost("valid/012"), noHost("valid/013"),
            noHost("valid/014"), noHost("valid/018"), noHost("valid/021"), noHost("valid/022"),
            noHost("valid/023"), noHost("valid/025"), noHost("valid/025_line"), noHost("valid/029"),
            noHost("valid/030"), noHost("valid/031"), noHost("valid/100"),
            Map.entry("valid/009", new Divergence("RFC 9112 section 3.2; section 6.3 (3, 4)", NO_HOST_WHY + "; with "
                    + "Host it gets 400 too: 'identity' is no transfer coding (RFC 9112 section 7), so chunked is not "
                    + "the final coding and the server MUST answer 400 (as Apache does)",
                    v -> new NoHost(v.expected(), new Refused(Set.of(400))))),
            Map.entry("valid/099", new Divergence("RFC 9112 section 8", "the vector's body is 8599 of its "
                    + "Content-Length of 17914 bytes: an incomplete request: when the client closes, the answer is 400 "
                    + "(the application, streamed the body as by Apache, sees wsgi.input fail)",
                    v -> new BodyCutShort())),
            Map.entry("valid/rfc9110_field_name_special_chars_01", new Divergence(
                    "RFC 9110 section 5.1; RFC 3875 section 4.1.18", "a field name with other characters than "
                    + "letters, digits and '-' has no environ key of its own: dropped as Apache does (so that "
                    + "X_Forwarded_For cannot pose as X-Forwarded-For); recipients SHOULD ignore unrecognized fields",
                    v -> new Served(List.of(without(v.expected().get(0), "X.CUSTOM|PIPE"))))),
            Map.entry("valid/rfc9112_target_absolute_userinfo_01", new Divergence("RFC 9110 section 4.2.4",
                    "a recipient SHOULD treat userinfo in an http(s) target as an error: 400",
                    v -> new Refused(Set.of(400)))),
            Map.entry("invalid/003c", new Divergence("RFC 9110 section 9.1; RFC 9112 section 3.2", "'-bl' is a "
                    + "token, so a valid method, which the application gets as Apache passes it on; the vector has "
                    + "no Host, so it gets 400, and is served with one",
                    v -> new NoHost(List.of(request("-bl", "/foo", 1, ""))))),
            Map.entry("invalid/006", new Divergence("RFC 9112 section 3", "a 4112-byte request line is within "
                    + "Apache's LimitRequestLine of 8190 (request lines of 8000 octets are RECOMMENDED to be "
                    + "supported); gunicorn's limit is 4094", v -> new Served(List.of(plainRequest(v.raw()))))),
            Map.entry("invalid/008", new Divergence("RFC 9110 section 5.4", "header lines of 8189 and 4108 bytes "
                    + "are within Apache's LimitRequestFieldSize of 8190; the size limits are the server's choice",
                    v -> new Served(List.of(plainRequest(v.raw()))))),
            Map.entry("invalid/017", new Divergence(NO_HOST + "; RFC 9110 section 5.4", NO_HOST_WHY
                    + "; its 8189-byte field line is within Apache's LimitRequestFieldSize of 8190",
                    v -> new NoHost(List.of(plainRequest(v.raw()))))),
            trailer("invalid/rfc9110_trailer_forbidden_cl_01"),
            trailer("invalid/rfc9110_trailer_forbidden_host_01"),
            trailer("invalid/rfc9110_trailer_forbidden_te_01"),
            Map.entry("invalid/rfc9112_chunked_missing_final_crlf_01", new Divergence("RFC 9112 section 8",
                    "a chunked body is complete once its zero-sized chunk has arrived; when the client then closes, "
                    + "the missing end of the (empty) trailer section is not waited for",
                    v -> new Served(List.of(request("POST", "/chunked_missing_final_crlf", 1, "", "HOST", "a",
                            "TRANSFER-ENCODING", "chunked")), true))));

    private static Map.Entry<String, Divergence> trailer(String name) {
        return Map.entry(name, new Divergence("RFC 9112 section 7.1.2; RFC 9110 section 6.5.1", "a recipient that "
                + "removes the chunked coding MAY discard trailer fields: wsgi4j discards them all (WSGI has no "
                + "trailers), so Content-Length, Host or Transfer-Encoding there cannot change the request",
                v -> new Served(List.of(request("POST", "/p", 1, "hello", "HOST", "example.com",
                        "TRANSFER-ENCODING", "chunked")))));
    }

    /** A request as the application must see it; {@code fields}: name, value, name, value... */
    static RequestVector.Request request(String method, String uri, int minor, String body, String... fields) {
        List<String[]> headers = new ArrayList<>();
        for (int i = 0; i < fields.length; i += 2) {
            headers.add(new String[]{fields[i], fields[i + 1]});
        }
        return new RequestVector.Request(method, uri, 1, minor, headers, body.getBytes(StandardCharsets.ISO_8859_1));
    }

    /** The request without the fields of this name. */
    static RequestVector.Request without(RequestVector.Request r, String name) {
        List<String[]> headers = r.headers().stream().filter(h -> !h[0].equals(name)).toList();
        return new RequestVector.Request(r.method(), r.uri(), r.major(), r.minor(), headers, r.body());
    }

    private static Map.Entry<String, Divergence> noHost(String name) {
        return Map.entry(name, new Divergence(NO_HOST, NO_HOST_WHY,
                v -> new NoHost(v.expected())));
    }

    /**
     * The request of a simple, well-formed raw request (no folding, no chunked body) as a
     * server parses it: for the cases where wsgi4j serves what the vectors refuse.
     */
    static RequestVector.Request plainRequest(byte[] raw) {
        String text = new String(raw, StandardCharsets.ISO_8859_1);
        int end = text.indexOf("\r\n\r\n");
        String[] lines = text.substring(0, end).split("\r\n");
        String[] line = lines[0].split(" ");
        List<String[]> headers = new ArrayList<>();
        int length = 0;
        for (String field : Arrays.asList(lines).subList(1, lines.length)) {
            int colon = field.indexOf(':');
            String name = field.substring(0, colon).toUpperCase(java.util.Locale.ROOT);
            String value = field.substring(colon + 1).strip();
            headers.add(new String[]{name, value});
            if (name.equals("CONTENT-LENGTH")) {
                length = Integer.parseInt(value);
            }
        }
        byte[] body = Arrays.copyOfRange(raw, end + 4, end + 4 + length);
        return new RequestVector.Request(line[0], line[1], line[2].charAt(5) - '0', line[2].charAt(7) - '0',
                headers, body);
    }
}
