package io.wsgi4j.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wsgi4j.testing.Http;
import io.wsgi4j.testing.TestServer;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The header read timeout (RequestReadTimeout header=2-5,MinRate=100 here): a head not complete in
 * its time is answered 408 and its connection closed; bytes at the minimum rate earn more time, up to
 * the maximum; every request of a connection is timed from its own first byte, and never once its
 * head is complete. The keep-alive timeout (1 s) is shorter than the header timeout on purpose: it
 * governs the wait between requests, not a pause inside a head.
 */
class HeaderTimeoutIT {
    private static final Duration BASE = Duration.ofSeconds(2);
    private static final Duration MAX = Duration.ofSeconds(5);
    /** Time for the server to notice and answer; generous, the machine is shared. */
    private static final Duration SLACK = Duration.ofMillis(2500);
    private static final String HEAD = "GET /slow HTTP/1.1\r\nHost: localhost\r\n\r\n";

    private static TestServer server;

    @BeforeAll
    static void start() throws Exception {
        server = TestServer.start("pid.wsgi", "--header-timeout", "2", "--header-max-timeout", "5",
                "--header-min-rate", "100", "--keep-alive-timeout", "1", "--log-level", "info");
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    /** A head of about {@code bytes} bytes, padded with a header field. */
    private static String headOf(int bytes) {
        String start = "GET /padded HTTP/1.1\r\nHost: localhost\r\nX-Pad: ";
        return start + "p".repeat(bytes - start.length() - 4) + "\r\n\r\n";
    }

    /** The 408 line the error log has for this client, and the bytes it counted. */
    private static long logged408(SlowClient client, String limit) throws Exception {
        Pattern line = Pattern.compile("\\[wsgi:info] \\[pid \\d+] \\[client 127\\.0\\.0\\.1:" + client.localPort()
                + "] wsgi4j: the client sent (\\d+) bytes? of the request head in [0-9.]+ s \\("
                + Pattern.quote(limit) + "\\); answered 408$");
        Matcher found = line.matcher(server.awaitLogLine(l -> line.matcher(l).find(), Duration.ofSeconds(5)));
        assertTrue(found.find());
        return Long.parseLong(found.group(1));
    }

    private static void assert408(Http.Response response) {
        assertEquals(408, response.status(), response.latin1());
        assertEquals("Request Timeout", response.reason());
        assertEquals(List.of("close"), response.headers("Connection"));
        assertEquals("text/html; charset=iso-8859-1", response.header("Content-Type").orElseThrow());
        assertEquals(ErrorPages.page(408, null), response.latin1());
    }

    private static void assertBetween(Duration low, Duration high, Duration actual) {
        assertTrue(actual.compareTo(low) >= 0 && actual.compareTo(high) <= 0,
                actual + " is not between " + low + " and " + high);
    }

    @Test
    void aHeadSentTooSlowlyIsAnswered408AndClosed() throws Exception {
        try (SlowClient client = SlowClient.start(server.port(), HEAD, 1, Duration.ofMillis(250))) {
            assert408(client.response());
            // 2 s, and 10 ms per byte received (about 8 of them).
            assertBetween(BASE, BASE.plus(SLACK), client.answeredAfter());
            assertTrue(client.closedByServer(5000), "the connection stays open after the 408");
            long counted = logged408(client, "--header-timeout, extended by --header-min-rate");
            assertTrue(counted >= 1 && counted <= client.sent(), counted + " bytes counted, " + client.sent() + " sent");
        }
    }

    @Test
    void aHeadThatStopsHalfwayIsAnswered408EvenPastTheKeepAliveTimeout() throws Exception {
        String line = "GET /stalled HTTP/1.1\r\n";
        try (SlowClient client = SlowClient.start(server.port(), line, line.length(), Duration.ZERO)) {
            assert408(client.response());
            assertBetween(BASE, BASE.plus(SLACK), client.answeredAfter());
            assertEquals(line.length(), logged408(client, "--header-timeout, extended by --header-min-rate"));
        }
    }

    @Test
    void blankLinesBeforeTheRequestLineCountAsTheHead() throws Exception {
        try (SlowClient client = SlowClient.start(server.port(), "\r\n".repeat(40), 2, Duration.ofMillis(250))) {
            assert408(client.response());
            assertBetween(BASE, BASE.plus(SLACK), client.answeredAfter());
        }
    }

    @Test
    void aHeadSentInPiecesWithinTheTimeIsServed() throws Exception {
        try (SlowClient client = SlowClient.start(server.port(), HEAD, 15, Duration.ofMillis(400))) {
            Http.Response response = client.response();
            assertEquals(200, response.status(), response.latin1());
            assertTrue(client.answeredAfter().compareTo(Duration.ofMillis(800)) >= 0, "sent in pieces");
        }
    }

    @Test
    void aClientKeepingTheMinimumRateGetsMoreTime() throws Exception {
        // 330 bytes at about 130 bytes a second: 2.5 s, more than the 2 s base, each second earning one more.
        try (SlowClient client = SlowClient.start(server.port(), headOf(330), 20, Duration.ofMillis(150))) {
            Http.Response response = client.response();
            assertEquals(200, response.status(), response.latin1());
            assertTrue(client.answeredAfter().compareTo(BASE.plusMillis(200)) > 0,
                    "the head took " + client.answeredAfter() + ", within the base time");
        }
    }

    @Test
    void theExtensionStopsAtTheMaximum() throws Exception {
        // A head that never ends, at 200 bytes a second.
        try (SlowClient client = SlowClient.start(server.port(), headOf(100_000), 20, Duration.ofMillis(100))) {
            assert408(client.response());
            assertBetween(MAX, MAX.plus(SLACK), client.answeredAfter());
            assertTrue(logged408(client, "--header-max-timeout") > 500);
        }
    }

    @Test
    void everyRequestOfAConnectionIsTimedFromItsOwnFirstByte() throws Exception {
        try (Http.Connection connection = new Http.Connection(server.port())) {
            connection.send(HEAD);
            assertEquals(200, connection.read().status());
            Thread.sleep(500);
            SlowClient second = SlowClient.on(connection, HEAD, 1, Duration.ofMillis(250));
            assert408(second.response());
            assertBetween(BASE, BASE.plus(SLACK), second.answeredAfter());
            second.close();
        }
    }

    @Test
    void aSlowApplicationIsNeverAnswered408() throws Exception {
        try (Http.Connection connection = new Http.Connection(server.port())) {
            long start = System.nanoTime();
            connection.send("GET /?sleep=3.5 HTTP/1.1\r\nHost: localhost\r\n\r\n");
            Http.Response slow = connection.read();
            assertEquals(200, slow.status(), slow.latin1());
            assertTrue(System.nanoTime() - start >= Duration.ofMillis(3500).toNanos());
            connection.send(HEAD);
            assertEquals(200, connection.read().status());
        }
    }

    @Test
    void aPipelinedHeadIsTimedOnlyOnceTheResponseBeforeItIsDone() throws Exception {
        // The second head arrives with the first request but is read after the first response, as in
        // Apache: the first request is served although its connection holds an incomplete head for 3 s.
        try (Http.Connection connection = new Http.Connection(server.port())) {
            connection.send("GET /?sleep=3 HTTP/1.1\r\nHost: localhost\r\n\r\nGET /second HTTP/1.1\r\nHost: localhost\r\n");
            Http.Response first = connection.read();
            long firstNanos = System.nanoTime();
            assertEquals(200, first.status(), first.latin1());
            Http.Response second = connection.read();
            Duration after = Duration.ofNanos(System.nanoTime() - firstNanos);
            assert408(second);
            assertBetween(BASE.minusMillis(100), BASE.plus(SLACK), after);
            assertTrue(connection.closedByServer(5000));
        }
    }
}
