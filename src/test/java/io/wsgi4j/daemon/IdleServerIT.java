package io.wsgi4j.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.wsgi4j.testing.Http;
import io.wsgi4j.testing.ServerProcess;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A server left idle longer than the virtual-thread scheduler keeps its spare carrier threads
 * (30 s) still serves: nothing of a quiet daemon process may hold a carrier. (The worker log
 * pumps once did, in a blocking pipe read; with as many processes as carriers, an idle server
 * then never answered again.)
 */
class IdleServerIT {
    @Test
    void aServerIdleForAMinuteStillAnswers() throws Exception {
        try (ServerProcess server = ServerProcess.startWithJvmOptions(
                List.of("-Djdk.virtualThreadScheduler.parallelism=1"), "pid.wsgi", "--processes", "2", "--threads", "2")) {
            int port = server.port();
            for (int i = 0; i < 20; i++) {
                assertEquals(200, Http.get(port, "/").status());
            }
            Thread.sleep(45_000);
            for (int i = 0; i < 20; i++) {
                assertEquals(200, Http.get(port, "/").status());
            }
        }
    }
}
