package io.wsgi4j.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wsgi4j.testing.EveryPythonEveryMode;
import io.wsgi4j.testing.Http;
import io.wsgi4j.testing.Json;
import io.wsgi4j.testing.Pythons;
import io.wsgi4j.testing.TestServer;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;

/**
 * The environ an application sees, in daemon and in embedded mode: CGI variables, HTTP_* headers, --setenv entries,
 * wsgi.* and wsgi4j.* keys. Strings hold one char per byte (latin-1), as PEP 3333 requires.
 */
class EnvironIT extends EveryPythonEveryMode {
    private static TestServer server;

    @BeforeParameterizedClassInvocation
    static void start(Pythons.Python python) throws Exception {
        server = startOn(python, "environ.wsgi", "--mount-point", "/app",
                "--setenv", "TEST_SETTING", "a value", "--setenv", "TEST_UTF8", "caf\u00e9");
    }

    @AfterParameterizedClassInvocation
    static void stop() {
        stop(server);
    }

    private static Map<String, Object> environ(String request) throws Exception {
        Http.Response response = server.exchange(request);
        assertEquals(200, response.status(), response.text());
        return Json.object(response.text());
    }

    private static Map<String, Object> get(String target, String... headers) throws Exception {
        return environ("GET " + target + " HTTP/1.1\r\nHost: localhost\r\n" + String.join("", headers)
                + "Connection: close\r\n\r\n");
    }

    @Test
    void runsOnTheRequestedPython() throws Exception {
        assertEquals("3." + python.minor(), get("/app/").get("python.version"));
    }

    @Test
    void cgiVariables() throws Exception {
        try (Http.Connection connection = new Http.Connection(server.port())) {
            connection.send("GET /app/a%20b/c?x=1&y=%20 HTTP/1.1\r\nHost: example.org:8080\r\nConnection: close\r\n\r\n");
            Map<String, Object> env = Json.object(connection.read().text());
            assertEquals("GET", env.get("REQUEST_METHOD"));
            assertEquals("/app", env.get("SCRIPT_NAME"));
            assertEquals("/a b/c", env.get("PATH_INFO"));
            assertEquals("x=1&y=%20", env.get("QUERY_STRING"));
            assertEquals("/app/a%20b/c?x=1&y=%20", env.get("REQUEST_URI"));
            assertEquals("example.org", env.get("SERVER_NAME"));
            assertEquals("8080", env.get("SERVER_PORT"));
            assertEquals("HTTP/1.1", env.get("SERVER_PROTOCOL"));
            assertEquals("127.0.0.1", env.get("REMOTE_ADDR"));
            assertEquals(Integer.toString(connection.socket().getLocalPort()), env.get("REMOTE_PORT"));
            assertEquals(TestServer.APPS.resolve("environ.wsgi").toString(), env.get("SCRIPT_FILENAME"));
            assertEquals("CGI/1.1", env.get("GATEWAY_INTERFACE"));
            assertTrue(((String) env.get("SERVER_SOFTWARE")).startsWith("wsgi4j/"), (String) env.get("SERVER_SOFTWARE"));
            assertEquals("http", env.get("REQUEST_SCHEME"));
            assertFalse(env.containsKey("CONTENT_LENGTH"));
            assertFalse(env.containsKey("CONTENT_TYPE"));
        }
    }

    @Test
    void withoutHostTheServerNameAndLocalPortAreUsed() throws Exception {
        Map<String, Object> env = environ("GET /app/x HTTP/1.0\r\n\r\n");
        assertEquals("localhost", env.get("SERVER_NAME"));
        assertEquals(Integer.toString(server.port()), env.get("SERVER_PORT"));
        assertEquals("HTTP/1.0", env.get("SERVER_PROTOCOL"));
    }

    @Test
    void hostWithoutPortGivesTheLocalPort() throws Exception {
        Map<String, Object> env = environ("GET /app/x HTTP/1.1\r\nHost: example.org\r\nConnection: close\r\n\r\n");
        assertEquals("example.org", env.get("SERVER_NAME"));
        assertEquals(Integer.toString(server.port()), env.get("SERVER_PORT"));
    }

