package io.wsgi4j.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wsgi4j.platform.Posix;
import io.wsgi4j.testing.Http;
import io.wsgi4j.testing.TestServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The process group under failure: a worker that dies fails only its own requests and is replaced at once. */
class SupervisionIT {
    private TestServer server;
    @TempDir
    Path marks;

    @BeforeEach
    void start() throws Exception {
        server = TestServer.start("pid.wsgi", "--processes", "2", "--threads", "2");
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private long awaitMark(Path mark) throws Exception {
        for (int i = 0; i < 600; i++) {
            if (Files.exists(mark) && Files.size(mark) > 0) {
                return Long.parseLong(Files.readString(mark, StandardCharsets.US_ASCII).trim());
            }
            Thread.sleep(25);
        }
        throw new AssertionError("the application never started the request");
    }

    @Test
    void workersShowTheirGroupInPs() throws Exception {
        List<Long> pids = server.server().processGroup().pids();
        assertEquals(2, pids.size());
        for (long pid : pids) {
            String cmdline = Files.readString(Path.of("/proc", Long.toString(pid), "cmdline"), StandardCharsets.UTF_8);
            assertTrue(cmdline.startsWith("(wsgi:localhost:0:" + Posix.uid() + ")"), cmdline);
        }
    }

    @Test
    void aKilledWorkerFailsOnlyItsRequestWith502AndIsReplaced() throws Exception {
        Path mark = marks.resolve("victim");
        try (ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor()) {
            Future<Http.Response> victim = clients.submit(() -> server.get("/?sleep=30&mark=" + mark));
            long pid = awaitMark(mark);
            // A request on the other process, running while its neighbour dies.
            Path otherMark = marks.resolve("other");
            Future<Http.Response> bystander = clients.submit(() -> server.get("/?sleep=1&mark=" + otherMark));
            awaitMark(otherMark);

            assertTrue(Posix.kill(pid, Posix.SIGKILL));
            Http.Response failed = victim.get();
            assertEquals(502, failed.status());

            Http.Response survived = bystander.get();
            assertEquals(200, survived.status());

            String line = server.awaitLogLine(l -> l.contains("daemon process " + pid)
                    && l.contains("failed while handling GET /?sleep=30") && l.contains("killed by signal 9 (SIGKILL)"),
                    Duration.ofSeconds(10));
            assertTrue(line.contains("[request "), line);
            assertTrue(line.contains("[client 127.0.0.1:"), line);
            String exit = server.awaitLogLine(l -> l.contains("daemon process " + pid) && l.contains("starting a new process"),
                    Duration.ofSeconds(10));
            assertTrue(exit.contains("1 request(s) in progress failed: GET /?sleep=30"), exit);

            assertTrue(server.server().awaitWorkers(Duration.ofSeconds(30)), "the replacement process did not connect");
            List<Long> pids = server.server().processGroup().pids();
            assertEquals(2, pids.size());
            assertTrue(!pids.contains(pid), "the dead process is still listed: " + pids);
        }
        for (int i = 0; i < 20; i++) {
            assertEquals(200, server.get("/").status());
        }
    }

    @Test
    void anIdleWorkerKilledCostsNoRequest() throws Exception {
        long pid = server.server().processGroup().pids().getFirst();
        assertTrue(Posix.kill(pid, Posix.SIGKILL));
        server.awaitLogLine(l -> l.contains("daemon process " + pid) && l.contains("no request was in progress"),
                Duration.ofSeconds(10));
        assertTrue(server.server().awaitWorkers(Duration.ofSeconds(30)));
        Set<String> answeredBy = new HashSet<>();
        List<Future<Http.Response>> responses = new ArrayList<>();
        try (ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < 40; i++) {
                responses.add(clients.submit(() -> server.get("/?sleep=0.05")));
            }
            for (Future<Http.Response> response : responses) {
                Http.Response r = response.get();
                assertEquals(200, r.status(), r.text());
                answeredBy.add(r.text());
            }
        }
        assertTrue(!answeredBy.contains(Long.toString(pid)));
        assertNotEquals(0, answeredBy.size());
    }

    @Test
    void aWorkerThatExitsByItselfIsReplaced() throws Exception {
        long pid = server.server().processGroup().pids().getFirst();
        assertTrue(Posix.kill(pid, Posix.SIGTERM));
        server.awaitLogLine(l -> l.contains("daemon process " + pid) && l.contains("exited with status 0"),
                Duration.ofSeconds(10));
        assertTrue(server.server().awaitWorkers(Duration.ofSeconds(30)));
        assertEquals(2, server.server().processGroup().pids().size());
    }

    @Test
    void aSegfaultInApplicationCodeFailsOnlyThatRequest() throws Exception {
        try (TestServer crashing = TestServer.start("crash.wsgi", "--processes", "1", "--threads", "2")) {
            long pid = crashing.server().processGroup().pids().getFirst();
            Http.Response crashed = crashing.get("/segfault");
            assertEquals(502, crashed.status());
            String line = crashing.awaitLogLine(l -> l.contains("failed while handling GET /segfault")
                    && l.contains("killed by signal 11 (SIGSEGV)"), Duration.ofSeconds(10));
            assertTrue(line.contains("daemon process " + pid), line);
            // faulthandler's dump of the Python stack lands in the error log too.
            crashing.awaitLogLine(l -> l.contains("[pid " + pid + "]") && l.contains("Fatal Python error"),
                    Duration.ofSeconds(10));
            assertTrue(crashing.server().awaitWorkers(Duration.ofSeconds(30)));
            assertEquals(200, crashing.get("/").status());
        }
    }
}
