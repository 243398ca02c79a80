package io.wsgi4j.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wsgi4j.platform.FileSafety;
import io.wsgi4j.platform.Posix;
import io.wsgi4j.testing.Command;
import io.wsgi4j.testing.Http;
import io.wsgi4j.testing.ServerProcess;
import io.wsgi4j.testing.TempTrees;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A server started as root, tried as another local user (nobody) would: the server root, its pid
 * file and logs, the code it runs, and who its processes run as under --user. These tests need
 * root (CI runs as root) and are skipped otherwise, saying why.
 *
 * <p>Everything the unprivileged processes need is put where nobody can read it: a copy of the
 * jar and the application in a directory of mode 0755, and Debian's /usr/bin/python3 (pyenv's
 * builds live under /root, which nobody cannot enter).
 */
class RootSafetyIT {
    private static final Path PYTHON = Path.of("/usr/bin/python3");
    private static final Path SETPRIV = Path.of("/usr/bin/setpriv");
    private static final String NOBODY = "65534";
    private static final Duration START = Duration.ofSeconds(60);

    private static Path shared;
    private static Path jar;
    private static Path app;

    @BeforeAll
    static void asRoot() throws Exception {
        Assumptions.assumeTrue(Posix.uid() == 0, "these tests start the server as root and act as another local "
                + "user (nobody); run the suite as root (CI does) to run them");
        Assumptions.assumeTrue(Files.isExecutable(SETPRIV), "setpriv (util-linux) is needed to act as nobody");
        Assumptions.assumeTrue(Files.isExecutable(PYTHON), PYTHON + " is needed: pyenv's Pythons are under /root, "
                + "which nobody cannot enter");
        assertEquals(NOBODY, Command.run(List.of("id", "-u", "nobody"), Path.of("/"), Map.of(), START).stdout().trim());
        shared = Files.createTempDirectory("w4j-root-safety");
        Files.setPosixFilePermissions(shared, PosixFilePermissions.fromString("rwxr-xr-x"));
        jar = Files.copy(Command.jar(), shared.resolve("wsgi4j.jar"), StandardCopyOption.REPLACE_EXISTING);
        app = Files.writeString(shared.resolve("who.wsgi"), """
                import os
                def application(environ, start_response):
                    body = environ['wsgi.input'].read()
                    start_response('200 OK', [('Content-Type', 'text/plain')])
                    return [('%d %d %d %s %d' % (os.getuid(), os.geteuid(), os.getgid(), os.getgroups(),
                                                  len(body))).encode()]
                """);
        for (Path p : List.of(jar, app)) {
            Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rw-r--r--"));
        }
    }

    @AfterAll
    static void cleanUp() {
        if (shared != null) {
            TempTrees.delete(shared);
        }
    }

    /** Runs a shell command as nobody. */
    private static Command.Result asNobody(String shell) throws Exception {
        return Command.run(List.of(SETPRIV.toString(), "--reuid=" + NOBODY, "--regid=" + NOBODY, "--clear-groups",
                "--", "sh", "-c", shell), Path.of("/"), Map.of(), START);
    }

    /** The server started as root with the copied jar, from the shared directory. */
    private static ServerProcess start(Path root, String... options) throws IOException {
        List<String> all = new ArrayList<>(List.of("--python", PYTHON.toString(), "--working-directory",
                shared.toString()));
        all.addAll(List.of(options));
        return ServerProcess.startCommand(Command.jarCommand(jar, List.of(), List.of()), shared, root, app.toString(),
                all.toArray(String[]::new));
    }