    @Test
    void pathIsPercentDecodedToOneCharPerByte() throws Exception {
        Map<String, Object> env = get("/app/caf%C3%A9/%41%20b+c%e9");
        assertEquals("/caf\u00c3\u00a9/A b+c\u00e9", env.get("PATH_INFO"));
        assertEquals("/app/caf%C3%A9/%41%20b+c%e9", env.get("REQUEST_URI"), "REQUEST_URI stays as it was sent");
    }

    @Test
    void pathIsSplitAtTheMountPoint() throws Exception {
        Map<String, Object> env = get("/app");
        assertEquals("/app", env.get("SCRIPT_NAME"));
        assertEquals("", env.get("PATH_INFO"));
        env = get("/app/");
        assertEquals("/app", env.get("SCRIPT_NAME"));
        assertEquals("/", env.get("PATH_INFO"));
        env = get("/app/x/../y//z");
        assertEquals("/y/z", env.get("PATH_INFO"));
        assertEquals(404, server.get("/application").status(), "a prefix of a segment is not the mount point");
        assertEquals(404, server.get("/").status());
    }

    @Test
    void pathsThatAreNotUtf8AreAccepted() throws Exception {
        // Apache takes any byte in a path; PEP 3333 then wants each byte as one char.
        assertEquals("/\u00e9t\u00e9", get("/app/%E9t%E9").get("PATH_INFO"));
        assertEquals("/\u00c3", get("/app/%C3").get("PATH_INFO"));
        assertEquals("/x", get("//app//x").get("PATH_INFO"), "repeated slashes are merged, as Apache's MergeSlashes does");
    }

    @Test
    void ambiguousPathsAreRefused() throws Exception {
        for (String target : List.of("/app/a%2Fb", "/app/%2e%2e/x", "/app/a%00b")) {
            assertEquals(400, server.get(target).status(), target);
        }
    }

    @Test
    void queryStringIsPassedRaw() throws Exception {
        assertEquals("a=%20b+c&d=%C3%A9&e&f=/?", get("/app/x?a=%20b+c&d=%C3%A9&e&f=/?").get("QUERY_STRING"));
        // Raw UTF-8 bytes in the query arrive as those bytes, one char each.
        assertEquals("q=caf\u00c3\u00a9", get("/app/x?q=caf\u00c3\u00a9").get("QUERY_STRING"));
        assertEquals("", get("/app/x").get("QUERY_STRING"));
    }

    @Test
    void contentTypeAndLengthAreNotHttpVariables() throws Exception {
        Map<String, Object> env = environ("POST /app/x HTTP/1.1\r\nHost: localhost\r\nContent-Type: text/plain; charset=utf-8\r\n"
                + "Content-Length: 3\r\nConnection: close\r\n\r\nabc");
        assertEquals("POST", env.get("REQUEST_METHOD"));
        assertEquals("text/plain; charset=utf-8", env.get("CONTENT_TYPE"));
        assertEquals("3", env.get("CONTENT_LENGTH"));
        assertFalse(env.containsKey("HTTP_CONTENT_TYPE"));
        assertFalse(env.containsKey("HTTP_CONTENT_LENGTH"));
    }

    @Test
    void headersBecomeHttpVariables() throws Exception {
        Map<String, Object> env = get("/app/x", "X-Custom-Thing: some value\r\n", "Accept: text/html\r\n",
                "User-Agent: test/1.0\r\n");
        assertEquals("some value", env.get("HTTP_X_CUSTOM_THING"));
        assertEquals("text/html", env.get("HTTP_ACCEPT"));
        assertEquals("test/1.0", env.get("HTTP_USER_AGENT"));
        assertEquals("localhost", env.get("HTTP_HOST"));
        assertEquals("close", env.get("HTTP_CONNECTION"));
    }

    @Test
    void repeatedHeadersAreJoinedWithCommaSpace() throws Exception {
        Map<String, Object> env = get("/app/x", "X-Multi: one\r\n", "Accept: a/b\r\n", "x-multi: two\r\n",
                "X-MULTI: three, four\r\n");
        assertEquals("one, two, three, four", env.get("HTTP_X_MULTI"));
    }

