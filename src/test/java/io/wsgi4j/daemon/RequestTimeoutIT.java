package io.wsgi4j.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wsgi4j.testing.Await;
import io.wsgi4j.testing.Http;
import io.wsgi4j.testing.TestServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * --request-timeout: a stuck request is answered 504, the Python stack of every thread of its
 * process goes to the error log, and the process is replaced without disturbing other requests.
 */
class RequestTimeoutIT {
    @TempDir
    Path marks;

    private static String requestId(TestServer server, String target) throws Exception {
        String line = server.awaitLogLine(l -> l.contains(target) && l.contains("longer than --request-timeout"),
                Duration.ofSeconds(10));
        int at = line.indexOf("[request ") + "[request ".length();
        return line.substring(at, line.indexOf(']', at));
    }

    @Test
    void aStuckRequestGets504WithItsStackInTheLogAndItsProcessIsReplaced() throws Exception {
        try (TestServer server = TestServer.start("pid.wsgi", "--processes", "2", "--threads", "1",
                "--request-timeout", "2")) {
            Path stuckMark = marks.resolve("stuck");
            try (ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor()) {
                long started = System.nanoTime();
                Future<Http.Response> stuck = clients.submit(() -> server.get("/?sleep=3600&mark=" + stuckMark));
                long stuckPid = Long.parseLong(Await.file(stuckMark, Duration.ofSeconds(10)).trim());
                // A request on the other process runs across the timeout undisturbed.
                Thread.sleep(1000);
                Future<Http.Response> bystander = clients.submit(() -> server.get("/?sleep=1.5"));

                Http.Response timedOut = stuck.get();
                long tookMillis = (System.nanoTime() - started) / 1_000_000;
                assertEquals(504, timedOut.status(), timedOut.text());
                assertTrue(tookMillis >= 1900 && tookMillis < 6000, "answered after " + tookMillis + " ms");

                Http.Response other = bystander.get();
                assertEquals(200, other.status(), other.text());
                assertNotEquals(Long.toString(stuckPid), other.text());

                String id = requestId(server, "GET /?sleep=3600");
                // The stack of the stuck thread, tagged with its request, down to the line it is stuck on.
                server.awaitLogLine(l -> l.contains("[request " + id + "]") && l.contains("running GET /?sleep=3600")
                        && l.contains("[pid " + stuckPid + "]"), Duration.ofSeconds(10));
                server.awaitLogLine(l -> l.contains("[request " + id + "]")
                        && l.contains("time.sleep(float(query['sleep'][0]))"), Duration.ofSeconds(10));
                server.awaitLogLine(l -> l.contains("[pid " + stuckPid + "]")
                        && l.contains("thread 'MainThread', the main thread"), Duration.ofSeconds(10));

                String replaced = server.awaitLogLine(l -> l.contains("daemon process " + stuckPid)
                        && l.contains("replaced by process"), Duration.ofSeconds(20));
                assertTrue(replaced.contains("--request-timeout 2"), replaced);
                assertTrue(replaced.contains("1 request(s) cut by the server: GET /?sleep=3600&mark=" + stuckMark
                        + " [request " + id + "] (504 after --request-timeout)"), replaced);
                assertTrue(server.server().awaitWorkers(Duration.ofSeconds(20)));
                List<Long> pids = server.server().processGroup().pids();
                assertTrue(!pids.contains(stuckPid), pids.toString());
                assertEquals(1, server.server().processGroup().status().recycles().get(RecycleReason.REQUEST_TIMEOUT));
            }
            for (int i = 0; i < 10; i++) {
                assertEquals(200, server.get("/").status());
            }
        }
    }

