package io.wsgi4j.embedded;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wsgi4j.testing.Http;
import io.wsgi4j.testing.Json;
import io.wsgi4j.testing.ServerProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * Embedded mode holds Python inside the server for its whole life: many requests later neither
 * Python's objects nor the process's memory have grown. The heap is fixed (-Xms = -Xmx), so what
 * the resident size shows beyond it is native memory: Python's, and the FFM binding's.
 *
 * <p>{@code -Dwsgi4j.leak.requests=1000000} runs the full million; the suite runs fewer.
 */
class LeakIT {
    private static final int CLIENTS = 8;
    private static final long WARM_UP = 20_000;
    private static final long REQUESTS = Long.getLong("wsgi4j.leak.requests", 150_000);
    /** Resident growth allowed after the warm-up: allocator noise, not a per-request leak (150k requests x 100 bytes). */
    private static final long MAX_GROWTH_KIB = 12 * 1024;
    private static final int MAX_OBJECT_GROWTH = 200;

    @Test
    void manyRequestsLeaveMemoryFlat() throws Exception {
        try (ServerProcess server = ServerProcess.startWithJvmOptions(List.of("-Xms64m", "-Xmx64m"), "leak.wsgi",
                "--embedded-mode", "--threads", "4")) {
            int port = server.port();
            run(port, WARM_UP);
            long objectsBefore = objects(port);
            // The JVM started is the control process; the application runs in its one server process.
            long serverProcess = server.process().children().findFirst().orElseThrow().pid();
            long rssBefore = residentKib(serverProcess);
            long started = System.nanoTime();
            run(port, REQUESTS);
            double seconds = (System.nanoTime() - started) / 1e9;
            long objectsAfter = objects(port);
            long rssAfter = residentKib(serverProcess);
            System.out.printf("LeakIT: %d requests in %.1f s (%.0f/s); Python objects %d -> %d; RSS %d -> %d KiB%n",
                    REQUESTS, seconds, REQUESTS / seconds, objectsBefore, objectsAfter, rssBefore, rssAfter);
            assertTrue(objectsAfter - objectsBefore < MAX_OBJECT_GROWTH,
                    "Python objects grew from " + objectsBefore + " to " + objectsAfter);
            assertTrue(rssAfter - rssBefore < MAX_GROWTH_KIB,
                    "resident memory grew from " + rssBefore + " to " + rssAfter + " KiB over " + REQUESTS + " requests");
        }
    }

    /** {@code total} requests over {@link #CLIENTS} keep-alive connections, each answered 200 with its own body. */
    private static void run(int port, long total) throws Exception {
        AtomicLong left = new AtomicLong(total);
        try (ExecutorService clients = Executors.newFixedThreadPool(CLIENTS)) {
            List<Future<Long>> done = new ArrayList<>();
            for (int c = 0; c < CLIENTS; c++) {
                done.add(clients.submit(() -> client(port, left)));
            }
            long served = 0;
            for (Future<Long> f : done) {
                served += f.get();
            }
            assertEquals(total, served);
        }
    }

    private static long client(int port, AtomicLong left) throws IOException {
        long served = 0;
        Http.Connection connection = new Http.Connection(port);
        try {
            for (long n = left.getAndDecrement(); n > 0; n = left.getAndDecrement()) {
                connection.send("GET /hello?" + n + " HTTP/1.1\r\nHost: localhost\r\n\r\n");
                Http.Response response = connection.read();
                if (response.status() != 200 || !response.text().equals("Hello " + n)) {
                    throw new AssertionError("request " + n + ": " + response.status() + " " + response.text());
                }
                if (response.header("Connection").map("close"::equalsIgnoreCase).orElse(false)) {
                    connection.close();
                    connection = new Http.Connection(port);
                }
                served++;
            }
        } finally {
            connection.close();
        }
        return served;
    }

    private static long objects(int port) throws IOException {
        Http.Response response = Http.get(port, "/objects");
        assertEquals(200, response.status(), response.text());
        return ((Number) Json.object(response.text()).get("objects")).longValue();
    }

    private static long residentKib(long pid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("\\D", ""));
            }
        }
        throw new AssertionError("no VmRSS for " + pid);
    }
}
