package io.wsgi4j.embedded;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.wsgi4j.testing.Await;
import io.wsgi4j.testing.Http;
import io.wsgi4j.testing.Pythons;
import io.wsgi4j.testing.TestServer;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Embedded mode under the worker MPM runs a request on the selector thread that read it. That
 * thread must never wait for its client (the write it would wait for is the selector's own work):
 * a response that outgrows the response buffer while the client reads nothing is spooled to a file
 * of its own instead, the application finishes at once, other connections are served, and the client
 * still gets every byte, in order.
 */
class SelectorThreadIT {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final int SMALL_WINDOW = 4096;
    private static final int BUFFER = 256 * 1024;

    private static TestServer server;
    @TempDir
    static Path shared;

    @BeforeAll
    static void start() throws Exception {
        Pythons.Python python = Pythons.allInBothModes().stream().filter(p -> p.embedded() && p.executable().isPresent())
                .reduce((first, second) -> second).orElseThrow();
        server = TestServer.start(python, "download.wsgi",
                "--server-mpm", "worker", "--processes", "1", "--threads", "2", "--response-buffer-size",
                Integer.toString(BUFFER), "--setenv", "TEST_DIR", shared.toString());
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void aResponseThatOutgrowsTheBufferIsSpooledAndTheApplicationIsFreeAtOnce() throws Exception {
        String tag = "t" + System.nanoTime();
        int size = 48 * 1024 * 1024;
        try (Http.Connection slow = new Http.Connection(server.port(), SMALL_WINDOW)) {
            slow.send("GET /big?tag=" + tag + "&size=" + size + " HTTP/1.1\r\nHost: localhost\r\n\r\n");
            // 48 MiB cannot wait in a 256 KiB buffer or the kernel's: on a thread that may wait, the
            // application would still be sending; on the selector it finishes, the rest on disk.
            String closed = Await.file(shared.resolve("closed-" + tag), WAIT);
            assertEquals(Integer.toString(size), closed.split(" ")[0], "the application sent all of it");
            assertEquals("quick", server.get("/quick").text(), "another connection is served meanwhile");
            assertEquals(List.of(), spoolNames(), "the spool file has no name: no one else sees it");
            Http.Response head = slow.readHead();
            assertEquals(200, head.status());
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            byte[] chunk;
            while ((chunk = slow.readChunk()) != null) {
                body.write(chunk);
            }
            byte[] bytes = body.toByteArray();
            assertEquals(size, bytes.length);
            for (int i = 0; i < bytes.length; i++) {
                if (bytes[i] != (byte) i) {
                    throw new AssertionError("byte " + i + " is " + bytes[i]);
                }
            }
        }
        assertEquals("quick", server.get("/quick").text());
    }

    @Test
    void aClientThatGoesAwayLeavesNoSpoolBehind() throws Exception {
        String tag = "t" + System.nanoTime();
        try (Http.Connection slow = new Http.Connection(server.port(), SMALL_WINDOW)) {
            slow.send("GET /big?tag=" + tag + "&size=" + (32 << 20) + " HTTP/1.1\r\nHost: localhost\r\n\r\n");
            Await.file(shared.resolve("closed-" + tag), WAIT);
        }
        // The unlinked spool's space goes with its last descriptor, once the response is over.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (openSpools() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertEquals(0, openSpools(), "the spool file is closed once its client has gone");
        assertEquals("quick", server.get("/quick").text());
    }

    @Test
    void connectionsOpenedTogetherAreServedTogether() throws Exception {
        // Each request waits (at most 20 s) until as many are running as the process has threads:
        // connections accepted in a burst must each get a selector, and so a thread, of their own.
        String tag = "t" + System.nanoTime();
        try (Http.Connection first = new Http.Connection(server.port());
                Http.Connection second = new Http.Connection(server.port())) {
            String request = "GET /together?n=2&tag=" + tag + " HTTP/1.1\r\nHost: localhost\r\n\r\n";
            first.send(request);
            second.send(request);
            assertEquals("together", first.read().text());
            assertEquals("together", second.read().text());
        }
    }

    private static List<String> spoolNames() throws Exception {
        try (Stream<Path> files = Files.list(server.root().resolve("run"))) {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("wsgi4j-response-")).toList();
        }
    }

    /** The server process's open descriptors on deleted response spool files. */
    private static long openSpools() throws Exception {
        long pid = ProcessHandle.of(server.pid()).orElseThrow().children().findFirst().orElseThrow().pid();
        try (Stream<Path> fds = Files.list(Path.of("/proc/" + pid + "/fd"))) {
            return fds.filter(fd -> {
                try {
                    String target = Files.readSymbolicLink(fd).toString();
                    return target.contains("wsgi4j-response-") && target.endsWith("(deleted)");
                } catch (Exception e) {
                    return false;
                }
            }).count();
        }
    }

}
