package io.wsgi4j.gateway;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wsgi4j.testing.Await;
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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;

/**
 * The response iterable: streamed as produced, chunked without a Content-Length, a Content-Length
 * honoured, close() always called, no body for HEAD, 204 and 304; and a slow application is
 * answered even when it takes longer than the keep-alive timeout.
 */
class ResponseIT extends EveryPythonEveryMode {
    private static final Duration WAIT = Duration.ofSeconds(30);

    private static TestServer server;
    @TempDir
    static Path shared;

    @BeforeParameterizedClassInvocation
    static void start(Pythons.Python python) throws Exception {
        server = startOn(python, "response.wsgi", "--keep-alive-timeout", "1", "--setenv", "TEST_DIR", shared.toString());
    }

    @AfterParameterizedClassInvocation
    static void stop() {
        stop(server);
    }

    private static String text(byte[] bytes) {
        return new String(bytes, StandardCharsets.ISO_8859_1);
    }

    private static String request(String method, String target) {
        return method + " " + target + " HTTP/1.1\r\nHost: localhost\r\n\r\n";
    }

    @Test
    void chunksAreSentAsTheyAreProduced() throws Exception {
        String flag = "stream-" + System.nanoTime();
        try (Http.Connection connection = new Http.Connection(server.port())) {
            connection.send(request("GET", "/stream?wait=" + flag));
            Http.Response head = connection.readHead();
            assertEquals(200, head.status());
            assertTrue(head.chunked());
            // The generator is blocked until the flag exists: this chunk came before the next was made.
            assertEquals("first", text(connection.readChunk()));
            Files.createFile(shared.resolve(flag));
            assertEquals("second", text(connection.readChunk()));
            assertNull(connection.readChunk());
        }
    }

    @Test
    void withoutContentLengthTheBodyIsChunked() throws Exception {
        try (Http.Connection connection = new Http.Connection(server.port())) {
            connection.send(request("GET", "/chunks"));
            Http.Response response = connection.read();
            assertEquals(200, response.status());
            assertTrue(response.chunked());
            assertFalse(response.header("Content-Length").isPresent());
            assertEquals("one two three", response.text());
        }
        // When the connection closes after the response anyway, its end marks the body's end.
        Http.Response closing = server.get("/chunks");
        assertEquals("one two three", closing.text());
    }

    @Test
    void aSingleChunkGetsItsContentLength() throws Exception {
        Http.Response response = server.get("/single");
        assertEquals("11", response.header("Content-Length").orElse(null));
        assertFalse(response.chunked());
        assertEquals("hello world", response.text());
    }

    @Test
    void http10ClientsGetABodyEndedByClose() throws Exception {
        Http.Response response = server.exchange("GET /chunks HTTP/1.0\r\n\r\n");
        assertEquals(200, response.status());
        assertFalse(response.chunked());
        assertEquals("one two three", response.text());
    }

    @Test
    void contentLengthIsHonoured() throws Exception {
        Http.Response response = server.get("/with-length");
        assertEquals("11", response.header("Content-Length").orElse(null));
        assertFalse(response.chunked());
        assertEquals("hello world", response.text());
    }

    @Test
    void aBodyShorterThanItsContentLengthClosesTheConnectionAndIsLogged() throws Exception {
        try (Http.Connection connection = new Http.Connection(server.port())) {
            connection.send(request("GET", "/short"));
            Http.Response head = connection.readHead();
            assertEquals("10", head.header("Content-Length").orElse(null));
            assertEquals("12345", text(connection.readBytes(10)), "the connection ends after what there was");
            assertTrue(connection.closedByServer(10_000));
        }
        server.awaitLogLine(line -> line.contains("ended after 5 of the 10 bytes its Content-Length promised"), WAIT);
    }

    @Test
    void aBodyLongerThanItsContentLengthIsCut() throws Exception {
        try (Http.Connection connection = new Http.Connection(server.port())) {
            connection.send(request("GET", "/long"));
            Http.Response response = connection.read();
            assertEquals("12345", response.text());
            // Nothing more came: the next response on the connection starts cleanly.
            connection.send(request("GET", "/single"));
            assertEquals("hello world", connection.read().text());
        }
        server.awaitLogLine(line -> line.contains("longer than its Content-Length of 5 bytes"), WAIT);
    }

    private static String closeRecord(String tag) throws Exception {
        return Await.file(shared.resolve("closed-" + tag), WAIT);
    }

    @Test
    void closeIsCalledAfterACompleteResponse() throws Exception {
        String tag = "normal-" + System.nanoTime();
        assertEquals("chunk one chunk two", server.get("/closing?mode=normal&tag=" + tag).text());
        assertEquals("normal", closeRecord(tag));
    }

