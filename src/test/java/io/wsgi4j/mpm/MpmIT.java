package io.wsgi4j.mpm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wsgi4j.platform.Posix;
import io.wsgi4j.testing.Command;
import io.wsgi4j.testing.Http;
import io.wsgi4j.testing.ServerProcess;
import io.wsgi4j.testing.TestServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Embedded mode's several server processes, as a user runs them: the JVM started is the control
 * process, which starts --processes server processes sharing one listening socket, replaces the
 * ones that die or retire, and stops them all.
 */
class MpmIT {
    private static final Duration LONG = Duration.ofSeconds(90);

    private static ServerProcess start(String script, String... options) throws IOException {
        List<String> all = new ArrayList<>(List.of("--embedded-mode", "--log-to-terminal"));
        all.addAll(List.of(options));
        return ServerProcess.start(script, all.toArray(String[]::new));
    }

    /** The server process's pid, from server_process.wsgi's answer "PID MULTITHREAD MULTIPROCESS". */
    private static long pidOf(Http.Response response) {
        assertEquals(200, response.status(), response.text());
        return Long.parseLong(response.text().split(" ")[0]);
    }

    private static Set<Long> children(ServerProcess server) {
        Set<Long> pids = new HashSet<>();
        server.process().children().forEach(child -> pids.add(child.pid()));
        return pids;
    }

    /** Waits until the control process has exactly {@code count} children, none of them in {@code gone}. */
    private static Set<Long> awaitChildren(ServerProcess server, int count, Set<Long> gone) throws Exception {
        long deadline = System.nanoTime() + LONG.toNanos();
        while (true) {
            Set<Long> now = children(server);
            if (now.size() == count && Collections.disjoint(now, gone)) {
                return now;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("children " + now + ", wanted " + count + " without " + gone + "; "
                        + server.describe());
            }
            Thread.sleep(50);
        }
    }

    @ParameterizedTest
    @CsvSource({"prefork, 3, 1, False", "worker, 2, 4, True", "event, 2, 4, True"})
    void theSeedDiagnosticSeesTheMpmsThreading(String mpm, int processes, int threads, String multithread)
            throws Exception {
        try (ServerProcess server = start("seed/hello.wsgi", "--server-mpm", mpm, "--processes",
                Integer.toString(processes), "--threads", Integer.toString(threads))) {
            int port = server.port();
            // The port comes from the banner's first line; the rest may still be on its way.
            server.awaitStdout(line -> line.startsWith("Request Body Limit "), Duration.ofSeconds(10));
            assertTrue(server.stdout().contains("Operating Mode     : embedded"), server.describe());
            assertTrue(server.stdout().contains("Server MPM         : " + mpm), server.describe());
            assertEquals("wsgi.multithread = " + multithread, Http.get(port, "/").text());
            assertEquals(processes, children(server).size(), server.describe());
        }
    }

    @ParameterizedTest
    @CsvSource({"prefork, no", "worker, yes (fixed thread count)", "event, yes (fixed thread count)"})
    void versionReportShowsTheMpm(String mpm, String threaded) throws Exception {
        Command.Result result = Command.runJar(TestServer.APPS, "-V", "--embedded-mode", "--server-mpm", mpm,
                "--threads", "1");
        assertEquals(0, result.exitCode(), result.toString());
        List<String> lines = result.stdoutLines();
        int at = lines.indexOf("Server MPM:     " + mpm);
        assertTrue(at >= 0, result.toString());
        assertEquals(List.of("Server MPM:     " + mpm, "  threaded:     " + threaded,
                "    forked:     yes (variable process count)"), lines.subList(at, at + 3));
    }

