package io.wsgi4j.mpm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wsgi4j.platform.Posix;
import io.wsgi4j.testing.Http;
import io.wsgi4j.testing.ServerProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Server processes that keep failing, in embedded mode: real server JVMs whose application crashes
 * inside C code (a NULL read through ctypes) while it loads, or soon after. A start that cannot
 * succeed is refused with the reason; processes that keep dying young are started again later and
 * later, and serve again once the cause is gone.
 */
class MpmFailuresIT {
    private static final Duration LONG = Duration.ofSeconds(90);
    private static final String CRASHES_WHEN_LOADED = """
            import ctypes
            ctypes.string_at(0)

            def application(environ, start_response):
                start_response('200 OK', [('Content-Type', 'text/plain')])
                return [b'never']
            """;
    private static final String CRASHES_SOON_IF_TOLD = """
            import ctypes, os, threading
            if os.path.exists(os.path.join(os.path.dirname(__file__), 'crash')):
                threading.Timer(0.3, ctypes.string_at, (0,)).start()

            def application(environ, start_response):
                body = str(os.getpid()).encode()
                start_response('200 OK', [('Content-Type', 'text/plain'), ('Content-Length', str(len(body)))])
                return [body]
            """;

    @TempDir
    Path dir;

    @Test
    void aServerProcessThatCrashesWhileLoadingTheApplicationFailsTheStart() throws Exception {
        Path script = Files.writeString(dir.resolve("crashes.wsgi"), CRASHES_WHEN_LOADED);
        try (ServerProcess server = ServerProcess.start(script.toString(), "--embedded-mode", "--log-to-terminal",
                "--processes", "2")) {
            int status = server.awaitExit(LONG);
            assertNotEquals(0, status, server.describe());
            String reason = server.awaitStderr(line -> line.startsWith("wsgi4j: could not start: server process "),
                    LONG);
            assertTrue(reason.contains("killed by signal") && reason.contains("before it was ready"), reason);
            assertTrue(server.process().descendants().findAny().isEmpty(), "a server process was left running");
        }
    }

    @Test
    void serverProcessesThatKeepDyingYoungAreStartedLaterAndLaterThenServeAgain() throws Exception {
        Path script = Files.writeString(dir.resolve("soon.wsgi"), CRASHES_SOON_IF_TOLD);
        try (ServerProcess server = ServerProcess.start(script.toString(), "--embedded-mode", "--log-to-terminal",
                "--processes", "1")) {
            int port = server.port();
            assertEquals(200, Http.get(port, "/").status(), server.describe());
            long first = server.process().children().findFirst().orElseThrow().pid();
            Path crash = Files.writeString(dir.resolve("crash"), "");
            Posix.kill(first, Posix.SIGKILL);
            server.awaitStderr(line -> line.contains("server processes keep dying within 2 s of starting; "
                    + "the next starts in 1 s"), LONG);
            server.awaitStderr(line -> line.contains("the next starts in 2 s"), LONG);
            List<String> deaths = server.stderr().stream().filter(l -> l.contains("killed by signal")).toList();
            assertTrue(deaths.size() >= 2, server.describe());
            Files.delete(crash);
            long deadline = System.nanoTime() + LONG.toNanos();
            Http.Response response = null;
            while (System.nanoTime() < deadline) {
                try {
                    response = Http.get(port, "/");
                    if (response.status() == 200) {
                        break;
                    }
                } catch (java.io.IOException e) {
                    // the server process of the moment died under the request
                }
                Thread.sleep(200);
            }
            assertTrue(response != null && response.status() == 200, server.describe());
            assertNotEquals(Long.toString(first), response.text());
        }
    }
}
