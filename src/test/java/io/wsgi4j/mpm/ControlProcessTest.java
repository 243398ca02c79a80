package io.wsgi4j.mpm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wsgi4j.config.LogLevel;
import io.wsgi4j.log.ErrorLog;
import io.wsgi4j.platform.Posix;
import io.wsgi4j.testing.Pythons;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The control process's supervision with stand-in server processes: small Python programs started
 * through the same posix_spawn path, which do what the file {@code behaviour} in the test's
 * directory says when they start (serve, retire, or die at once).
 */
class ControlProcessTest {
    private static final String CHILD = String.join("\n",
            "import os, signal, sys, time",
            "here = os.environ['FAKE_DIR']",
            "open(os.path.join(here, 'started-%d' % os.getpid()), 'w').close()",
            "what = open(os.path.join(here, 'behaviour')).read().strip()",
            "if what == 'die':",
            "    sys.exit(3)",
            "signal.signal(signal.SIGTERM, lambda *a: sys.exit(0))",
            "os.write(3, b'ready\\n')",
            "if what == 'retire' and not os.path.exists(os.path.join(here, 'retired')):",
            "    open(os.path.join(here, 'retired'), 'w').close()",
            "    os.write(3, b'retiring: it was told to\\n')",
            "while True:",
            "    if not os.read(3, 1):",
            "        sys.exit(0)");

    @TempDir
    Path dir;
    private ListeningSocket socket;
    private ErrorLog log;
    private ControlProcess control;

    @BeforeEach
    void open() throws IOException {
        socket = ListeningSocket.open("127.0.0.1", 0, 16);
        log = ErrorLog.toFile(dir.resolve("error_log"), LogLevel.INFO);
    }

    @AfterEach
    void close() throws IOException {
        if (control != null) {
            control.stop();
        }
        socket.close();
        log.close();
    }

    private ControlProcess control(int processes, String behaviour) throws IOException {
        Files.writeString(dir.resolve("behaviour"), behaviour);
        ChildJvm jvm = new ChildJvm(Pythons.defaultPython().toString(), "fake.jar", List.of("-c", CHILD), List.of(),
                Map.of("FAKE_DIR", dir.toString(), "PATH", "/usr/bin:/bin"));
        Files.writeString(dir.resolve("no-cache"), "a file: no archive directory under it");
        ClassDataArchive archive = ClassDataArchive.in(dir.resolve("no-cache").resolve("x"), "1", "fake.jar");
        control = new ControlProcess(processes, new Spawner(jvm, socket, archive), archive, log, dir,
                pid -> List.of(), Duration.ofSeconds(2), Duration.ofSeconds(1));
        return control;
    }

    private List<String> logLines() throws IOException {
        return Files.readAllLines(dir.resolve("error_log"));
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("never: " + what);
            }
            Thread.sleep(20);
        }
    }

    private boolean logged(String text) {
        try {
            return logLines().stream().anyMatch(l -> l.contains(text));
        } catch (IOException e) {
            return false;
        }
    }

    @Test
    void aDeadServerProcessIsReplacedAtOnce() throws Exception {
        ControlProcess control = control(2, "serve");
        control.start(Duration.ofSeconds(30));
        List<Long> first = control.pids();
        assertEquals(2, first.size());
        Posix.kill(first.getFirst(), Posix.SIGKILL);
        await("a replacement", () -> control.pids().size() == 2 && !control.pids().contains(first.getFirst()));
        await("the log line", () -> logged("server process " + first.getFirst() + " (slot 0) killed by signal 9"));
        assertTrue(control.pids().contains(first.get(1)), "the other one goes on");
    }

    @Test
    void aRetiringServerProcessGivesWayToItsSuccessorOnceItIsReady() throws Exception {
        ControlProcess control = control(1, "retire");
        control.start(Duration.ofSeconds(30));
        long first = control.pids().getFirst();
        await("the successor's take-over", () -> control.pids().size() == 1 && control.pids().getFirst() != first);
        assertTrue(logged("server process " + first + " (slot 0) is being replaced (it was told to)"));
        await("the old one's exit", () -> logged("server process " + first + " (slot 0) exited with status 0"));
    }

    @Test
    void processesThatKeepDyingAreStartedAgainLaterAndLater() throws Exception {
        ControlProcess control = control(1, "serve");
        control.start(Duration.ofSeconds(30));
        Files.writeString(dir.resolve("behaviour"), "die");
        Posix.kill(control.pids().getFirst(), Posix.SIGKILL);
        await("a back-off", () -> logged("the next starts in 1 s"));
        await("a longer back-off", () -> logged("the next starts in 2 s"));
        Set<String> started = new HashSet<>();
        try (var files = Files.list(dir)) {
            files.map(f -> f.getFileName().toString()).filter(n -> n.startsWith("started-")).forEach(started::add);
        }
        // The first, and the quick deaths: one at once, one after 1 s, then the 2 s wait.
        assertTrue(started.size() <= 4, started.toString());
        Files.writeString(dir.resolve("behaviour"), "serve");
        await("a server process again", () -> control.pids().size() == 1);
    }

    @Test
    void aServerProcessThatDiesBeforeItIsReadyFailsTheStart() throws Exception {
        ControlProcess control = control(2, "die");
        IOException e = assertThrows(IOException.class, () -> control.start(Duration.ofSeconds(30)));
        assertTrue(e.getMessage().contains("exited with status 3 before it was ready"), e.getMessage());
        assertEquals(List.of(), control.pids());
    }

    @Test
    void stopEndsEveryServerProcess() throws Exception {
        ControlProcess control = control(3, "serve");
        control.start(Duration.ofSeconds(30));
        List<Long> pids = control.pids();
        control.stop();
        assertEquals(List.of(), control.pids());
        for (long pid : pids) {
            assertTrue(ProcessHandle.of(pid).map(p -> !p.isAlive()).orElse(true), pid + " survived");
        }
    }
}
