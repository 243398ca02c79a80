package io.wsgi4j.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wsgi4j.testing.Command;
import io.wsgi4j.testing.Http;
import io.wsgi4j.testing.ServerProcess;
import io.wsgi4j.testing.TestServer;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** What goes wrong at start-up, through the real jar: an application that cannot load, an unusable Python. */
class StartupErrorsIT {

    /**
     * As mod_wsgi does, a script that fails to load does not stop the server: each request answers 500,
     * the load is tried again and its traceback logged again, and the server keeps running.
     */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
            "import_error.wsgi | RuntimeError: import_error.wsgi cannot be imported",
            "syntax_error.wsgi | SyntaxError: ",
    })
    void applicationThatCannotLoadAnswers500AndTheServerRuns(String script, String error) throws Exception {
        try (ServerProcess server = ServerProcess.start(script, "--log-to-terminal")) {
            int port = server.port();
            for (int i = 1; i <= 2; i++) {
                Http.Response response = Http.get(port, "/?n=" + i);
                assertEquals(500, response.status(), server.describe());
                String requestLine = "[request ";
                int n = i;
                // Every request logs the load failure again, tagged with its client and request id.
                server.awaitStderr(line -> line.contains("[wsgi:error]") && line.contains("[client 127.0.0.1:")
                        && line.contains(requestLine) && line.contains(error)
                        && countMatching(server.stderr(), error) >= n + 1, Duration.ofSeconds(30));
            }
            assertTrue(server.stderr().stream().anyMatch(l -> l.contains("Traceback (most recent call last):")
                    || l.contains("SyntaxError")), server.describe());
            assertTrue(server.stderr().stream().anyMatch(l -> l.contains(
                    "Failed to exec Python script file '" + TestServer.APPS.resolve(script) + "'.")), server.describe());
            assertTrue(server.process().isAlive(), server.describe());
            assertEquals(500, Http.get(port, "/again").status());
        }
    }

    private static long countMatching(List<String> lines, String text) {
        return lines.stream().filter(l -> l.contains(text)).count();
    }

    @Test
    void portInUseIsOneMessage(@TempDir Path root) throws Exception {
        try (java.net.ServerSocket taken = new java.net.ServerSocket(0)) {
            Command.Result result = Command.runJar(TestServer.APPS, "start-server", "tiny.wsgi", "--port",
                    Integer.toString(taken.getLocalPort()), "--server-root", root.toString());
            assertEquals(1, result.exitCode(), result.toString());
            assertEquals(List.of("wsgi4j: could not start: Failed to bind to 0.0.0.0/0.0.0.0:" + taken.getLocalPort()
                    + ": Address already in use"), result.stderrLines());
            assertEquals("", result.stdout());
        }
    }

    @Test
    void missingPythonPathIsOneMessageAndNothingStarts(@TempDir Path root) throws Exception {
        refused(root, "/nonexistent/python3", "wsgi4j: cannot start Python: '/nonexistent/python3' does not exist");
    }

    @Test
    void pythonNotOnPathIsOneMessageAndNothingStarts(@TempDir Path root) throws Exception {
        refused(root, "python9", "wsgi4j: cannot start Python: 'python9' was not found on PATH; "
                + "name the interpreter with --python or --python-home");
    }

    @Test
    void aProgramThatIsNotPythonIsOneMessageAndNothingStarts(@TempDir Path root) throws Exception {
        refused(root, "/bin/true", "wsgi4j: '/bin/true' is not a usable Python interpreter: asked for its version, "
                + "it printed nothing and exited with status 0");
        String ls = refused(root, "/bin/ls");
        assertTrue(ls.startsWith("wsgi4j: '/bin/ls' is not a usable Python interpreter: asked for its version, it said '"), ls);
        assertTrue(ls.endsWith("' and exited with status 2"), ls);
    }

    @ParameterizedTest(name = "Python 3.{0}")
    @CsvSource({"7", "6"})
    void pythonOlderThan38IsRefused(int minor, @TempDir Path root) throws Exception {
        Path python = olderPython(minor);
        String version = Command.run(List.of(python.toString(), "-c",
                        "import platform; print(platform.python_version())"), root, java.util.Map.of(),
                Duration.ofSeconds(30)).stdout().strip();
        refused(root, python.toString(), "wsgi4j: '" + python + "' is Python " + version
                + ", too old: wsgi4j runs CPython 3.8 to 3.13");
    }

    /** start-server with this --python exits 1 with exactly this one line, before binding or creating anything. */
    private static void refused(Path dir, String python, String message) throws Exception {
        assertEquals(message, refused(dir, python));
    }

    /** start-server with this --python exits 1 with one line, before binding or creating anything; the line. */
    private static String refused(Path dir, String python) throws Exception {
        Path root = dir.resolve("root");
        Command.Result result = Command.runJar(TestServer.APPS, "start-server", "tiny.wsgi", "--port", "0",
                "--server-root", root.toString(), "--python", python);
        assertEquals(1, result.exitCode(), result.toString());
        assertEquals(1, result.stderrLines().size(), result.toString());
        assertEquals("", result.stdout(), "no banner: nothing started");
        assertFalse(Files.exists(root), "the server root was created: something started");
        return result.stderrLines().getFirst();
    }

    private static Path olderPython(int minor) throws IOException {
        Path versions = Path.of(System.getProperty("user.home"), ".pyenv", "versions");
        Optional<Path> found = Optional.empty();
        if (Files.isDirectory(versions)) {
            try (DirectoryStream<Path> dirs = Files.newDirectoryStream(versions, "3." + minor + ".*")) {
                for (Path dir : dirs) {
                    Path candidate = dir.resolve("bin/python3." + minor);
                    if (Files.isExecutable(candidate)) {
                        found = Optional.of(candidate);
                    }
                }
            }
        }
        Assumptions.assumeTrue(found.isPresent(), "no CPython 3." + minor + " under ~/.pyenv/versions");
        return found.get();
    }
}
