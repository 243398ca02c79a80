package io.wsgi4j.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wsgi4j.testing.EveryPythonEveryMode;
import io.wsgi4j.testing.Http;
import io.wsgi4j.testing.Pythons;
import io.wsgi4j.testing.TestServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;

/**
 * start_response as PEP 3333 defines it: bad status lines and headers give a 500 and a clear
 * error-log line (never a malformed response), exc_info replaces or re-raises, a second call
 * without exc_info fails, and write() sends the headers with its first bytes and streams.
 */
class StartResponseIT extends EveryPythonEveryMode {
    private static final Duration WAIT = Duration.ofSeconds(10);

    private static TestServer server;
    @TempDir
    static Path shared;

    @BeforeParameterizedClassInvocation
    static void start(Pythons.Python python) throws Exception {
        server = startOn(python, "start_response.wsgi", "--setenv", "TEST_DIR", shared.toString());
    }

    @AfterParameterizedClassInvocation
    static void stop() {
        stop(server);
    }

    /** Asserts a clean 500 page and returns the error-log lines of its request once the given text is logged. */
    private static List<String> serverError(String target, String logged) throws Exception {
        Http.Response response = server.get(target);
        assertEquals(500, response.status(), target + ": " + response.text());
        assertFalse(response.header("X-Injected").isPresent(), target);
        assertFalse(response.text().contains("should not be sent"), target);
        assertEquals("text/html; charset=iso-8859-1", response.header("Content-Type").orElse(null), target);
        String id = ErrorPage.requestId(response);
        server.awaitLogLine(line -> line.contains("[request " + id + "]") && line.contains(logged), WAIT);
        return server.logLinesOf(id);
    }

    @Test
    void badStatusGives500AndSaysWhy() throws Exception {
        Map<String, String> cases = Map.ofEntries(
                Map.entry("bytes", "TypeError: status must be a str, not bytes"),
                Map.entry("int", "TypeError: status must be a str, not int"),
                Map.entry("list", "TypeError: status must be a str, not list"),
                Map.entry("no-reason", "ValueError: status must be a 3-digit code"),
                Map.entry("no-space", "ValueError: status must be a 3-digit code"),
                Map.entry("four-digits", "ValueError: status must be a 3-digit code"),
                Map.entry("letters", "ValueError: status must be a 3-digit code"),
                Map.entry("too-low", "ValueError: status must be a 3-digit code"),
                Map.entry("too-high", "ValueError: status must be a 3-digit code"),
                Map.entry("informational", "is informational"),
                Map.entry("newline", "ValueError: status must be a 3-digit code"),
                Map.entry("nul", "ValueError: status must be a 3-digit code"),
                Map.entry("not-latin1", "outside latin-1"));
        for (Map.Entry<String, String> c : cases.entrySet()) {
            List<String> lines = serverError("/bad-status?case=" + c.getKey(), c.getValue());
            assertTrue(lines.stream().anyMatch(l -> l.contains("in application")), "the traceback shows where: " + lines);
        }
    }

    @Test
    void badHeadersGive500AndSayWhy() throws Exception {
        Map<String, String> cases = Map.ofEntries(
                Map.entry("crlf-in-value", "response header X-A has a control character"),
                Map.entry("lf-in-value", "response header X-A has a control character"),
                Map.entry("nul-in-value", "response header X-A has a control character"),
                Map.entry("colon-in-name", "invalid response header name 'X-A: b'"),
                Map.entry("space-in-name", "invalid response header name 'X A'"),
                Map.entry("empty-name", "invalid response header name ''"),
                Map.entry("tuple-of-headers", "response headers must be a list, not tuple"),
                Map.entry("list-item", "each response header must be a (name, value) tuple"),
                Map.entry("three-items", "each response header must be a (name, value) tuple"),
                Map.entry("int-value", "response header name and value must be str"),
                Map.entry("bytes-name", "response header name and value must be str"),
                Map.entry("not-latin1-value", "outside latin-1"),
                Map.entry("none", "response headers must be a list, not NoneType"));
        for (Map.Entry<String, String> c : cases.entrySet()) {
            serverError("/bad-headers?case=" + c.getKey(), c.getValue());
        }
    }

    @Test
    void anInvalidContentLengthGives500() throws Exception {
        Http.Response response = server.get("/bad-length");
        assertNotEquals("Reason Of The App", response.reason(), "the page is the server's, so is its reason phrase");
        serverError("/bad-length", "invalid Content-Length abc");
    }