    /** A file only root can read, standing for what an attacker would like overwritten. */
    private static Path precious(String name) throws IOException {
        Path file = Files.writeString(shared.resolve(name), "precious\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        return file;
    }

    @Test
    void aServerRootAnotherUserMadeIsRefusedWithItsLinksUntouched() throws Exception {
        // The attack: before root starts wsgi4j with its default server root, nobody makes that directory,
        // open to all, with the pid file and the error log as links to files of their choosing.
        String name = "rootsafety-" + Integer.toHexString(new Random().nextInt());
        Path root = Path.of("/tmp/wsgi4j-" + name + ":0:0");
        Path pidTarget = precious("pid-target");
        Path logTarget = precious("log-target");
        try {
            assertEquals(0, asNobody("mkdir -m 0777 '" + root + "' && ln -s " + pidTarget + " '" + root
                    + "/wsgi4j.pid' && ln -s " + logTarget + " '" + root + "/error_log'").exitCode());
            for (boolean embedded : List.of(false, true)) {
                List<String> args = new ArrayList<>(List.of("start-server", app.toString(), "--port", "0",
                        "--server-name", name, "--python", PYTHON.toString()));
                if (embedded) {
                    args.add("--embedded-mode");
                }
                Command.Result result = Command.run(Command.jarCommand(jar, List.of(), args), shared, Map.of(), START);
                assertEquals(1, result.exitCode(), result.toString());
                assertTrue(result.stderr().contains("wsgi4j: could not start: the server root " + root
                        + " belongs to another user (owner nobody (uid 65534), group nogroup, mode 0777 (drwxrwxrwx))"),
                        result.toString());
                assertTrue(result.stderr().contains("remove it, or choose another directory with --server-root"),
                        result.toString());
                assertEquals("precious\n", Files.readString(pidTarget));
                assertEquals("precious\n", Files.readString(logTarget));
                assertFalse(Files.exists(root.resolve("python"), LinkOption.NOFOLLOW_LINKS), "nothing was unpacked");
            }
            // Not writable by others, but still nobody's: refused the same.
            assertEquals(0, asNobody("chmod 0700 '" + root + "'").exitCode());
            Command.Result again = Command.run(Command.jarCommand(jar, List.of(), List.of("start-server",
                    app.toString(), "--port", "0", "--server-name", name, "--python", PYTHON.toString())), shared,
                    Map.of(), START);
            assertEquals(1, again.exitCode(), again.toString());
            assertTrue(again.stderr().contains("belongs to another user (owner nobody (uid 65534), group nogroup, mode "
                    + "0700 (drwx------))"), again.toString());
        } finally {
            TempTrees.delete(root);
        }
    }

    @Test
    void linksPlantedInAFreshServerRootAreRefusedAndTheirTargetsUntouched() throws Exception {
        for (boolean embedded : List.of(false, true)) {
            for (String planted : List.of("wsgi4j.pid", "error_log", "access_log")) {
                Path root = Files.createTempDirectory("w4j-planted");
                Path target = precious("target-" + planted);
                Files.createSymbolicLink(root.resolve(planted), target);
                List<String> options = new ArrayList<>(List.of("--user", "nobody", "--access-log"));
                if (embedded) {
                    options.add("--embedded-mode");
                }
                try (ServerProcess server = start(root, options.toArray(String[]::new))) {
                    assertEquals(1, server.awaitExit(START), server.describe());
                    String what = switch (planted) {
                        case "wsgi4j.pid" -> "the pid file";
                        case "error_log" -> "the error log";
                        default -> "the access log";
                    };
                    assertTrue(server.stderr().stream().anyMatch(l -> l.contains(what + " " + root.resolve(planted)
                            + " is a symbolic link (to " + target + "): wsgi4j never writes through a link")),
                            server.describe());
                    assertEquals("precious\n", Files.readString(target), planted + " was written through");
                    assertTrue(Files.isSymbolicLink(root.resolve(planted)));
                }
            }
        }
    }

    @Test
    void theTakeoverFailsAndNoPythonRunsAsRootInDaemonMode() throws Exception {
        Path root = Files.createTempDirectory("w4j-daemon-user");
        try (ServerProcess server = start(root, "--user", "nobody", "--group", "nogroup", "--processes", "2",
                "--threads", "2")) {
            int port = server.port();
            assertServesAsNobody(port);
            List<Long> daemonProcesses = server.process().descendants().map(ProcessHandle::pid).toList();
            assertEquals(2, daemonProcesses.size(), server.describe());
            // The server JVM itself parses HTTP: it became nobody once its port and logs were open.
            assertRunsAsNobody(server.pid());
            daemonProcesses.forEach(RootSafetyIT::assertRunsAsNobody);
            assertNoPythonRunsAsRoot(server.pid());

            // nobody cannot change the code the next daemon process runs, nor open the server root up.
            Path module = root.resolve("python/wsgi4j_worker/__init__.py");
            String before = Files.readString(module);
            assertNotEquals(0, asNobody("echo 'import os; os.system(\"id > /tmp/owned\")' > " + module).exitCode());
            assertNotEquals(0, asNobody("chmod 0777 " + root).exitCode());
            assertNotEquals(0, asNobody("ln -sf /etc/passwd " + root.resolve("wsgi4j.pid")).exitCode());
            assertEquals(before, Files.readString(module));
            assertEquals("rwx--x---", PosixFilePermissions.toString(Files.getPosixFilePermissions(root)));

            // A graceful restart starts new daemon processes: still nobody, still the runtime root unpacked.
            Command.Result restart = Command.run(Command.jarCommand(jar, List.of(),
                    List.of("-k", "graceful", "--server-root", root.toString())), shared, Map.of(), START);
            assertEquals(0, restart.exitCode(), restart.toString());
            long deadline = System.nanoTime() + START.toNanos();
            while (server.process().descendants().anyMatch(p -> daemonProcesses.contains(p.pid()))
                    && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            assertServesAsNobody(port);
            assertNoPythonRunsAsRoot(server.pid());
            server.stop();
            assertEquals("", Files.readString(root.resolve("wsgi4j.pid")), "emptied: nobody may not delete it");
        } finally {
            TempTrees.delete(root);
        }
    }

    @Test
    void embeddedWorkerModeRunsItsServerProcessesAsNobodyAndItsControlHoldsNoPython() throws Exception {
        Path root = Files.createTempDirectory("w4j-embedded-user");
        try (ServerProcess server = start(root, "--user", "nobody", "--group", "nogroup", "--embedded-mode",
                "--server-mpm", "worker", "--processes", "2", "--threads", "4", "--access-log")) {
            int port = server.port();
            assertServesAsNobody(port);
            List<Long> serverProcesses = server.process().children().map(ProcessHandle::pid).toList();
            assertEquals(2, serverProcesses.size(), server.describe());
            for (long pid : serverProcesses) {
                assertRunsAsNobody(pid);
                assertTrue(maps(pid).contains("libpython"), "the application runs in server process " + pid);
            }
            // The control process stays root, and never loads Python.
            assertEquals("0", status(server.pid(), "Uid").getFirst());
            assertFalse(maps(server.pid()).contains("libpython"), "libpython in the control process");
            assertNoPythonRunsAsRoot(server.pid());
            // The logs stay root's: the server processes write to descriptors the control process opened.
            assertEquals(0, FileSafety.uid(root.resolve("access_log")));
            // The entry is written once the exchange has completed, which may be just after the client has its answer.
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (!Files.readString(root.resolve("access_log")).contains("\"POST / HTTP/1.1\" 200")) {
                assertTrue(System.nanoTime() < deadline, "no access log entry: " + Files.readString(root.resolve("access_log")));
                Thread.sleep(20);
            }
            assertEquals(0, FileSafety.uid(root.resolve("error_log")));
            assertNotEquals(0, asNobody("cat " + root.resolve("error_log")).exitCode(), "nobody reads root's log");
        } finally {
            TempTrees.delete(root);
        }
    }

    @Test
    void rootWithoutUserIsToldOnceWhatItRisks() throws Exception {
        for (List<String> mode : List.of(List.<String>of(), List.of("--embedded-mode", "--processes", "2"))) {
            Path root = Files.createTempDirectory("w4j-as-root");
            try (ServerProcess server = start(root, mode.toArray(String[]::new))) {
                server.port();
                assertTrue(Http.get(server.port(), "/").text().startsWith("0 0 0 "), "as root, as asked");
                server.stop();
                assertEquals(1, server.stderr().stream().filter(l -> l.startsWith("wsgi4j: WARNING: started as root "
                        + "with no --user: the application and the HTTP server run as root")).count(), server.describe());
            } finally {
                TempTrees.delete(root);
            }
        }
    }

    @Test
    void notStartedAsRootAnotherUserIsAnError() throws Exception {
        List<String> command = new ArrayList<>(List.of(SETPRIV.toString(), "--reuid=" + NOBODY, "--regid=" + NOBODY,
                "--clear-groups", "--"));
        command.addAll(Command.jarCommand(jar, List.of(), List.of("start-server", app.toString(), "--user", "root",
                "--python", PYTHON.toString(), "--server-root", "/tmp/never-made")));
        Command.Result result = Command.run(command, shared, Map.of("HOME", "/"), START);
        assertEquals(1, result.exitCode(), result.toString());
        assertEquals("wsgi4j: option --user root: only a server started as root can run as another user or group, and "
                + "this one runs as nobody (uid 65534), group nogroup (gid 65534)", result.stderr().strip());
    }

    @Test
    void aPathTheUserCannotReadIsNamedBeforeAnythingStarts() throws Exception {
        Path root = Files.createTempDirectory("w4j-unreadable");
        Path hidden = Files.createTempDirectory("w4j-hidden");
        Path script = Files.copy(app, hidden.resolve("app.wsgi"));
        try {
            Command.Result result = Command.run(Command.jarCommand(jar, List.of(), List.of("start-server",
                    script.toString(), "--user", "nobody", "--python", PYTHON.toString(), "--working-directory",
                    shared.toString(), "--server-root", root.toString())), shared, Map.of(), START);
            assertEquals(1, result.exitCode(), result.toString());
            assertTrue(result.stderr().contains("the WSGI script " + script + " cannot be read by nobody (uid 65534), "
                    + "group nogroup (gid 65534), who runs the application (--user)"), result.toString());
            assertFalse(Files.exists(root.resolve("python")), "nothing started");
        } finally {
            TempTrees.delete(root);
            TempTrees.delete(hidden);
        }
    }

    private static void assertServesAsNobody(int port) throws IOException {
        assertEquals("65534 65534 65534 [65534] 0", Http.get(port, "/").text());
        // Over a MiB: spooled to a file in run/, which nobody's Python opens.
        byte[] body = new byte[3 << 20];
        new Random(7).nextBytes(body);
        Http.Response upload = Http.exchange(port, concat(("POST / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
                + "Content-Length: " + body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII), body));
        assertEquals("65534 65534 65534 [65534] " + body.length, upload.text());
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] all = new byte[a.length + b.length];
        System.arraycopy(a, 0, all, 0, a.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }

    private static void assertRunsAsNobody(long pid) {
        for (String field : List.of("Uid", "Gid")) {
            assertEquals(List.of(NOBODY, NOBODY, NOBODY, NOBODY), status(pid, field), field + " of process " + pid);
        }
        assertEquals(List.of(NOBODY), status(pid, "Groups"), "supplementary groups of process " + pid);
    }

    /** No process of the server's tree that holds Python (the interpreter or libpython) runs as root. */
    private static void assertNoPythonRunsAsRoot(long serverPid) {
        List<ProcessHandle> tree = new ArrayList<>();
        ProcessHandle.of(serverPid).ifPresent(tree::add);
        ProcessHandle.of(serverPid).ifPresent(p -> p.descendants().forEach(tree::add));
        for (ProcessHandle process : tree) {
            String maps = maps(process.pid());
            Optional<String> exe = process.info().command();
            boolean python = maps.contains("libpython") || exe.map(e -> e.contains("python")).orElse(false);
            if (python) {
                assertEquals(NOBODY, status(process.pid(), "Uid").get(1), "process " + process.pid() + " (" + exe
                        + ") runs Python as root");
            }
        }
    }

    private static List<String> status(long pid, String field) {
        try {
            return Files.readAllLines(Path.of("/proc/" + pid + "/status")).stream()
                    .filter(l -> l.startsWith(field + ":"))
                    .map(l -> List.of(l.substring(field.length() + 1).trim().split("\\s+")))
                    .findFirst().orElseThrow();
        } catch (IOException e) {
            throw new AssertionError("process " + pid + " has gone", e);
        }
    }

    private static String maps(long pid) {
        try {
            return Files.readString(Path.of("/proc/" + pid + "/maps"));
        } catch (IOException e) {
            return "";
        }
    }
}
