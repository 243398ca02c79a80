package io.wsgi4j.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wsgi4j.testing.Http;
import io.wsgi4j.testing.TestServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * The recycling limits: each replaces a process gracefully, its successor ready before it leaves,
 * so that no request fails.
 */
class RecyclingIT {
    /** Sends requests one after another; returns how many each pid answered. Every one must succeed. */
    private static Map<String, Integer> sequential(TestServer server, String target, int count) throws Exception {
        Map<String, Integer> byPid = new HashMap<>();
        for (int i = 0; i < count; i++) {
            Http.Response response = server.get(target);
            assertEquals(200, response.status(), "request " + i + ": " + response.text());
            byPid.merge(response.text().split(" ")[0], 1, Integer::sum);
        }
        return byPid;
    }

    @Test
    void maximumRequestsReplacesProcessesWithNoFailedRequest() throws Exception {
        try (TestServer server = TestServer.start("pid.wsgi", "--processes", "2", "--threads", "2",
                "--maximum-requests", "5")) {
            Map<String, Integer> sequential = sequential(server, "/?sleep=0.01", 200);
            assertTrue(sequential.size() >= 6, "the pids hardly changed: " + sequential);

            Map<String, Integer> concurrent = new HashMap<>();
            try (ExecutorService clients = Executors.newFixedThreadPool(8)) {
                List<Future<Http.Response>> responses = new ArrayList<>();
                for (int i = 0; i < 200; i++) {
                    responses.add(clients.submit(() -> server.get("/?sleep=0.01")));
                }
                for (Future<Http.Response> future : responses) {
                    Http.Response response = future.get();
                    assertEquals(200, response.status(), response.text());
                    concurrent.merge(response.text(), 1, Integer::sum);
                }
            }
            assertTrue(concurrent.size() >= 6, "the pids hardly changed: " + concurrent);
            Set<String> both = new HashSet<>(sequential.keySet());
            both.retainAll(concurrent.keySet());
            assertTrue(both.size() <= 2, "processes of the first round still served the second: " + both);

            long recycled = server.server().processGroup().status().recycles().get(RecycleReason.MAXIMUM_REQUESTS);
            assertTrue(recycled >= 12, "replaced only " + recycled + " times");
            String line = server.awaitLogLine(l -> l.contains("has taken 5 requests (--maximum-requests 5)")
                    && l.contains("replaced by process") && l.contains("every request it took was completed"),
                    Duration.ofSeconds(10));
            assertTrue(line.contains("[wsgi:notice]"), line);
            assertTrue(server.server().awaitWorkers(Duration.ofSeconds(30)));
        }
    }

    @Test
    void runOnceGivesEveryRequestAFreshProcess() throws Exception {
        try (TestServer server = TestServer.start("pid.wsgi", "--processes", "1", "--threads", "1",
                "--maximum-requests", "1")) {
            Set<String> pids = new HashSet<>();
            for (int i = 0; i < 8; i++) {
                Http.Response response = server.get("/?show=wsgi.run_once");
                assertEquals(200, response.status(), response.text());
                String[] fields = response.text().split(" ");
                assertEquals("True", fields[1]);
                assertTrue(pids.add(fields[0]), "process " + fields[0] + " served twice: " + pids);
            }
        }
    }

    @Test
    void memoryLimitReplacesAProcessThatGrows() throws Exception {
        try (TestServer server = TestServer.start("pid.wsgi", "--processes", "1", "--threads", "2",
                "--memory-limit", "80M")) {
            String first = server.get("/").text();
            String now = first;
            int requests = 0;
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (now.equals(first) && System.nanoTime() < deadline) {
                Http.Response response = server.get("/?grow=10&sleep=0.1");
                assertEquals(200, response.status(), response.text());
                now = response.text();
                requests++;
            }
            assertNotEquals(first, now, "the process was not replaced after " + requests + " requests");
            String line = server.awaitLogLine(l -> l.contains("daemon process " + first)
                    && l.contains("more than --memory-limit 80.0 MiB"), Duration.ofSeconds(10));
            assertTrue(line.contains("replaced by process " + now), line);
            assertEquals(1, server.server().processGroup().status().recycles().get(RecycleReason.MEMORY_LIMIT));
        }
    }

    @Test
    void cpuTimeLimitReplacesABusyProcess() throws Exception {
        try (TestServer server = TestServer.start("pid.wsgi", "--threads", "1", "--cpu-time-limit", "1")) {
            String first = server.get("/").text();
            String now = first;
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (now.equals(first) && System.nanoTime() < deadline) {
                Http.Response response = server.get("/?burn=0.3");
                assertEquals(200, response.status(), response.text());
                now = response.text();
            }
            assertNotEquals(first, now);
            server.awaitLogLine(l -> l.contains("daemon process " + first) && l.contains("(--cpu-time-limit 1)"),
                    Duration.ofSeconds(10));
        }
    }

    @Test
    void restartIntervalAndInactivityTimeoutReplaceProcesses() throws Exception {
        try (TestServer server = TestServer.start("pid.wsgi", "--restart-interval", "2")) {
            String first = server.get("/").text();
            String line = server.awaitLogLine(l -> l.contains("daemon process " + first)
                    && l.contains("(--restart-interval 2)") && l.contains("replaced by process"), Duration.ofSeconds(15));
            assertTrue(line.contains("every request it took was completed"), line);
            assertNotEquals(first, server.get("/").text());
        }
        try (TestServer server = TestServer.start("pid.wsgi", "--inactivity-timeout", "2")) {
            String first = server.get("/").text();
            server.awaitLogLine(l -> l.contains("daemon process " + first)
                    && l.contains("has had no request for 2 s (--inactivity-timeout 2)"), Duration.ofSeconds(15));
            Http.Response after = server.get("/");
            assertEquals(200, after.status());
            assertNotEquals(first, after.text());
        }
    }

    @Test
    void aProcessThatIgnoresSigtermIsKilledAfterTheShutdownTimeout() throws Exception {
        try (TestServer server = TestServer.start("ignores_sigterm.wsgi", "--threads", "1", "--maximum-requests", "2",
                "--shutdown-timeout", "1")) {
            String first = server.get("/").text();
            assertEquals(first, server.get("/").text());
            String line = server.awaitLogLine(l -> l.contains("daemon process " + first)
                    && l.contains("replaced by process"), Duration.ofSeconds(15));
            assertTrue(line.contains("every request it took was completed; killed (SIGKILL) as it was still running 1 s "
                    + "after it was told to exit (--shutdown-timeout)"), line);
            Http.Response next = server.get("/");
            assertEquals(200, next.status());
            assertNotEquals(first, next.text());
        }
    }

    @Test
    void theStatusCountsEachProcessesRequestsAndResources() throws Exception {
        try (TestServer server = TestServer.start("pid.wsgi", "--processes", "2", "--threads", "3")) {
            for (int i = 0; i < 10; i++) {
                assertEquals(200, server.get("/").status());
            }
            Thread.sleep(1500);
            GroupStatus status = server.server().processGroup().status();
            assertEquals(2, status.workers().size(), status.toString());
            long total = 0;
            for (WorkerStatus worker : status.workers()) {
                assertEquals("ready", worker.state());
                assertTrue(worker.accepting());
                assertEquals(3, worker.threads());
                assertEquals(0, worker.busy());
                assertTrue(worker.residentBytes() > 1 << 20, worker.toString());
                total += worker.requests();
            }
            assertEquals(10, total);
            assertEquals(0, status.waiting());
        }
    }
}