    @Test
    void theLauncherAndEveryServerProcessStartWithTheSharedJvmOptions(@TempDir Path root) throws Exception {
        List<String> launcher = List.of(Command.home().resolve("bin/wsgi4j").toString());
        try (ServerProcess server = ServerProcess.startCommand(launcher, TestServer.APPS, root, "server_process.wsgi",
                "--embedded-mode", "--log-to-terminal", "--processes", "1")) {
            pidOf(Http.get(server.port(), "/"));
            long child = awaitChildren(server, 1, Set.of()).iterator().next();
            List<String> shared = ChildJvm.sharedOptions();
            assertTrue(shared.contains("-XX:+UseSerialGC"), shared.toString());
            for (long pid : List.of(server.process().pid(), child)) {
                List<String> argv = List.of(Files.readString(Path.of("/proc/" + pid + "/cmdline")).split("\0"));
                assertTrue(argv.containsAll(shared), pid + ": " + argv);
                assertFalse(argv.stream().anyMatch(a -> a.startsWith("--enable-native-access")),
                        "granted by the manifest, not against the class data archive: " + argv);
            }
        }
    }

    @Test
    void severalServerProcessesServeFromOneSocket() throws Exception {
        try (ServerProcess server = start("server_process.wsgi", "--server-mpm", "prefork", "--processes", "3")) {
            int port = server.port();
            Set<Long> seen = new HashSet<>();
            for (int i = 0; i < 30; i++) {
                Http.Response response = Http.get(port, "/");
                assertTrue(response.text().endsWith(" False True"), response.text());
                seen.add(pidOf(response));
            }
            assertTrue(seen.size() >= 2, "pids " + seen);
            assertTrue(children(server).containsAll(seen), seen + " are not all children of " + server.pid());
            assertFalse(seen.contains(server.pid()), "the control process served a request");
        }
    }

    /**
     * How long a second client waits while a first one holds an idle keep-alive connection to the
     * only server process: under prefork the connection holds the process (until the keep-alive
     * timeout closes it), under event it holds no request thread.
     */
    @ParameterizedTest
    @CsvSource({"prefork, true", "event, false"})
    void anIdleKeepAliveConnectionHoldsAPreforkProcessButNotAnEventOne(String mpm, boolean held) throws Exception {
        try (ServerProcess server = start("server_process.wsgi", "--server-mpm", mpm, "--threads", "1",
                "--keep-alive-timeout", "3")) {
            int port = server.port();
            try (Http.Connection idle = new Http.Connection(port)) {
                idle.send("GET / HTTP/1.1\r\nHost: localhost\r\n\r\n");
                assertEquals(200, idle.read().status());
                long started = System.nanoTime();
                assertEquals(200, Http.get(port, "/").status());
                double waited = (System.nanoTime() - started) / 1e9;
                if (held) {
                    assertTrue(waited > 2, "answered after " + waited + " s, before the keep-alive timeout");
                } else {
                    assertTrue(waited < 2, "answered only after " + waited + " s");
                }
            }
        }
    }

    @Test
    void aServerProcessKilledWhileIdleIsReplaced() throws Exception {
        try (ServerProcess server = start("server_process.wsgi", "--server-mpm", "worker", "--processes", "2",
                "--threads", "2")) {
            int port = server.port();
            long victim = pidOf(Http.get(port, "/"));
            // Idle: the answered request has left the scoreboard too.
            Thread.sleep(500);
            assertTrue(Posix.kill(victim, Posix.SIGKILL));
            String line = server.awaitStderr(l -> l.contains("server process " + victim + " (slot "), LONG);
            assertTrue(line.contains("[wsgi:error]") && line.contains("killed by signal 9 (SIGKILL)")
                    && line.contains("no request in flight"), line);
            awaitChildren(server, 2, Set.of(victim));
            for (int i = 0; i < 10; i++) {
                assertTrue(pidOf(Http.get(port, "/")) != victim);
            }
        }
    }

