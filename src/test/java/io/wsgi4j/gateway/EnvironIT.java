package io.wsgi4j.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wsgi4j.testing.Http;
import io.wsgi4j.testing.Json;
import io.wsgi4j.testing.TestServer;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The environ an application sees in daemon mode: CGI variables, HTTP_* headers, wsgi.* and wsgi4j.* keys. */
class EnvironIT {
    private static TestServer server;

    @BeforeAll
    static void start() throws Exception {
        server = TestServer.start("environ.wsgi", "--mount-point", "/app");
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static Map<String, Object> environ(String request) throws Exception {
        Http.Response response = server.exchange(request);
        assertEquals(200, response.status(), response.text());
        return Json.object(response.text());
    }

    @Test
    void cgiVariables() throws Exception {
        Map<String, Object> env = environ("GET /app/a%20b/c?x=1&y=%20 HTTP/1.1\r\nHost: example.org:8080\r\n"
                + "Connection: close\r\n\r\n");
        assertEquals("GET", env.get("REQUEST_METHOD"));
        assertEquals("/app", env.get("SCRIPT_NAME"));
        assertEquals("/a b/c", env.get("PATH_INFO"));
        assertEquals("x=1&y=%20", env.get("QUERY_STRING"));
        assertEquals("/app/a%20b/c?x=1&y=%20", env.get("REQUEST_URI"));
        assertEquals("example.org", env.get("SERVER_NAME"));
        assertEquals("8080", env.get("SERVER_PORT"));
        assertEquals("HTTP/1.1", env.get("SERVER_PROTOCOL"));
        assertEquals("127.0.0.1", env.get("REMOTE_ADDR"));
        assertTrue(Integer.parseInt((String) env.get("REMOTE_PORT")) > 0);
        assertEquals("http", env.get("wsgi.url_scheme"));
        assertEquals(java.util.List.of(1L, 0L), env.get("wsgi.version"));
        assertEquals(Boolean.TRUE, env.get("wsgi.multithread"));
        assertEquals(Boolean.FALSE, env.get("wsgi.multiprocess"));
        assertEquals(Boolean.FALSE, env.get("wsgi.run_once"));
        assertEquals(Boolean.TRUE, env.get("wsgi.input_terminated"));
        assertEquals("InputStream", env.get("wsgi.input"));
        assertEquals("LogStream", env.get("wsgi.errors"));
        assertFalse(env.containsKey("CONTENT_LENGTH"));
    }
}
