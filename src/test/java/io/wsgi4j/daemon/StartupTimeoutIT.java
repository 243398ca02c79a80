package io.wsgi4j.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wsgi4j.testing.Http;
import io.wsgi4j.testing.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** --startup-timeout: an application that does not finish importing is reported with its stack and retried. */
class StartupTimeoutIT {
    @TempDir
    Path dir;

    @Test
    void aHungImportIsReportedKilledAndRetriedWhileRequestsGet503() throws Exception {
        Path script = dir.resolve("slow_import.wsgi");
        Files.copy(TestServer.APPS.resolve("slow_import.wsgi"), script);
        try (TestServer server = TestServer.startWithoutWaiting(script.toString(), "--startup-timeout", "2")) {
            long started = System.nanoTime();
            Http.Response meanwhile = server.get("/");
            long tookMillis = (System.nanoTime() - started) / 1_000_000;
            assertEquals(503, meanwhile.status(), meanwhile.text());
            assertTrue(meanwhile.header("Retry-After").isPresent());
            assertTrue(tookMillis >= 1500 && tookMillis < 8000, "answered after " + tookMillis + " ms");

            String report = server.awaitLogLine(l -> l.contains("is still importing the application after 2 s "
                    + "(--startup-timeout 2)"), Duration.ofSeconds(10));
            String pid = report.replaceAll(".*daemon process (\\d+) .*", "$1");
            server.awaitLogLine(l -> l.contains("[pid " + pid + "]")
                    && l.contains("thread 'MainThread', still importing the application after"), Duration.ofSeconds(10));
            server.awaitLogLine(l -> l.contains("[pid " + pid + "]") && l.contains("time.sleep(3600)"),
                    Duration.ofSeconds(10));
            server.awaitLogLine(l -> l.contains("daemon process " + pid) && l.contains("was killed (SIGKILL) as it was still importing the application after --startup-timeout 2 s"),
                    Duration.ofSeconds(10));

            // The next process imports at once and serves.
            assertTrue(server.server().awaitWorkers(Duration.ofSeconds(30)), server.errorLogText());
            Http.Response served = server.get("/");
            assertEquals(200, served.status());
            assertTrue(!served.text().equals(pid));
        }
    }

    @Test
    void anImportThatNeverEndsIsRetriedWithBackOffAndRequestsAreRefusedAtOnce() throws Exception {
        try (TestServer server = TestServer.startWithoutWaiting("hang_import.wsgi", "--startup-timeout", "1")) {
            server.awaitLogLine(l -> l.contains("after --startup-timeout 1 s"), Duration.ofSeconds(10));
            server.awaitLogLine(l -> l.contains("failed 2 times in a row; next start in"), Duration.ofSeconds(15));
            long started = System.nanoTime();
            Http.Response refused = server.get("/");
            long tookMillis = (System.nanoTime() - started) / 1_000_000;
            assertEquals(503, refused.status());
            assertTrue(tookMillis < 1000, "refused after " + tookMillis + " ms, not at once");
            String line = server.awaitLogLine(l -> l.contains("has no process able to serve"), Duration.ofSeconds(5));
            assertTrue(line.contains("[request "), line);
        }
    }
}