    @Test
    void aSegfaultFailsOnlyItsOwnRequestAndTheProcessIsReplaced() throws Exception {
        try (ServerProcess server = start("server_process.wsgi", "--server-mpm", "prefork", "--processes", "2")) {
            int port = server.port();
            Set<Long> before = awaitChildren(server, 2, Set.of());
            // Requests running in the other process go on while one crashes.
            ExecutorService pool = Executors.newFixedThreadPool(2);
            Future<Http.Response> slow = pool.submit(() -> Http.get(port, "/?sleep=1.5"));
            Thread.sleep(300);
            Future<Http.Response> crash = pool.submit(() -> Http.get(port, "/segfault"));
            boolean failed;
            try {
                crash.get();
                failed = false;
            } catch (java.util.concurrent.ExecutionException e) {
                failed = e.getCause() instanceof IOException;
            }
            assertTrue(failed, "the crashing request got an answer");
            assertEquals(200, slow.get().status());
            pool.shutdown();
            String line = server.awaitStderr(l -> l.contains("GET /segfault]"), LONG);
            Matcher m = Pattern.compile("server process (\\d+) \\(slot \\d\\) killed by signal 6 \\(SIGABRT\\)")
                    .matcher(line);
            assertTrue(m.find(), line);
            long crashed = Long.parseLong(m.group(1));
            assertTrue(before.contains(crashed), line);
            assertTrue(line.contains("fatal error report " + server.root().resolve("run/hs_err_pid" + crashed + ".log")),
                    line);
            assertTrue(Files.exists(server.root().resolve("run/hs_err_pid" + crashed + ".log")));
            assertTrue(line.contains("requests in flight: ["), line);
            assertEquals(1, server.stderr().stream().filter(l -> l.contains("GET /segfault]")).count(),
                    server.describe());
            awaitChildren(server, 2, Set.of(crashed));
            for (int i = 0; i < 10; i++) {
                assertTrue(pidOf(Http.get(port, "/")) != crashed);
            }
        }
    }

    /** Clients sending requests on new connections until stopped; counts answers and failures. */
    private static final class Load implements AutoCloseable {
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final AtomicInteger served = new AtomicInteger();
        private final List<String> failures = new CopyOnWriteArrayList<>();
        private final Set<Long> pids = ConcurrentHashMap.newKeySet();
        private final ExecutorService clients;
        private final List<Future<?>> futures = new ArrayList<>();

        Load(int port, int clients, int requests) {
            this(port, clients, requests, Duration.ZERO);
        }

        /** {@code requests} in all (0: until closed), each client pausing {@code pause} after each. */
        Load(int port, int clients, int requests, Duration pause) {
            this.clients = Executors.newFixedThreadPool(clients);
            AtomicInteger left = new AtomicInteger(requests);
            for (int i = 0; i < clients; i++) {
                futures.add(this.clients.submit(() -> {
                    while (running.get() && (requests == 0 || left.getAndDecrement() > 0)) {
                        try {
                            Http.Response response = Http.get(port, "/");
                            if (response.status() == 200) {
                                pids.add(pidOf(response));
                                served.incrementAndGet();
                            } else {
                                failures.add(response.status() + " " + response.text());
                            }
                        } catch (IOException | RuntimeException e) {
                            failures.add(e.toString());
                        }
                        try {
                            Thread.sleep(pause);
                        } catch (InterruptedException e) {
                            return;
                        }
                    }
                }));
            }
        }

        void await() throws Exception {
            for (Future<?> future : futures) {
                future.get();
            }
        }

        @Override
        public void close() throws Exception {
            running.set(false);
            await();
            clients.shutdown();
        }
    }

    @Test
    void maximumRequestsRecyclesServerProcessesWithoutFailingARequest() throws Exception {
        try (ServerProcess server = start("server_process.wsgi", "--server-mpm", "worker", "--processes", "2",
                "--threads", "2", "--maximum-requests", "20")) {
            int port = server.port();
            // Paced to last about ten seconds: long enough for successors to start and retire in turn.
            try (Load load = new Load(port, 4, 400, Duration.ofMillis(100))) {
                load.await();
                assertEquals(List.of(), load.failures, server.describe());
                assertEquals(400, load.served.get());
                assertTrue(load.pids.size() >= 3, "pids " + load.pids);
            }
            assertTrue(server.stderr().stream().anyMatch(l -> l.contains("is being replaced (it has served 20 "
                    + "connections (--maximum-requests 20))")), server.describe());
        }
    }

