package io.wsgi4j.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wsgi4j.platform.Posix;
import io.wsgi4j.testing.Command;
import io.wsgi4j.testing.Http;
import io.wsgi4j.testing.ServerProcess;
import io.wsgi4j.testing.TestServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Graceful restarts of the whole group, under a steady load: SIGUSR1 and SIGHUP to the server,
 * {@code wsgi4j -k graceful}, and a change to the WSGI script. Processes are replaced one at a
 * time and no request fails.
 */
class GracefulRestartIT {
    @TempDir
    Path dir;

    /** Clients sending requests one after another until stopped; every answer is recorded. */
    private static final class Load implements AutoCloseable {
        private final ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor();
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final AtomicInteger served = new AtomicInteger();
        private final List<String> failures = new CopyOnWriteArrayList<>();
        private final Set<String> bodies = ConcurrentHashMap.newKeySet();
        private volatile Set<String> recent = ConcurrentHashMap.newKeySet();

        Load(int port, String target, int connections) {
            for (int i = 0; i < connections; i++) {
                clients.submit(() -> {
                    while (running.get()) {
                        try {
                            Http.Response response = Http.get(port, target);
                            if (response.status() == 200) {
                                served.incrementAndGet();
                                bodies.add(response.text());
                                recent.add(response.text());
                            } else {
                                failures.add(response.status() + " " + response.text());
                            }
                        } catch (Exception e) {
                            failures.add(e.toString());
                        }
                    }
                    return null;
                });
            }
        }

        /** Forgets which processes answered so far; returns those that did. */
        Set<String> resetRecent() {
            Set<String> before = recent;
            recent = ConcurrentHashMap.newKeySet();
            return before;
        }

        /** Waits for answers from a set of processes of which none is in {@code old}. */
        Set<String> awaitOnlyNew(Set<String> old, int processes) throws InterruptedException {
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (System.nanoTime() < deadline) {
                resetRecent();
                Thread.sleep(500);
                Set<String> now = Set.copyOf(recent);
                if (now.size() >= processes && now.stream().noneMatch(old::contains)) {
                    return now;
                }
            }
            throw new AssertionError("old processes still answer: " + old + " vs " + recent);
        }

        @Override
        public void close() {
            running.set(false);
            clients.close();
        }
    }

