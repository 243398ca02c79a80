package io.wsgi4j.http;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wsgi4j.testing.Http;
import io.wsgi4j.testing.Json;
import io.wsgi4j.testing.TestServer;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The shared HTTP/1.1 request vectors against one real server: each valid request must reach the
 * application exactly as parsed in the vector, each invalid one must be refused before it does,
 * except where {@link Divergences} lists wsgi4j's own RFC-permitted answer.
 *
 * <p>The vectors are read at test time from {@code ../shared/conformance} beside the project (or
 * the folder named by the {@code wsgi4j.shared} system property); without them the test is skipped.
 */
class ConformanceIT {
    /** Requests the test itself sends to order the call log; the application answers them like any other. */
    private static final String BARRIER = "/conformance-barrier";

    private static List<RequestVector> vectors;
    private static String absent;
    private static Path calls;
    private static TestServer server;

    @BeforeAll
    static void start() throws Exception {
        Path file = sharedFolder().resolve("conformance").resolve(RequestVector.FILE);
        if (!Files.isRegularFile(file)) {
            absent = "the shared conformance vectors are absent (looked for " + file
                    + "; -Dwsgi4j.shared=DIR names another shared folder); skipping the conformance test";
            return;
        }
        vectors = RequestVector.load(file);
        calls = Files.createTempFile("wsgi4j-conformance-calls", ".jsonl");
        // One request thread: calls reach the application in order, so that the barrier request
        // an invalid case ends with is logged after any call the case could have caused.
        server = TestServer.start("conformance_echo.wsgi", "--threads", "1",
                "--setenv", "CONFORMANCE_CALLS", calls.toString());
    }

    @AfterAll
    static void stop() throws IOException {
        if (server != null) {
            server.close();
        }
        if (calls != null) {
            Files.deleteIfExists(calls);
        }
    }

    /** {@code wsgi4j.shared}, else the {@code shared} folder beside the project directory. */
    static Path sharedFolder() {
        String configured = System.getProperty("wsgi4j.shared");
        if (configured != null && !configured.isBlank()) {
            return Path.of(configured).toAbsolutePath();
        }
        Path project = Path.of(System.getProperty("wsgi4j.home", System.getProperty("user.dir")));
        return project.toAbsolutePath().normalize().resolveSibling("shared");
    }

    @TestFactory
    Stream<DynamicTest> requestVectors() {
        if (absent != null) {
            // A skipped test rather than a skipped class, so that reports show the reason.
            return Stream.of(DynamicTest.dynamicTest("request vectors", () -> Assumptions.abort(absent)));
        }
        return vectors.stream().map(vector -> DynamicTest.dynamicTest(vector.name(), () -> check(vector)));
    }

    private static void check(RequestVector vector) throws Exception {
        Assumptions.assumeTrue(vector.settings().isEmpty(), () -> vector.name() + " was written for the gunicorn "
                + "setting(s) " + vector.settings() + ", which wsgi4j does not have; skipped");
        Divergences.Divergence divergence = Divergences.TABLE.get(vector.name());
        if (divergence != null) {
            check(vector.raw(), divergence.wsgi4j().apply(vector),
                    vector.name() + " (divergence, " + divergence.clause() + ")");
        } else if (vector.valid()) {
            check(vector.raw(), new Divergences.Served(vector.expected()), vector.name());
        } else {
            check(vector.raw(), new Divergences.Refused(Divergences.statusesFor(vector.expectError())), vector.name());
            // Refused for lacking Host, maybe: it must be refused with one as well.
            byte[] withHost = HostField.added(vector.raw());
            if (withHost != null) {
                check(withHost, new Divergences.Refused(Divergences.statusesFor(vector.expectError())),
                        vector.name() + " (with a Host field added)");
            }
        }
    }

    private static void check(byte[] raw, Divergences.Outcome outcome, String label) throws Exception {
        switch (outcome) {
            case Divergences.Served served -> checkServed(raw, served, label);
            case Divergences.Refused refused -> checkRefused(raw, refused, label);
            case Divergences.NoHost noHost -> checkNoHost(raw, noHost, label);
            case Divergences.BodyCutShort cut -> checkBodyCutShort(raw, label);
        }
    }

