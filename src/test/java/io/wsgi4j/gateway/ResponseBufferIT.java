package io.wsgi4j.gateway;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wsgi4j.testing.Await;
import io.wsgi4j.testing.Http;
import io.wsgi4j.testing.TestServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A slow reader never holds the Python thread longer than the response buffer requires: a response
 * that fits in it frees the thread while the client has read nothing; a longer one holds it only
 * until the rest fits; a client that goes away stops the application. One Python thread, so that a
 * held thread shows as a second request that waits.
 */
class ResponseBufferIT {
    private static final Duration WAIT = Duration.ofSeconds(30);
    /** A client's receive buffer that leaves the server little room in the kernel. */
    private static final int SMALL_WINDOW = 4096;
    /**
     * Larger than the default 1 MiB: the kernel's socket buffers alone (up to 4 MiB here) would take
     * a response of less, and the test would pass without any response buffer.
     */
    private static final int BUFFER = 16 * 1024 * 1024;

    private static TestServer server;
    @TempDir
    static Path shared;

    @BeforeAll
    static void start() throws Exception {
        server = TestServer.start("download.wsgi", "--processes", "1", "--threads", "1",
                "--response-buffer-size", Integer.toString(BUFFER), "--setenv", "TEST_DIR", shared.toString());
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static String get(String target) {
        return "GET " + target + " HTTP/1.1\r\nHost: localhost\r\n\r\n";
    }

    private static String tag() {
        return "t" + System.nanoTime();
    }

    /** Whether the application's close() ran within {@code seconds}: its thread is free. */
    private static boolean closedWithin(String tag, int seconds) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (System.nanoTime() < deadline) {
            if (Files.exists(shared.resolve("closed-" + tag))) {
                return true;
            }
            Thread.sleep(20);
        }
        return false;
    }

    /** The bytes of download.wsgi's blocks: 0..255 repeated. */
    private static void assertPattern(byte[] body, int size) {
        assertEquals(size, body.length);
        for (int i = 0; i < body.length; i++) {
            if (body[i] != (byte) i) {
                throw new AssertionError("byte " + i + " is " + body[i]);
            }
        }
    }

    @Test
    void aResponseThatFitsTheBufferFreesThePythonThreadBeforeTheClientReads() throws Exception {
        String tag = tag();
        int size = 12 * 1024 * 1024;
        try (Http.Connection slow = new Http.Connection(server.port(), SMALL_WINDOW)) {
            slow.send(get("/big?tag=" + tag + "&size=" + size));
            assertTrue(closedWithin(tag, 10), "the application finished while its client read nothing");
            Http.Response other = server.get("/quick");
            assertEquals("quick", other.text(), "another request is served meanwhile");
            Http.Response response = slow.read();
            assertEquals(200, response.status());
            assertPattern(response.body(), size);
        }
    }

