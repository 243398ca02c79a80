package io.wsgi4j.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wsgi4j.testing.Http;
import io.wsgi4j.testing.Json;
import io.wsgi4j.testing.TestServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Bytes a client sends cannot fake error-log entries or reach a terminal as control sequences, in
 * both modes: Jetty's warnings that quote a malformed head are escaped and name the client, and what
 * an application writes to wsgi.errors or stdout is escaped. Every line of the log is one of ours.
 */
@ParameterizedClass(name = "embedded mode: {0}")
@ValueSource(booleans = {false, true})
class LogInjectionIT {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final String PREFIX =
            "\\[(Mon|Tue|Wed|Thu|Fri|Sat|Sun) [A-Z][a-z]{2} \\d\\d \\d\\d:\\d\\d:\\d\\d\\.\\d{6} \\d{4}\\] \\[wsgi:[a-z]+\\] \\[pid \\d+\\] .*";

    private static TestServer server;

    @Parameter
    boolean embedded;

    @BeforeParameterizedClassInvocation
    static void start(boolean embedded) throws Exception {
        server = embedded ? TestServer.start("errors.wsgi", "--embedded-mode") : TestServer.start("errors.wsgi");
    }

    @AfterParameterizedClassInvocation
    static void stop() throws Exception {
        if (server != null) {
            assertEveryLineIsAnEntry();
            server.close();
        }
    }

    /** Every line of the log starts with the prefix the server writes, and holds no byte outside printable ASCII. */
    private static void assertEveryLineIsAnEntry() throws Exception {
        byte[] log = Files.readAllBytes(server.errorLog());
        for (byte b : log) {
            assertTrue(b == '\n' || (b >= 0x20 && b < 0x7f), "a raw byte " + (b & 0xff) + " in the error log:\n"
                    + new String(log, StandardCharsets.ISO_8859_1));
        }
        for (String line : new String(log, StandardCharsets.US_ASCII).split("\n")) {
            assertTrue(line.matches(PREFIX), "a line that is not an entry: " + line);
        }
    }

    private static Http.Response send(String request) throws Exception {
        return Http.exchange(server.port(), request.getBytes(StandardCharsets.ISO_8859_1));
    }

    @Test
    void jettysWarningAboutASecondHostHeaderIsEscapedAndNamesTheClient() throws Exception {
        String tag = "FAKE-LOG-LINE-" + System.nanoTime();
        // Jetty quotes the second value in its warning. Its parser refuses control bytes in a field value
        // (the next test), so what needs escaping here is a backslash and bytes above 0x7f (header text is
        // ISO-8859-1 to Jetty: the message holds U+00E9 and U+0080, whose UTF-8 bytes are escaped).
        Http.Response response = send("GET / HTTP/1.1\r\nHost: localhost\r\nHost: " + tag
                + " [wsgi:crit] \\ \u00e9\u0080 \"q\"\r\nConnection: close\r\n\r\n");
        assertEquals(400, response.status());
        String line = server.awaitLogLine(l -> l.contains(tag), WAIT);
        assertTrue(line.matches(PREFIX + "\\[client 127\\.0\\.0\\.1:\\d+\\] jetty: Encountered multiple `Host` headers.*"),
                "the line names the client: " + line);
        assertTrue(line.contains("`" + tag + " [wsgi:crit] \\\\ \\xc3\\xa9\\xc2\\x80 \"q\"`"), "the client's bytes escaped: " + line);
        assertEveryLineIsAnEntry();
    }

    @Test
    void controlBytesInAHeaderAreRefusedBeforeAnythingIsLogged() throws Exception {
        String tag = "FAKE-LOG-LINE-" + System.nanoTime();
        for (String value : List.of("\u0001", "\u001b[2K", "\u007f", "\r[wsgi:crit] fake")) {
            Http.Response response = send("GET / HTTP/1.1\r\nHost: localhost\r\nHost: " + tag + " [wsgi:crit] " + value
                    + "\r\nConnection: close\r\n\r\n");
            assertEquals(400, response.status());
        }
        assertEveryLineIsAnEntry();
    }

    @Test
    void jettysWarningsAboutABadHostAreEscapedAndNameTheClient() throws Exception {
        String tag = "fake" + System.nanoTime();
        // Jetty quotes an IPv6 host up to its last ']'.
        assertEquals(400, send("GET / HTTP/1.1\r\nHost: [" + tag + " [wsgi:crit] \\ \u00ff]\r\nConnection: close\r\n\r\n")
                .status());
        String line = server.awaitLogLine(l -> l.contains(tag), WAIT);
        assertTrue(line.matches(PREFIX + "\\[client 127\\.0\\.0\\.1:\\d+\\] jetty: Bad IPv6 host: .*"), line);
        assertTrue(line.endsWith("[[" + tag + " [wsgi:crit] \\\\ \\xc3\\xbf]]"), line);
        assertEquals(400, send("GET / HTTP/1.1\r\nHost: a:99999\r\nConnection: close\r\n\r\n").status());
        line = server.awaitLogLine(l -> l.endsWith("Bad port [99999]"), WAIT);
        assertTrue(line.matches(PREFIX + "\\[client 127\\.0\\.0\\.1:\\d+\\] jetty: Bad port \\[99999\\]"), line);
        assertEveryLineIsAnEntry();
    }

    @Test
    void controlCharactersAnApplicationLogsAreEscaped() throws Exception {
        String tag = "t" + System.nanoTime();
        // errors.wsgi writes "TAG line one" and more to wsgi.errors, and "TAG to stdout"; the tag carries
        // SOH, ANSI colour and window-title sequences, a backslash, a non-ASCII char and a newline
        // followed by a fake entry.
        Http.Response response = server.get("/log?tag=" + tag + "%01%1b%5b31m%1b%5d0%3btitle%07%5c%c3%a9"
                + "%0a%5bwsgi:crit%5d%20" + tag + "-fake");
        assertEquals(200, response.status(), response.text());
        Map<String, Object> answer = Json.object(response.text());
        String prefix = "[client " + answer.get("client") + "] [request " + answer.get("request_id") + "] ";
        server.awaitLogLine(l -> l.endsWith(tag + "-fake to stdout"), WAIT);
        List<String> lines = server.logLinesOf((String) answer.get("request_id"));
        String escaped = tag + "\\x01\\x1b[31m\\x1b]0;title\\x07\\\\\\xc3\\xa9";
        assertTrue(lines.stream().anyMatch(l -> l.endsWith(prefix + escaped)), "escaped in: " + lines);
        assertTrue(lines.stream().anyMatch(l -> l.endsWith(prefix + "[wsgi:crit] " + tag + "-fake line one")),
                "the fake entry is a line of the request's, after its prefix: " + lines);
        assertTrue(lines.stream().anyMatch(l -> l.endsWith(prefix + "[wsgi:crit] " + tag + "-fake to stdout")), lines.toString());
        assertEveryLineIsAnEntry();
    }
}