    // -- requests that must reach the application ---------------------------------

    private static void checkServed(byte[] raw, Divergences.Served served, String label) throws Exception {
        List<RequestVector.Request> requests = served.requests();
        int before = calls().size();
        List<Http.Response> responses = exchange(raw, requests.size(), served.endInput(), label);
        for (int i = 0; i < requests.size(); i++) {
            String which = label + ", request " + (i + 1) + " of " + requests.size();
            assertTrue(i < responses.size(), which + ": the server closed the connection without answering");
            assertAnswered(requests.get(i), responses.get(i), which);
        }
        assertEquals(requests.size(), responses.size(), () -> label + ": an unexpected further response: "
                + responses.get(requests.size()).latin1());
        List<Map<String, Object>> made = calls().subList(before, calls().size());
        assertEquals(requests.size(), made.stream().filter(c -> c.get("event").equals("call")).count(),
                () -> label + ": the application calls were " + made);
    }

    private static void assertAnswered(RequestVector.Request want, Http.Response response, String which) {
        assertEquals(200, response.status(), which + ": " + response.latin1());
        assertEquals(Optional.of("1"), response.header("X-Conformance-Echo"),
                which + ": the answer is not the application's");
        assertSeen(want, Json.object(response.latin1()), which);
    }

    /** Compares what the application saw with the request it must see. */
    private static void assertSeen(RequestVector.Request want, Map<String, Object> seen, String which) {
        assertEquals(want.method(), seen.get("REQUEST_METHOD"), which + ": REQUEST_METHOD");
        assertEquals(want.uri(), seen.get("REQUEST_URI"), which + ": REQUEST_URI");
        assertEquals(want.protocol(), seen.get("SERVER_PROTOCOL"), which + ": SERVER_PROTOCOL");
        assertEquals(query(want.uri()), seen.get("QUERY_STRING"), which + ": QUERY_STRING");
        Map<String, String> fields = new LinkedHashMap<>();
        for (Object entry : (List<?>) seen.get("headers")) {
            List<?> pair = (List<?>) entry;
            fields.put((String) pair.get(0), (String) pair.get(1));
        }
        for (String cgi : List.of("CONTENT_TYPE", "CONTENT_LENGTH")) {
            if (seen.containsKey(cgi)) {
                fields.put(cgi, (String) seen.get(cgi));
            }
        }
        assertEquals(environOf(want.headers(), which), fields, which + ": the header fields");
        assertArrayEquals(want.body(), Base64.getDecoder().decode((String) seen.get("body")), () -> which
                + ": the body; the application read " + new String(Base64.getDecoder().decode((String) seen.get("body")),
                StandardCharsets.ISO_8859_1));
    }

    /**
     * The environ entries header fields give (CGI, RFC 3875 section 4.1.18): HTTP_NAME with '-' as
     * '_', CONTENT_TYPE and CONTENT_LENGTH without the prefix, repeated fields joined with ", ".
     */
    static Map<String, String> environOf(List<String[]> headers, String which) {
        Map<String, String> environ = new LinkedHashMap<>();
        for (String[] header : headers) {
            String name = header[0];
            assertTrue(name.matches("[A-Z0-9-]+"), which + ": the field name " + name
                    + " has no environ key (list the case in Divergences)");
            String key = switch (name) {
                case "CONTENT-TYPE", "CONTENT-LENGTH" -> name.replace('-', '_');
                default -> "HTTP_" + name.replace('-', '_');
            };
            environ.merge(key, header[1], (a, b) -> a + ", " + b);
        }
        return environ;
    }

    /** QUERY_STRING for a raw request target: what follows the first '?', up to a '#'. */
    static String query(String target) {
        int fragment = target.indexOf('#');
        String beforeFragment = fragment < 0 ? target : target.substring(0, fragment);
        int question = beforeFragment.indexOf('?');
        return question < 0 ? "" : beforeFragment.substring(question + 1);
    }

    // -- requests that must be refused --------------------------------------------