    @Test
    void aLongerResponseHoldsThePythonThreadOnlyUntilTheRestFits() throws Exception {
        String tag = tag();
        int size = 64 * 1024 * 1024;
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();
             Http.Connection slow = new Http.Connection(server.port(), SMALL_WINDOW)) {
            slow.send(get("/big?tag=" + tag + "&size=" + size));
            Http.Response head = slow.readHead();
            assertEquals(200, head.status());
            Future<Http.Response> other = threads.submit(() -> server.get("/quick"));
            assertFalse(closedWithin(tag, 2), "64 MiB cannot fit a 16 MiB buffer: the application waits");
            assertStillWaiting(other);
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            byte[] chunk;
            while ((chunk = slow.readChunk()) != null) {
                body.write(chunk);
            }
            String closed = Await.file(shared.resolve("closed-" + tag), WAIT);
            assertEquals(Integer.toString(size), closed.split(" ")[0]);
            assertEquals("quick", other.get(WAIT.toSeconds(), TimeUnit.SECONDS).text());
            assertPattern(body.toByteArray(), size);
        }
    }

    private static void assertStillWaiting(Future<Http.Response> pending) throws Exception {
        try {
            Http.Response response = pending.get(500, TimeUnit.MILLISECONDS);
            throw new AssertionError("the second request was served (" + response.status()
                    + ") while the only Python thread should be busy");
        } catch (TimeoutException expected) {
            // still waiting for the thread
        }
    }

    @Test
    void aClientThatGoesAwayWhileTheBufferIsFullStopsTheApplication() throws Exception {
        String tag = tag();
        try (Http.Connection slow = new Http.Connection(server.port(), SMALL_WINDOW)) {
            slow.send(get("/endless?tag=" + tag));
            assertEquals(200, slow.readHead().status());
            // The buffer fills and the relay waits for room, until the write fails.
            assertFalse(closedWithin(tag, 1));
        }
        String closed = Await.file(shared.resolve("closed-" + tag), WAIT);
        long sent = Long.parseLong(closed.split(" ")[0]);
        assertTrue(sent < 256L * 1024 * 1024, "the application was stopped after " + sent + " bytes");
        assertEquals("quick", server.get("/quick").text(), "and its thread serves the next request");
    }

    @Test
    void aClientThatGoesAwayMidDownloadStopsTheApplication() throws Exception {
        String tag = tag();
        try (Http.Connection connection = new Http.Connection(server.port())) {
            connection.send(get("/endless?tag=" + tag));
            assertEquals(200, connection.readHead().status());
            for (int i = 0; i < 50; i++) {
                connection.readChunk();
            }
        }
        long sent = Long.parseLong(Await.file(shared.resolve("closed-" + tag), WAIT).split(" ")[0]);
        assertTrue(sent < 1L << 30, "the application was stopped after " + sent + " bytes");
        assertEquals("quick", server.get("/quick").text());
    }

    @Test
    void aFileResponseFreesThePythonThreadBeforeTheFileIsSent() throws Exception {
        String tag = tag();
        byte[] data = new byte[32 * 1024 * 1024];
        new Random(5).nextBytes(data);
        Files.write(shared.resolve("file-" + tag), data);
        try (Http.Connection slow = new Http.Connection(server.port(), SMALL_WINDOW)) {
            slow.send(get("/file?name=file-" + tag + "&tag=" + tag));
            assertTrue(closedWithin(tag, 10), "the application finished while its client read nothing");
            Http.Response other = server.get("/quick");
            assertEquals("quick", other.text(), "another request is served meanwhile");
            Http.Response response = slow.read();
            assertEquals(200, response.status());
            assertEquals(Integer.toString(data.length), response.header("Content-Length").orElse(null));
            assertArrayEquals(data, response.body());
        }
    }

    @Test
    void aFileShorterThanItsContentLengthIsSentWholeBeforeTheConnectionIsCut() throws Exception {
        String tag = tag();
        byte[] data = new byte[2 * 1024 * 1024];
        new Random(7).nextBytes(data);
        Files.write(shared.resolve("file-" + tag), data);
        int promised = 3 * 1024 * 1024;
        try (Http.Connection slow = new Http.Connection(server.port(), SMALL_WINDOW)) {
            slow.send(get("/file?name=file-" + tag + "&tag=" + tag + "&length=" + promised));
            Http.Response head = slow.readHead();
            assertEquals(Integer.toString(promised), head.header("Content-Length").orElse(null));
            // The application is done long before this slow client has the file: the cut waits for it.
            assertArrayEquals(data, slow.readBytes(promised), "what there was, then the end of the connection");
        }
        server.awaitLogLine(line -> line.contains("ended after " + data.length + " of the " + promised + " bytes"), WAIT);
    }

    @Test
    void aClientThatGoesAwayDuringAFileLeavesNothingOpen() throws Exception {
        String tag = tag();
        Path file = shared.resolve("file-" + tag);
        Files.write(file, new byte[32 * 1024 * 1024]);
        try (Http.Connection slow = new Http.Connection(server.port(), SMALL_WINDOW)) {
            slow.send(get("/file?name=file-" + tag + "&tag=" + tag));
            assertEquals(200, slow.readHead().status());
            slow.readBytes(100_000);
            assertTrue(openHere(file), "the server sends the file from its own descriptor");
        }
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (openHere(file)) {
            assertTrue(System.nanoTime() < deadline, "the server still has the file open after its client left");
            Thread.sleep(50);
        }
        assertEquals("quick", server.get("/quick").text());
    }

    /** Whether this JVM (the test server's) has the file open. */
    private static boolean openHere(Path file) throws IOException {
        Path real = file.toRealPath();
        try (var fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.anyMatch(fd -> {
                try {
                    return Files.readSymbolicLink(fd).equals(real);
                } catch (IOException e) {
                    return false;
                }
            });
        }
    }
}
