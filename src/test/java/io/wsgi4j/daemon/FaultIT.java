package io.wsgi4j.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wsgi4j.platform.Posix;
import io.wsgi4j.testing.Http;
import io.wsgi4j.testing.TestServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * A worker killed with SIGKILL in the middle of a load: exactly the requests it was running fail,
 * each with 502, and every other request succeeds.
 */
class FaultIT {
    private static final int REQUESTS = 2000;
    private static final Pattern FAILED = Pattern.compile("; (\\d+) request\\(s\\) in progress failed: (.*); ");

    @Test
    void killingAWorkerUnderLoadFailsExactlyTheRequestsItWasRunning() throws Exception {
        try (TestServer server = TestServer.start("pid.wsgi", "--processes", "2", "--threads", "4")) {
            AtomicInteger sent = new AtomicInteger();
            Map<Integer, Integer> statuses = new ConcurrentHashMap<>();
            List<String> failures = java.util.Collections.synchronizedList(new ArrayList<>());
            long victim;
            try (ExecutorService clients = Executors.newFixedThreadPool(16)) {
                List<Future<?>> running = new ArrayList<>();
                for (int c = 0; c < 16; c++) {
                    running.add(clients.submit(() -> {
                        while (sent.getAndIncrement() < REQUESTS) {
                            Http.Response response = server.get("/?sleep=0.02");
                            statuses.merge(response.status(), 1, Integer::sum);
                            if (response.status() != 200) {
                                failures.add(response.status() + " " + response.text());
                            }
                        }
                        return null;
                    }));
                }
                victim = killABusyWorker(server, sent);
                for (Future<?> client : running) {
                    client.get();
                }
            }
            String line = server.awaitLogLine(l -> l.contains("wsgi4j: daemon process " + victim + " (wsgi:")
                    && l.contains("killed by signal 9 (SIGKILL) after"), Duration.ofSeconds(10));
            Matcher m = FAILED.matcher(line);
            assertTrue(m.find(), "the exit line names no failed request: " + line);
            int lost = Integer.parseInt(m.group(1));
            assertTrue(lost >= 1 && lost <= 4, line);

            int total = statuses.values().stream().mapToInt(Integer::intValue).sum();
            assertEquals(REQUESTS, total);
            assertEquals(Map.of(200, REQUESTS - lost, 502, lost), statuses, failures.toString());
            for (String id : m.group(2).split(", ")) {
                String requestId = id.replaceAll(".*\\[request ([^]]+)].*", "$1");
                assertEquals(1, server.logLinesOf(requestId).stream()
                        .filter(l -> l.contains("failed while handling") && l.contains("answered 502")).count(),
                        "no 502 line for " + id);
            }
            assertTrue(server.server().awaitWorkers(Duration.ofSeconds(30)));
        }
    }

    /** Once a quarter of the requests are sent, kills a process that is running requests; returns its pid. */
    private static long killABusyWorker(TestServer server, AtomicInteger sent) throws InterruptedException {
        while (sent.get() < REQUESTS / 4) {
            Thread.sleep(5);
        }
        for (int attempt = 0; attempt < 1000; attempt++) {
            for (WorkerStatus worker : server.server().processGroup().status().workers()) {
                if (worker.busy() > 0 && worker.accepting()) {
                    assertTrue(Posix.kill(worker.pid(), Posix.SIGKILL));
                    return worker.pid();
                }
            }
            Thread.sleep(1);
        }
        throw new AssertionError("no process was ever busy");
    }
}