    private static void checkRefused(byte[] raw, Divergences.Refused refused, String label) throws Exception {
        int before = calls().size();
        // The client ends its side at once: a server still waiting for the rest of the request sees that none comes.
        List<Http.Response> responses = exchange(raw, 0, true, label);
        for (Http.Response response : responses) {
            assertTrue(response.header("X-Conformance-Echo").isEmpty(),
                    label + ": the application answered: " + response.latin1());
        }
        if (!responses.isEmpty()) {
            int status = responses.get(0).status();
            assertTrue(refused.statuses().contains(status), label + ": answered " + status + ", expected one of "
                    + refused.statuses() + " or a closed connection: " + responses.get(0).latin1());
        }
        barrier();
        List<Map<String, Object>> made = calls().subList(before, calls().size());
        assertEquals(List.of(), made, label + ": the request reached the application");
    }

    private static void checkNoHost(byte[] raw, Divergences.NoHost noHost, String label) throws Exception {
        List<RequestVector.Request> requests = noHost.requests();
        int hostless = 0;
        while (!HostField.needed(requests.get(hostless))) {
            hostless++;
        }
        int before = calls().size();
        List<Http.Response> responses = exchange(raw, hostless + 1, false, label);
        for (int i = 0; i < hostless; i++) {
            assertAnswered(requests.get(i), responses.get(i), label + ", request " + (i + 1));
        }
        assertEquals(hostless + 1, responses.size(), label + ": the responses");
        assertEquals(400, responses.get(hostless).status(), label + ": " + responses.get(hostless).latin1());
        assertTrue(responses.get(hostless).header("X-Conformance-Echo").isEmpty(), label);
        barrier();
        assertEquals(hostless, calls().stream().skip(before).filter(c -> c.get("event").equals("call")).count(),
                label + ": the application calls");
        check(HostField.added(raw, requests), noHost.withHost(), label + " (with a Host field added)");
    }

    private static void checkBodyCutShort(byte[] raw, String label) throws Exception {
        int before = calls().size();
        List<Http.Response> responses = exchange(raw, 0, true, label);
        if (!responses.isEmpty()) {
            assertEquals(400, responses.get(0).status(), label + ": " + responses.get(0).latin1());
        }
        barrier();
        // Whether the application has been called by the time the end of the connection is seen
        // depends on when the bytes arrive; either way it never gets the body as complete.
        List<Object> events = calls().subList(before, calls().size()).stream().map(c -> c.get("event")).toList();
        assertTrue(events.isEmpty() || events.equals(List.of("call", "body-error")),
                label + ": the application calls: " + events);
    }

    /** A request on its own connection, after which every call caused by earlier requests is in the log. */
    private static void barrier() throws IOException {
        Http.Response response = Http.get(server.port(), BARRIER);
        assertEquals(200, response.status(), "the barrier request: " + response.latin1());
    }

    // -- helpers ----------------------------------------------------------------

    /**
     * Sends raw bytes on a new connection and reads what comes back: {@code expected} responses,
     * then, once the client has ended its side, any further ones until the server closes.
     */
    private static List<Http.Response> exchange(byte[] raw, int expected, boolean endInput, String label)
            throws IOException {
        List<Http.Response> responses = new ArrayList<>();
        try (Http.Connection connection = new Http.Connection(server.port())) {
            connection.send(raw);
            if (endInput) {
                connection.socket().shutdownOutput();
            }
            Http.Response response;
            while (responses.size() < expected && (response = read(connection, label)) != null) {
                responses.add(response);
            }
            if (!endInput) {
                connection.socket().shutdownOutput();
            }
            while ((response = read(connection, label)) != null) {
                responses.add(response);
            }
        }
        return responses;
    }

    /** The next response, or null when the server closed the connection (or reset it) instead. */
    private static Http.Response read(Http.Connection connection, String label) throws IOException {
        try {
            return connection.read();
        } catch (SocketTimeoutException e) {
            throw new AssertionError(label + ": the server neither answered nor closed the connection", e);
        } catch (IOException e) {
            return null;
        }
    }

    /** The application's call log so far, without the barrier requests. */
    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> calls() throws IOException {
        List<Map<String, Object>> made = new ArrayList<>();
        for (String line : Files.readAllLines(calls, StandardCharsets.UTF_8)) {
            Map<String, Object> call = (Map<String, Object>) Json.parse(line);
            if (!BARRIER.equals(call.get("uri"))) {
                made.add(call);
            }
        }
        return made;
    }
}