    @Test
    void anExceptionFromCloseIsLogged() throws Exception {
        String tag = "close-raises-" + System.nanoTime();
        assertEquals("chunk one chunk two", server.get("/closing?mode=close-raises&tag=" + tag).text());
        assertEquals("close-raises", closeRecord(tag));
        server.awaitLogLine(line -> line.endsWith("ValueError: close() failed"), WAIT);
    }

    @Test
    void closeIsCalledWhenTheIterableRaisesMidResponse() throws Exception {
        String tag = "raise-" + System.nanoTime();
        try (Http.Connection connection = new Http.Connection(server.port())) {
            connection.send(request("GET", "/closing?mode=raise&tag=" + tag));
            assertEquals(200, connection.readHead().status());
            assertEquals("chunk one ", text(connection.readChunk()));
            assertThrows(IOException.class, connection::readChunk, "the response is cut, not completed");
        }
        assertEquals("raise", closeRecord(tag));
        server.awaitLogLine(line -> line.endsWith("RuntimeError: the iterable failed after its first chunk"), WAIT);
    }

    @Test
    void closeIsCalledWhenTheIterableRaisesBeforeItsFirstChunk() throws Exception {
        String tag = "raise-first-" + System.nanoTime();
        assertEquals(500, server.get("/closing?mode=raise-first&tag=" + tag).status());
        assertEquals("raise-first", closeRecord(tag));
    }

    @Test
    void closeIsCalledWhenTheClientDisconnects() throws Exception {
        String tag = "endless-" + System.nanoTime();
        try (Http.Connection connection = new Http.Connection(server.port())) {
            connection.send(request("GET", "/closing?mode=endless&tag=" + tag));
            assertEquals(200, connection.readHead().status());
            assertEquals("chunk one ", text(connection.readChunk()));
        }
        assertEquals("endless", closeRecord(tag));
        // The worker thread is free again afterwards.
        assertEquals("hello world", server.get("/single").text());
    }

    private static List<List<String>> headersWithoutDate(Http.Response response) {
        return response.headers().stream().filter(h -> !h[0].equalsIgnoreCase("Date")).map(List::of).toList();
    }

    @Test
    void headGetsTheHeadersOfGetAndNoBody() throws Exception {
        for (String target : List.of("/chunks", "/single", "/with-length", "/head-aware")) {
            try (Http.Connection connection = new Http.Connection(server.port())) {
                connection.send(request("GET", target));
                Http.Response get = connection.read();
                connection.send(request("HEAD", target));
                Http.Response head = connection.read(true);
                assertEquals(get.status(), head.status(), target);
                assertEquals(headersWithoutDate(get), headersWithoutDate(head), target);
                // Had any body bytes followed the HEAD response, this response would not parse.
                connection.send(request("GET", "/single"));
                Http.Response next = connection.read();
                assertEquals(200, next.status(), target);
                assertEquals("hello world", next.text(), target);
            }
        }
    }

    @Test
    void noBodyFor204And304() throws Exception {
        for (String target : List.of("/status?code=204", "/status?code=304", "/status?code=304&length=18")) {
            try (Http.Connection connection = new Http.Connection(server.port())) {
                connection.send(request("GET", target));
                Http.Response response = connection.read();
                assertEquals(Integer.parseInt(target.substring(13, 16)), response.status(), target);
                assertEquals("yes", response.header("X-Custom").orElse(null), target);
                assertFalse(response.chunked(), target);
                connection.send(request("GET", "/single"));
                Http.Response next = connection.read();
                assertEquals(200, next.status(), target + " sent body bytes");
                assertArrayEquals("hello world".getBytes(StandardCharsets.ISO_8859_1), next.body(), target);
            }
        }
    }

    @Test
    void startResponseMayBeCalledFromTheIterable() throws Exception {
        Http.Response response = server.get("/lazy");
        assertEquals(200, response.status());
        assertEquals("started lazily", response.text());
    }

    @Test
    void anApplicationSlowerThanTheKeepAliveTimeoutIsStillAnswered() throws Exception {
        // --keep-alive-timeout 1: while a request runs the connection has --socket-timeout instead.
        try (Http.Connection connection = new Http.Connection(server.port())) {
            connection.send(request("GET", "/sleep?seconds=2"));
            Http.Response response = connection.read();
            assertEquals(200, response.status());
            assertEquals("slept", response.text());
            connection.send(request("GET", "/single"));
            assertEquals("hello world", connection.read().text(), "and the connection is still usable");
        }
    }

    @Test
    void afterASlowRequestTheKeepAliveTimeoutAppliesAgain() throws Exception {
        try (Http.Connection connection = new Http.Connection(server.port())) {
            connection.send(request("GET", "/sleep?seconds=2"));
            assertEquals("slept", connection.read().text());
            // Not the socket timeout (60 s) the request ran under: 1 s from the response's last byte.
            assertFalse(connection.closedByServer(500), "open half-way through the keep-alive timeout");
            assertTrue(connection.closedByServer(5_000), "closed at the keep-alive timeout");
        }
    }
}