    @Test
    void sigusr1UnderLoadReplacesEveryServerProcessWithoutFailingARequest() throws Exception {
        try (ServerProcess server = start("server_process.wsgi", "--server-mpm", "event", "--processes", "2",
                "--threads", "2")) {
            int port = server.port();
            Set<Long> first = awaitChildren(server, 2, Set.of());
            try (Load load = new Load(port, 4, 0)) {
                Thread.sleep(500);
                assertTrue(Posix.kill(server.pid(), Posix.SIGUSR1));
                awaitChildren(server, 2, first);
                Thread.sleep(500);
                load.close();
                assertEquals(List.of(), load.failures, server.describe());
                assertTrue(load.served.get() > 0);
            }
            assertTrue(server.stderr().stream().anyMatch(l -> l.contains("graceful restart (SIGUSR1 received)")),
                    server.describe());
        }
    }

    @Test
    void aChangedScriptReplacesEveryServerProcessAndAllWriteOneErrorLog(@TempDir Path dir) throws Exception {
        Path script = Files.copy(TestServer.APPS.resolve("server_process.wsgi"), dir.resolve("app.wsgi"));
        try (ServerProcess server = ServerProcess.start(script.toString(), "--embedded-mode", "--server-mpm", "worker",
                "--processes", "2", "--threads", "2")) {
            int port = server.port();
            Set<Long> first = awaitChildren(server, 2, Set.of());
            Files.setLastModifiedTime(script, java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis() + 5000));
            Set<Long> second = awaitChildren(server, 2, first);
            assertTrue(second.contains(pidOf(Http.get(port, "/"))));
            // The control process and every server process append to the one error log, whole lines each.
            Path log = server.root().resolve("error_log");
            long deadline = System.nanoTime() + LONG.toNanos();
            List<String> lines = List.of();
            while (System.nanoTime() < deadline) {
                lines = Files.readAllLines(log);
                if (lines.stream().filter(l -> l.contains("wsgi4j: stopped")).count() >= 2) {
                    break;
                }
                Thread.sleep(100);
            }
            assertTrue(lines.stream().anyMatch(l -> l.contains("[pid " + server.pid() + "]")
                    && l.contains("the WSGI script " + script + " changed")), String.join("\n", lines));
            for (long pid : first) {
                assertTrue(lines.stream().anyMatch(l -> l.contains("[pid " + pid + "]") && l.contains("wsgi4j: stopped")),
                        pid + " did not log its stop: " + String.join("\n", lines));
            }
            for (String line : lines) {
                assertTrue(line.matches("\\[[A-Z][a-z]{2} .*\\] \\[wsgi:[a-z]+\\] \\[pid \\d+\\] .*"), line);
            }
        }
    }

    @Test
    void sigtermStopsEveryServerProcessAndExitsZero() throws Exception {
        try (ServerProcess server = start("server_process.wsgi", "--server-mpm", "prefork", "--processes", "2")) {
            int port = server.port();
            assertEquals(200, Http.get(port, "/").status());
            Set<Long> children = awaitChildren(server, 2, Set.of());
            assertTrue(Posix.kill(server.pid(), Posix.SIGTERM));
            assertEquals(0, server.awaitExit(LONG), server.describe());
            for (long child : children) {
                assertFalse(ProcessHandle.of(child).map(ProcessHandle::isAlive).orElse(false), child + " survived");
            }
            assertFalse(Files.exists(server.root().resolve("wsgi4j.pid")));
        }
    }
}