    @Test
    void headerBytesAboveAsciiArriveAsLatin1() throws Exception {
        // obs-text: the raw bytes, one char each, whether or not they form UTF-8.
        Map<String, Object> env = get("/app/x", "X-Latin: caf\u00e9\r\n", "X-Utf8: caf\u00c3\u00a9\r\n",
                "Content-Type: text/plain; name=\u00ff\r\n");
        assertEquals("caf\u00e9", env.get("HTTP_X_LATIN"));
        assertEquals("caf\u00c3\u00a9", env.get("HTTP_X_UTF8"));
        assertEquals("text/plain; name=\u00ff", env.get("CONTENT_TYPE"));
    }

    @Test
    void headersThatCouldPoseAsOthersAreDropped() throws Exception {
        Map<String, Object> env = get("/app/x", "X_Forwarded_For: 10.0.0.1\r\n", "Proxy: http://evil/\r\n");
        assertFalse(env.containsKey("HTTP_X_FORWARDED_FOR"), "a header with '_' must not become HTTP_X_FORWARDED_FOR");
        assertFalse(env.containsKey("HTTP_PROXY"), "httpoxy");
    }

    @Test
    void authorizationIsWithheldWithoutPassAuthorization() throws Exception {
        Map<String, Object> env = get("/app/x", "Authorization: Basic dXNlcjpwYXNz\r\n",
                "Proxy-Authorization: Basic eDp5\r\n");
        assertFalse(env.containsKey("HTTP_AUTHORIZATION"));
        assertFalse(env.containsKey("HTTP_PROXY_AUTHORIZATION"));
    }

    @Test
    void setenvEntries() throws Exception {
        Map<String, Object> env = get("/app/x");
        assertEquals("a value", env.get("TEST_SETTING"));
        assertEquals("caf\u00c3\u00a9", env.get("TEST_UTF8"), "configuration strings arrive as their UTF-8 bytes");
    }

    @Test
    void wsgiKeys() throws Exception {
        Map<String, Object> env = get("/app/x");
        assertEquals(List.of(1L, 0L), env.get("wsgi.version"));
        assertEquals(Boolean.TRUE, env.get("check.version_is_tuple"));
        assertEquals("http", env.get("wsgi.url_scheme"));
        assertEquals(Boolean.TRUE, env.get("check.input_methods"));
        assertEquals(Boolean.TRUE, env.get("check.errors_methods"));
        assertEquals(Boolean.TRUE, env.get("check.file_wrapper_callable"));
        // mod_wsgi's daemon rules with the defaults (1 process, 5 threads, --processes not given).
        assertEquals(Boolean.TRUE, env.get("wsgi.multithread"));
        assertEquals(Boolean.FALSE, env.get("wsgi.multiprocess"));
        assertEquals(Boolean.FALSE, env.get("wsgi.run_once"));
        assertEquals(Boolean.TRUE, env.get("wsgi.input_terminated"));
        assertEquals(List.of(), env.get("check.str_keys"), "every CGI variable is a str");
    }

    @Test
    void wsgi4jKeys() throws Exception {
        Map<String, Object> first = get("/app/x");
        Map<String, Object> second = get("/app/x");
        // As mod_wsgi: the daemon process group's name, or "" when the application runs embedded.
        assertEquals(server.embedded() ? "" : server.config().daemon().name(), first.get("wsgi4j.process_group"));
        assertTrue(((String) first.get("wsgi4j.request_id")).matches("[a-z0-9]{8}-[a-z0-9]+"), (String) first.get("wsgi4j.request_id"));
        assertNotEquals(first.get("wsgi4j.request_id"), second.get("wsgi4j.request_id"));
        long previous = 0;
        for (String key : List.of("wsgi4j.request_start", "wsgi4j.queue_start", "wsgi4j.daemon_start", "wsgi4j.script_start")) {
            String value = (String) first.get(key);
            assertTrue(value != null && value.matches("\\d{16}"), key + " is microseconds since the epoch: " + value);
            long micros = Long.parseLong(value);
            assertTrue(micros >= previous, key + " comes after the one before it");
            previous = micros;
        }
        long now = System.currentTimeMillis() * 1000L;
        assertTrue(Math.abs(now - previous) < 600_000_000L, "the times are today's, not some other epoch");
    }
}
