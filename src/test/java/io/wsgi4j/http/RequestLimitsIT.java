package io.wsgi4j.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wsgi4j.testing.Http;
import io.wsgi4j.testing.Json;
import io.wsgi4j.testing.TestServer;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Apache's limits on a request's head, at their edges: a request line of 8190 bytes, 100 header
 * fields, a field line of 8190 bytes pass; one byte or one field more is refused (414, 431).
 */
class RequestLimitsIT {
    private static TestServer server;

    @BeforeAll
    static void start() throws Exception {
        server = TestServer.start("environ.wsgi");
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    /** A GET whose request line ("GET " + target + " HTTP/1.1") is {@code length} bytes. */
    private static Http.Response lineOf(int length) throws Exception {
        String target = "/" + "a".repeat(length - "GET / HTTP/1.1".length());
        String line = "GET " + target + " HTTP/1.1";
        assertEquals(length, line.length());
        return server.exchange(line + "\r\nHost: localhost\r\nConnection: close\r\n\r\n");
    }

    /** A GET with these extra header lines. */
    private static Http.Response withFields(String fields) throws Exception {
        return server.exchange("GET /limits HTTP/1.1\r\nHost: localhost\r\n" + fields + "Connection: close\r\n\r\n");
    }

    /** {@code count} fields X-Field-N: N, CRLF-terminated. */
    private static String fields(int count) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < count; i++) {
            out.append("X-Field-").append(i).append(": ").append(i).append("\r\n");
        }
        return out.toString();
    }

    /** A field line "X-Long:value" of {@code length} bytes. */
    private static String fieldLineOf(int length) {
        String line = "X-Long:" + "v".repeat(length - "X-Long:".length());
        assertEquals(length, line.length());
        return line + "\r\n";
    }

    @Test
    void requestLineUpTo8190BytesIsServed() throws Exception {
        Http.Response response = lineOf(8190);
        assertEquals(200, response.status(), response.text());
        assertEquals(8190 - "GET  HTTP/1.1".length(), ((String) Json.object(response.text()).get("REQUEST_URI")).length());
    }

    @Test
    void longerRequestLineGets414() throws Exception {
        Http.Response response = lineOf(8191);
        assertEquals(414, response.status(), response.text());
        assertTrue(response.text().contains("URI Too Long"), response.text());
    }

    @Test
    void hundredFieldsAreServed() throws Exception {
        // Host and Connection count too: 98 more make 100.
        Http.Response response = withFields(fields(98));
        assertEquals(200, response.status(), response.text());
        assertEquals("97", Json.object(response.text()).get("HTTP_X_FIELD_97"));
    }

    @Test
    void moreThanHundredFieldsGet431() throws Exception {
        Http.Response response = withFields(fields(99));
        assertEquals(431, response.status(), response.text());
    }

    @Test
    void fieldLineUpTo8190BytesIsServed() throws Exception {
        Http.Response response = withFields(fieldLineOf(8190));
        assertEquals(200, response.status(), response.text());
        assertEquals(8190 - "X-Long:".length(), ((String) Json.object(response.text()).get("HTTP_X_LONG")).length());
    }

    @Test
    void longerFieldLineGets431() throws Exception {
        Http.Response response = withFields(fieldLineOf(8191));
        assertEquals(431, response.status(), response.text());
    }

    @Test
    void largestHeadWithinTheLimitsIsServed() throws Exception {
        // 98 fields of 8190 bytes (with Host and Connection, 100): Jetty's bound on the whole head must not bite first.
        StringBuilder fields = new StringBuilder();
        for (int i = 0; i < 98; i++) {
            String name = "X-Big-" + (100 + i) + ":";
            fields.append(name).append("b".repeat(8190 - name.length())).append("\r\n");
        }
        Http.Response response = withFields(fields.toString());
        assertEquals(200, response.status(), response.text());
        Map<String, Object> environ = Json.object(response.text());
        assertEquals(8190 - "X-Big-197:".length(), ((String) environ.get("HTTP_X_BIG_197")).length());
    }
}