    @Test
    void unusualButValidStatusLinesPassWithTheirReasonPhrase() throws Exception {
        Http.Response response = server.get("/good-status?status=299+Whatever");
        assertEquals(299, response.status());
        assertEquals("Whatever", response.reason());
        response = server.get("/good-status?status=599+Odd+but+fine");
        assertEquals(599, response.status());
        assertEquals("Odd but fine", response.reason());
        response = server.get("/good-status?status=404+Gone+Fishing");
        assertEquals("Gone Fishing", response.reason());
        response = server.get("/good-status?status=404+");
        assertEquals(404, response.status());
        assertEquals("Not Found", response.reason(), "an empty reason phrase gets the standard one");
    }

    @Test
    void excInfoBeforeTheHeadersWereSentReplacesThem() throws Exception {
        Http.Response response = server.get("/exc-info-before-headers");
        assertEquals(503, response.status());
        assertEquals("Try Later", response.reason());
        assertEquals("new", response.header("X-New").orElse(null));
        assertFalse(response.header("X-Old").isPresent(), "the first headers are gone");
        assertEquals("replaced", response.text());
    }

    @Test
    void emptyChunksDoNotSendTheHeaders() throws Exception {
        Http.Response response = server.get("/exc-info-after-empty-chunks");
        assertEquals(500, response.status());
        assertFalse(response.header("X-Old").isPresent());
        assertEquals("replaced", response.text());
    }

    @Test
    void excInfoAfterTheHeadersWereSentReraisesAndCutsTheResponse() throws Exception {
        for (String path : List.of("/exc-info-after-headers", "/exc-info-caught-after-headers")) {
            try (Http.Connection connection = new Http.Connection(server.port())) {
                connection.send("GET " + path + " HTTP/1.1\r\nHost: localhost\r\n\r\n");
                Http.Response head = connection.readHead();
                assertEquals(200, head.status(), path);
                assertTrue(head.chunked(), path);
                assertEquals("partial ", new String(connection.readChunk(), StandardCharsets.ISO_8859_1), path);
                // No last chunk: the client can tell the response is incomplete.
                assertThrows(IOException.class, connection::readChunk, path);
            }
            String error = path.contains("caught") ? "KeyError: 'failed in the generator'"
                    : "RuntimeError: failed after the headers were sent";
            String line = server.awaitLogLine(l -> l.endsWith(error), WAIT);
            assertTrue(line.matches(".*\\[client 127\\.0\\.0\\.1:\\d+] \\[request [a-z0-9-]+] .*"), line);
        }
    }

    @Test
    void secondCallWithoutExcInfoIsAnError() throws Exception {
        serverError("/twice", "RuntimeError: start_response() was already called");
    }

    @Test
    void returningWithoutStartResponseIsAnError() throws Exception {
        serverError("/no-start-response", "without calling start_response()");
    }

    @Test
    void writeSendsTheHeadersWithItsFirstBytesAndStreams() throws Exception {
        String flag = "write-" + System.nanoTime();
        try (Http.Connection connection = new Http.Connection(server.port())) {
            connection.send("GET /write-stream?wait=" + flag + " HTTP/1.1\r\nHost: localhost\r\n\r\n");
            Http.Response head = connection.readHead();
            assertEquals(200, head.status());
            assertTrue(head.chunked(), "no Content-Length: chunked");
            // The application is now waiting for us: the first chunk arrived before the second exists.
            assertEquals("first", new String(connection.readChunk(), StandardCharsets.ISO_8859_1));
            Files.createFile(shared.resolve(flag));
            assertEquals("second", new String(connection.readChunk(), StandardCharsets.ISO_8859_1));
            assertNull(connection.readChunk());
        }
    }

    @Test
    void writeThenReturnedIterable() throws Exception {
        Http.Response response = server.get("/write-then-iterable");
        assertEquals(200, response.status());
        assertEquals("written and returned", response.text());
    }

    @Test
    void writeWithContentLength() throws Exception {
        Http.Response response = server.get("/write-with-length");
        assertEquals(200, response.status());
        assertEquals("11", response.header("Content-Length").orElse(null));
        assertFalse(response.chunked());
        assertEquals("hello world", response.text());
    }

    @Test
    void writeOfStrIsAnError() throws Exception {
        serverError("/write-str", "TypeError: write() argument must be a byte string, not str");
    }
}
