package io.wsgi4j.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.wsgi4j.testing.Http;
import io.wsgi4j.testing.Json;
import io.wsgi4j.testing.TestServer;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * How the request line and header fields reach the environ, and the heads wsgi4j refuses;
 * the shared conformance vectors cover more, these hold without them.
 */
class RequestHeadIT {
    private static TestServer server;

    @BeforeAll
    static void start() throws Exception {
        server = TestServer.start("environ.wsgi");
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static Map<String, Object> environ(String head) throws Exception {
        Http.Response response = server.exchange(head + "Connection: close\r\n\r\n");
        assertEquals(200, response.status(), response.text());
        return Json.object(response.text());
    }

    private static int status(String request) throws Exception {
        return server.exchange(request).status();
    }

    @Test
    void requestUriIsTheRawTarget() throws Exception {
        Map<String, Object> env = environ("GET http://example.com/a%20b?q=1#frag HTTP/1.1\r\nHost: example.com\r\n");
        assertEquals("http://example.com/a%20b?q=1#frag", env.get("REQUEST_URI"));
        assertEquals("/a b", env.get("PATH_INFO"));
        assertEquals("q=1", env.get("QUERY_STRING"));
        assertEquals("example.com", env.get("SERVER_NAME"));
    }

    @Test
    void rawUtf8InTheTargetReachesTheApplicationAsItsBytes() throws Exception {
        Map<String, Object> env = environ("GET /caf\u00c3\u00a9//x?v=\u00e2\u0082\u00ac HTTP/1.1\r\nHost: a\r\n");
        assertEquals("/caf\u00c3\u00a9//x?v=\u00e2\u0082\u00ac", env.get("REQUEST_URI"));
        assertEquals("/caf\u00c3\u00a9/x", env.get("PATH_INFO"));
        assertEquals("v=\u00e2\u0082\u00ac", env.get("QUERY_STRING"));
    }

    @Test
    void rawBytesThatAreNotUtf8Get400() throws Exception {
        // The parser would hand them over as U+FFFD: the application would see other bytes.
        assertEquals(400, status("GET /\u00ff HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n"));
    }

    @Test
    void fieldValuesArePassedAsReceived() throws Exception {
        Map<String, Object> env = environ("GET / HTTP/1.1\r\nHost: a\r\nX-Value: caf\u00c3\u00a9\r\n"
                + "Accept-Encoding: GZIP\r\nKeep-Alive: 300\r\nPragma: No-Cache\r\n");
        assertEquals("caf\u00c3\u00a9", env.get("HTTP_X_VALUE"));
        assertEquals("GZIP", env.get("HTTP_ACCEPT_ENCODING"));
        assertEquals("No-Cache", env.get("HTTP_PRAGMA"));
    }

    @Test
    void namesOtherThanLettersDigitsAndDashesAreDropped() throws Exception {
        Map<String, Object> env = environ("GET / HTTP/1.1\r\nHost: a\r\nX_Forwarded_For: 10.0.0.1\r\nX.Y: 1\r\n");
        assertFalse(env.containsKey("HTTP_X_FORWARDED_FOR"), env.toString());
        assertFalse(env.keySet().stream().anyMatch(k -> k.startsWith("HTTP_X_Y") || k.startsWith("HTTP_X.")),
                env.toString());
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "GET HTTP/1.1\r\n\r\n",
            "GET /a FTP/1.1\r\n\r\n",
            "GET /a HTTP/0.99\r\n\r\n",
            "GET /a HTTP/111\r\n\r\n",
            "GET /a HTTP/2.0\r\nHost: a\r\n\r\n",
            "GET /a HTTP/1.1\r\nHost: a\r\nContent-Type: text/plain\r\nContent-Type: text/html\r\n\r\n",
            "POST /a HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n",
            "GET /a HTTP/1.1\r\n\r\n",
    })
    void malformedHeadsGet400(String request) throws Exception {
        assertEquals(400, status(request));
    }
}
