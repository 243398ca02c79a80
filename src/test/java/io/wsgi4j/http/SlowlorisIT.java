package io.wsgi4j.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wsgi4j.testing.Http;
import io.wsgi4j.testing.TestServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * A slowloris attack: 200 connections that each send one byte of a request head a second. Every one
 * is answered 408 and closed after about the header timeout (3 s here), while another client's
 * ordinary requests keep close to their normal latency, on a server with two Python threads and
 * Jetty's usual 64: a slow connection holds no thread.
 */
class SlowlorisIT {
    private static final int ATTACKERS = 200;
    private static final Duration HEADER_TIMEOUT = Duration.ofSeconds(3);
    /** Time for the server to notice and answer; generous, the machine is shared. */
    private static final Duration SLACK = Duration.ofSeconds(3);
    private static final String HEAD = "GET /slowloris HTTP/1.1\r\nHost: localhost\r\nX-Padding: 0123456789\r\n\r\n";

    @Test
    void slowHeadsAreCutOffWhileOrdinaryRequestsKeepTheirLatency() throws Exception {
        try (TestServer server = TestServer.start("pid.wsgi", "--processes", "1", "--threads", "2",
                "--header-timeout", "3", "--header-max-timeout", "5");
             ExecutorService readers = Executors.newVirtualThreadPerTaskExecutor()) {
            ordinaryRequests(server, 20);
            List<Long> baseline = ordinaryRequests(server, 50);
            Duration bound = Duration.ofNanos(Math.max(10 * median(baseline), Duration.ofMillis(500).toNanos()));

            List<SlowClient> attackers = new ArrayList<>();
            List<Future<Http.Response>> answers = new ArrayList<>();
            try {
                for (int i = 0; i < ATTACKERS; i++) {
                    SlowClient attacker = SlowClient.start(server.port(), HEAD, 1, Duration.ofSeconds(1));
                    attackers.add(attacker);
                    answers.add(readers.submit(attacker::response));
                }
                List<Long> during = new ArrayList<>();
                int beforeFirstAnswer = 0;
                while (!answers.stream().allMatch(Future::isDone)) {
                    during.addAll(ordinaryRequests(server, 1));
                    if (attackers.stream().allMatch(a -> a.answeredNanos() == 0)) {
                        beforeFirstAnswer++;
                    }
                }

                assertTrue(beforeFirstAnswer >= 10, "only " + beforeFirstAnswer + " ordinary requests during the attack");
                long slowest = during.stream().mapToLong(Long::longValue).max().orElseThrow();
                assertTrue(slowest <= bound.toNanos(), "an ordinary request took " + Duration.ofNanos(slowest)
                        + " during the attack (baseline median " + Duration.ofNanos(median(baseline)) + ")");

                for (int i = 0; i < ATTACKERS; i++) {
                    SlowClient attacker = attackers.get(i);
                    Http.Response answer = answers.get(i).get();
                    assertEquals(408, answer.status(), "attacker " + i);
                    assertEquals("close", answer.header("Connection").orElse(""), "attacker " + i);
                    Duration after = attacker.answeredAfter();
                    assertTrue(after.compareTo(HEADER_TIMEOUT) >= 0 && after.compareTo(HEADER_TIMEOUT.plus(SLACK)) <= 0,
                            "attacker " + i + " was answered after " + after);
                    assertTrue(attacker.closedByServer(5000), "attacker " + i + " is still connected");
                }
            } finally {
                for (SlowClient attacker : attackers) {
                    attacker.close();
                }
            }
        }
    }

    /** Sends {@code count} GETs one after another, each on its own connection; their latencies in nanoseconds. */
    private static List<Long> ordinaryRequests(TestServer server, int count) throws Exception {
        List<Long> latencies = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            long start = System.nanoTime();
            Http.Response response = server.get("/ordinary");
            latencies.add(System.nanoTime() - start);
            assertEquals(200, response.status(), response.latin1());
        }
        return latencies;
    }

    private static long median(List<Long> values) {
        List<Long> sorted = values.stream().sorted().toList();
        return sorted.get(sorted.size() / 2);
    }
}