    private static String awaitLog(Path log, Predicate<String> matches) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            if (Files.exists(log)) {
                for (String line : Files.readAllLines(log, StandardCharsets.UTF_8)) {
                    if (matches.test(line)) {
                        return line;
                    }
                }
            }
            Thread.sleep(50);
        }
        throw new AssertionError("no matching line in " + log + ":\n" + Files.readString(log));
    }

    private static long count(Path log, String text) throws Exception {
        return Files.readAllLines(log, StandardCharsets.UTF_8).stream().filter(l -> l.contains(text)).count();
    }

    @Test
    void signalsAndTheControlCommandRestartEveryProcessWithNoFailedRequest() throws Exception {
        try (ServerProcess server = ServerProcess.start("pid.wsgi", "--processes", "2", "--threads", "3")) {
            int port = server.port();
            Path log = server.root().resolve("error_log");
            try (Load load = new Load(port, "/?sleep=0.02", 8)) {
                Thread.sleep(1000);
                Set<String> first = load.awaitOnlyNew(Set.of(), 2);

                assertTrue(Posix.kill(server.pid(), Posix.SIGUSR1));
                Set<String> second = load.awaitOnlyNew(first, 2);
                awaitLog(log, l -> l.contains("restarting the processes of") && l.contains("SIGUSR1 received"));

                Command.Result control = Command.runJar(TestServer.APPS, "-k", "graceful", "--server-root",
                        server.root().toString());
                assertEquals(0, control.exitCode(), control.toString());
                Set<String> third = load.awaitOnlyNew(second, 2);

                assertTrue(Posix.kill(server.pid(), Posix.SIGHUP));
                load.awaitOnlyNew(third, 2);
                awaitLog(log, l -> l.contains("SIGHUP received"));
                load.close();

                assertEquals(List.of(), load.failures, "requests failed during the restarts");
                assertTrue(load.served.get() > 100, "only " + load.served.get() + " requests served");
                // Each restart replaced both processes, one at a time, each with its requests completed.
                assertEquals(6, count(log, "every request it took was completed"), Files.readString(log));
            }
            Command.Result stop = Command.runJar(TestServer.APPS, "-k", "stop", "--server-root", server.root().toString());
            assertEquals(0, stop.exitCode(), stop.toString());
            assertEquals(0, server.awaitExit(Duration.ofSeconds(30)));
        }
    }

    @Test
    void theControlCommandSaysWhenNoServerRuns() throws Exception {
        Command.Result result = Command.runJar(TestServer.APPS, "-k", "graceful", "--server-root", dir.toString());
        assertEquals(1, result.exitCode(), result.toString());
        assertEquals(List.of("wsgi4j: no server is running with the pid file " + dir.resolve("wsgi4j.pid")
                + " (give -k the --server-root, --pid-file or --host/--port that start-server was given)"),
                result.stderrLines());
        Command.Result wrong = Command.runJar(TestServer.APPS, "-k", "reload");
        assertEquals(2, wrong.exitCode(), wrong.toString());
    }

    @Test
    void changingTheScriptRestartsTheGroup() throws Exception {
        Path script = dir.resolve("app.wsgi");
        String app = """
                import os
                VERSION = b'%s'
                def application(environ, start_response):
                    start_response('200 OK', [('Content-Type', 'text/plain')])
                    return [VERSION]
                """;
        Files.writeString(script, app.formatted("one"));
        try (TestServer server = TestServer.start(script.toString(), "--processes", "2", "--threads", "2");
             Load load = new Load(server.port(), "/", 4)) {
            Thread.sleep(500);
            Files.writeString(script, app.formatted("two"));
            // A newer modification time, even on a file system with coarse timestamps.
            Files.setLastModifiedTime(script, java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis() + 2000));
            load.awaitOnlyNew(Set.of("one"), 1);
            load.close();
            assertEquals(List.of(), load.failures);
            server.awaitLogLine(l -> l.contains("the WSGI script " + script + " changed"), Duration.ofSeconds(5));
            assertEquals(2, server.server().processGroup().status().recycles().get(RecycleReason.SCRIPT_CHANGED));
        }
    }

    @Test
    void aNewVersionThatCannotStartLeavesTheOldOneServing() throws Exception {
        Path script = dir.resolve("app.wsgi");
        String app = """
                import time
                %s
                def application(environ, start_response):
                    start_response('200 OK', [('Content-Type', 'text/plain')])
                    return [b'%s']
                """;
        Files.writeString(script, app.formatted("", "one"));
        try (TestServer server = TestServer.start(script.toString(), "--processes", "2", "--threads", "2",
                "--startup-timeout", "1");
             Load load = new Load(server.port(), "/", 4)) {
            Thread.sleep(500);
            Files.writeString(script, app.formatted("time.sleep(3600)", "two"));
            Files.setLastModifiedTime(script, java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis() + 2000));
            server.awaitLogLine(l -> l.contains("is still importing the application after 1 s"), Duration.ofSeconds(10));
            server.awaitLogLine(l -> l.contains("failed 2 times in a row"), Duration.ofSeconds(15));
            assertEquals(List.of(), load.failures, "the old version stopped serving");
            assertEquals(Set.of("one"), load.resetRecent());

            Files.writeString(script, app.formatted("", "three"));
            Files.setLastModifiedTime(script, java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis() + 4000));
            load.awaitOnlyNew(Set.of("one"), 1);
            assertTrue(server.server().awaitWorkers(Duration.ofSeconds(30)));
            load.close();
            assertEquals(List.of(), load.failures);
        }
    }

    @Test
    void reloadOnChangesWatchesTheModulesTheApplicationImported() throws Exception {
        Path module = dir.resolve("helper_for_reload.py");
        Files.writeString(module, "VALUE = b'one'\n");
        Files.writeString(dir.resolve("reloading_app.py"), """
                import helper_for_reload
                def application(environ, start_response):
                    start_response('200 OK', [('Content-Type', 'text/plain')])
                    return [helper_for_reload.VALUE]
                """);
        try (TestServer server = TestServer.start("reloading_app", "--application-type", "module",
                "--python-path", dir.toString(), "--reload-on-changes", "--processes", "2");
             Load load = new Load(server.port(), "/", 4)) {
            Thread.sleep(1500);
            Files.writeString(module, "VALUE = b'two'\n");
            Files.setLastModifiedTime(module, java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis() + 2000));
            load.awaitOnlyNew(Set.of("one"), 1);
            load.close();
            assertEquals(List.of(), load.failures);
            server.awaitLogLine(l -> l.contains(module + " changed (--reload-on-changes)"), Duration.ofSeconds(5));
        }
    }
}
