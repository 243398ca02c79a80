package io.wsgi4j.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wsgi4j.testing.Http;
import io.wsgi4j.testing.Json;
import io.wsgi4j.testing.TestServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Slow and hostile uploads never hold the Python thread: the body is received first, under Apache's
 * {@code RequestReadTimeout body=2,MinRate=500} (here) and {@code --limit-request-body}. The server has
 * one Python thread, so a request that took it would keep every other request waiting.
 */
class BodyTimeoutIT {
    private static final int LIMIT = 1_000_000;
    private static final Duration WAIT = Duration.ofSeconds(30);

    private static TestServer server;
    @TempDir
    static Path shared;

    @BeforeAll
    static void start() throws Exception {
        server = TestServer.start("body.wsgi", "--processes", "1", "--threads", "1", "--body-timeout", "2",
                "--body-min-rate", "500", "--limit-request-body", Integer.toString(LIMIT), "--log-level", "info",
                "--setenv", "TEST_DIR", shared.toString());
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static String head(String target, String framing) {
        return "POST " + target + " HTTP/1.1\r\nHost: localhost\r\n" + framing + "\r\n";
    }

    /** Sends {@code piece} bytes every {@code everyMillis} until {@code total} are sent or the server closes. */
    private static Future<?> trickle(ExecutorService threads, Http.Connection connection, int total, int piece,
                                     long everyMillis) {
        return threads.submit(() -> {
            byte[] bytes = new byte[piece];
            Arrays.fill(bytes, (byte) 'z');
            try {
                for (int sent = 0; sent < total; sent += piece) {
                    connection.send(bytes);
                    Thread.sleep(everyMillis);
                }
            } catch (IOException e) {
                // the server has answered and closed the connection
            }
            return null;
        });
    }

    /** While a client holds a request open, another one is served at once: no Python thread is held. */
    private static void assertAnotherRequestIsServed() throws IOException {
        long start = System.nanoTime();
        Http.Response quick = server.get("/quick");
        assertEquals(200, quick.status());
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertTrue(millis < 1500, "another request waited " + millis + " ms for the only Python thread");
    }

    @Test
    void aBodySlowerThanTheMinimumRateGets408WithoutTakingAPythonThread() throws Exception {
        String tag = "slow-" + System.nanoTime();
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();
             Http.Connection connection = new Http.Connection(server.port())) {
            long start = System.nanoTime();
            connection.send(head("/digest?ran=" + tag, "Content-Length: 100000\r\n"));
            // 40 bytes/s: far below MinRate=500, so the 2 s hardly grow.
            Future<?> sender = trickle(threads, connection, 100_000, 10, 250);
            Thread.sleep(700);
            assertAnotherRequestIsServed();
            Http.Response response = connection.read();
            double seconds = (System.nanoTime() - start) / 1e9;
            assertEquals(408, response.status());
            assertEquals("close", response.header("Connection").orElse(null));
            assertTrue(seconds >= 1.8 && seconds < 12, "answered after " + seconds + " s, not about 2 s");
            assertTrue(connection.closedByServer(5000), "the connection is closed after the 408");
            sender.get(10, TimeUnit.SECONDS);
        }
        String line = server.awaitLogLine(l -> l.contains("request body timeout"), WAIT);
        assertTrue(line.contains("[wsgi:info]"), line);
        assertTrue(line.contains("of 100000 bytes in "), line);
        assertTrue(line.contains("--body-timeout 2 s and --body-min-rate 500"), line);
        assertTrue(line.contains("[request "), "tagged with the request: " + line);
        assertTrue(Files.notExists(shared.resolve("ran-" + tag)), "the application never ran");
    }

    @Test
    void aBodyAtADecentRateMayTakeLongerThanTheBaseTime() throws Exception {
        int total = 120_000;
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();
             Http.Connection connection = new Http.Connection(server.port())) {
            long start = System.nanoTime();
            connection.send(head("/digest", "Content-Length: " + total + "\r\nConnection: close\r\n"));
            // 24 000 bytes/s for 5 s: each second sent earns 48 more.
            Future<?> sender = trickle(threads, connection, total, 6000, 250);
            Thread.sleep(700);
            assertAnotherRequestIsServed();
            Http.Response response = connection.read();
            assertEquals(200, response.status(), response.text());
            double seconds = (System.nanoTime() - start) / 1e9;
            assertTrue(seconds > 3, "the upload took " + seconds + " s, longer than the 2 s base time");
            byte[] body = new byte[total];
            Arrays.fill(body, (byte) 'z');
            assertEquals(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body)),
                    Json.object(response.text()).get("sha256"));
            sender.get(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void aChunkedBodyOverTheLimitGets413BeforeTheApplicationRuns() throws Exception {
        String tag = "large-" + System.nanoTime();
        byte[] body = new byte[LIMIT + 50_000];
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();
             Http.Connection connection = new Http.Connection(server.port())) {
            connection.send(head("/quick?ran=" + tag, "Transfer-Encoding: chunked\r\n"));
            Future<?> sender = threads.submit(() -> {
                try {
                    connection.send(InputIT.chunked(body, 10_000));
                } catch (IOException e) {
                    // the server stopped reading once the limit was crossed
                }
                return null;
            });
            Http.Response response = connection.read();
            assertEquals(413, response.status());
            sender.get(30, TimeUnit.SECONDS);
        }
        server.awaitLogLine(l -> l.contains("larger than the limit of " + LIMIT), WAIT);
        assertTrue(Files.notExists(shared.resolve("ran-" + tag)), "the application never ran");
    }

    @Test
    void aContinueBodyReadByTheApplicationIsTimedToo() throws Exception {
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();
             Http.Connection connection = new Http.Connection(server.port())) {
            connection.send(head("/digest", "Content-Length: 100000\r\nExpect: 100-continue\r\n"));
            assertEquals("HTTP/1.1 100 Continue", connection.readLine(), "sent when the application reads");
            assertEquals("", connection.readLine());
            long start = System.nanoTime();
            Future<?> sender = trickle(threads, connection, 100_000, 10, 250);
            Http.Response response = connection.read();
            double seconds = (System.nanoTime() - start) / 1e9;
            assertEquals(408, response.status(), "the application's read failed with the timeout");
            assertTrue(seconds >= 1.5 && seconds < 12, "answered after " + seconds + " s, not about 2 s");
            sender.get(10, TimeUnit.SECONDS);
        }
        server.awaitLogLine(l -> l.contains("OSError: wsgi4j: request body timeout"), WAIT);
        assertEquals(200, server.get("/quick").status(), "the Python thread is free again");
    }

    @Test
    void anUploadAbandonedHalfWayIsAnswered400() throws Exception {
        try (Http.Connection connection = new Http.Connection(server.port())) {
            connection.send(head("/digest", "Content-Length: 100\r\n") + "0123456789");
            connection.socket().shutdownOutput();
            Http.Response response = connection.read();
            assertEquals(400, response.status());
        }
        String line = server.awaitLogLine(l -> l.contains("did not send the whole request body"), WAIT);
        assertTrue(line.contains("[wsgi:info]"), line);
    }
}
