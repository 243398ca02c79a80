package io.wsgi4j.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wsgi4j.testing.Await;
import io.wsgi4j.testing.Http;
import io.wsgi4j.testing.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** --queue-timeout and --listen-backlog: requests waiting for a busy group's threads, and those refused. */
class QueueIT {
    @TempDir
    Path marks;

    @Test
    void aRequestThatWaitedPastTheQueueTimeoutGets503AndNeverRuns() throws Exception {
        try (TestServer server = TestServer.start("pid.wsgi", "--threads", "1", "--queue-timeout", "1")) {
            Path busyMark = marks.resolve("busy");
            Path queuedMark = marks.resolve("queued");
            try (ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor()) {
                Future<Http.Response> busy = clients.submit(() -> server.get("/?sleep=3&mark=" + busyMark));
                Await.file(busyMark, Duration.ofSeconds(10));
                long started = System.nanoTime();
                Http.Response queued = server.get("/?mark=" + queuedMark);
                long waitedMillis = (System.nanoTime() - started) / 1_000_000;

                assertEquals(503, queued.status());
                assertEquals("1", queued.header("Retry-After").orElse(""));
                assertTrue(waitedMillis >= 900 && waitedMillis < 2900, "answered after " + waitedMillis + " ms");
                assertEquals(200, busy.get().status());
                assertFalse(Files.exists(queuedMark), "the application ran the request that timed out in the queue");
                String line = server.awaitLogLine(l -> l.contains("--queue-timeout"), Duration.ofSeconds(5));
                assertTrue(line.contains("became free within 1 s") && line.contains("was not run"), line);
                assertTrue(line.contains("[request "), line);
            }
            assertEquals(200, server.get("/").status());
        }
    }

    @Test
    void beyondTheBacklogRequestsAreRefusedAtOnce() throws Exception {
        try (TestServer server = TestServer.start("pid.wsgi", "--threads", "1", "--listen-backlog", "2",
                "--queue-timeout", "30")) {
            Path busyMark = marks.resolve("busy");
            try (ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor()) {
                Future<Http.Response> busy = clients.submit(() -> server.get("/?sleep=2&mark=" + busyMark));
                Await.file(busyMark, Duration.ofSeconds(10));
                List<Future<Http.Response>> waiting = new ArrayList<>();
                for (int i = 0; i < 2; i++) {
                    waiting.add(clients.submit(() -> server.get("/")));
                }
                awaitWaiting(server, 2);

                long started = System.nanoTime();
                Http.Response refused = server.get("/");
                long tookMillis = (System.nanoTime() - started) / 1_000_000;
                assertEquals(503, refused.status());
                assertTrue(refused.header("Retry-After").isPresent(), "no Retry-After");
                assertTrue(tookMillis < 1000, "refused after " + tookMillis + " ms, not at once");
                server.awaitLogLine(l -> l.contains("2 requests are already waiting") && l.contains("--listen-backlog"),
                        Duration.ofSeconds(5));

                assertEquals(200, busy.get().status());
                for (Future<Http.Response> w : waiting) {
                    assertEquals(200, w.get().status(), "a request in the backlog was not served");
                }
            }
        }
    }

    private static void awaitWaiting(TestServer server, int count) throws InterruptedException {
        for (int i = 0; i < 500; i++) {
            if (server.server().processGroup().status().waiting() == count) {
                return;
            }
            Thread.sleep(10);
        }
        throw new AssertionError("the requests did not queue: " + server.server().processGroup().status());
    }
}