    @Test
    void aProcessStuckHoldingTheGilHasItsStacksDumpedByFaulthandlerAndIsKilled() throws Exception {
        try (TestServer server = TestServer.start("gil_holder.wsgi", "--processes", "1", "--threads", "2",
                "--request-timeout", "2", "--shutdown-timeout", "1")) {
            long pid = server.server().processGroup().pids().getFirst();
            assertEquals(504, server.get("/hold").status());
            server.awaitLogLine(l -> l.contains("daemon process " + pid + " did not write its Python stacks within 2 s"),
                    Duration.ofSeconds(10));
            // faulthandler's own dump, without the GIL: raw lines of the process, the stuck frame among them.
            server.awaitLogLine(l -> l.contains("[pid " + pid + "]") && l.contains("gil_holder.wsgi\", line 9 in application"),
                    Duration.ofSeconds(10));
            String line = server.awaitLogLine(l -> l.contains("daemon process " + pid) && l.contains("replaced by process"),
                    Duration.ofSeconds(20));
            assertTrue(line.contains("killed (SIGKILL) as it was still running 1 s after it was told to exit"), line);
            Http.Response next = server.get("/");
            assertEquals(200, next.status());
            assertNotEquals(Long.toString(pid), next.text());
        }
    }

    @Test
    void anotherRequestOnTheStuckProcessFinishesWithinTheGracefulTimeout() throws Exception {
        try (TestServer server = TestServer.start("pid.wsgi", "--processes", "1", "--threads", "2",
                "--request-timeout", "3")) {
            Path stuckMark = marks.resolve("stuck");
            Path neighbourMark = marks.resolve("neighbour");
            try (ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor()) {
                Future<Http.Response> stuck = clients.submit(() -> server.get("/?sleep=3600&mark=" + stuckMark));
                Await.file(stuckMark, Duration.ofSeconds(10));
                // It runs across the moment the stuck one times out and its process is replaced.
                Thread.sleep(1000);
                Future<Http.Response> neighbour = clients.submit(() -> server.get("/?sleep=2.5&mark=" + neighbourMark));
                long pid = Long.parseLong(Await.file(neighbourMark, Duration.ofSeconds(10)).trim());

                assertEquals(504, stuck.get().status());
                Http.Response finished = neighbour.get();
                assertEquals(200, finished.status(), finished.text());
                assertEquals(Long.toString(pid), finished.text(), "it ran to its end on the old process");
                // Meanwhile the replacement serves.
                Http.Response fresh = server.get("/");
                assertEquals(200, fresh.status());
                assertNotEquals(Long.toString(pid), fresh.text());
            }
        }
    }

    @Test
    void aRequestStillRunningAfterTheGracefulTimeoutGets503() throws Exception {
        try (TestServer server = TestServer.start("pid.wsgi", "--processes", "1", "--threads", "2",
                "--request-timeout", "5", "--graceful-timeout", "1")) {
            Path stuckMark = marks.resolve("stuck");
            Path neighbourMark = marks.resolve("neighbour");
            try (ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor()) {
                Future<Http.Response> stuck = clients.submit(() -> server.get("/?sleep=3600&mark=" + stuckMark));
                Await.file(stuckMark, Duration.ofSeconds(10));
                // Started late enough that the graceful timeout, not its own request timeout, ends it.
                Thread.sleep(2500);
                Future<Http.Response> neighbour = clients.submit(() -> server.get("/?sleep=30&mark=" + neighbourMark));
                long pid = Long.parseLong(Await.file(neighbourMark, Duration.ofSeconds(10)).trim());

                assertEquals(504, stuck.get().status());
                Http.Response evicted = neighbour.get();
                assertEquals(503, evicted.status(), evicted.text());
                assertEquals("1", evicted.header("Retry-After").orElse(""));
                String line = server.awaitLogLine(l -> l.contains("daemon process " + pid)
                        && l.contains("replaced by process"), Duration.ofSeconds(20));
                assertTrue(line.contains("2 request(s) cut by the server: "), line);
                assertTrue(line.contains("GET /?sleep=30&mark=" + neighbourMark), line);
                assertTrue(line.contains("(503 after --graceful-timeout)"), line);
                server.awaitLogLine(l -> l.contains("GET /?sleep=30") && l.contains("(--graceful-timeout)")
                        && l.contains("answered 503"), Duration.ofSeconds(5));
            }
            assertEquals(200, server.get("/").status());
        }
    }
}
