package io.wsgi4j.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wsgi4j.platform.Posix;
import io.wsgi4j.testing.Command;
import io.wsgi4j.testing.Http;
import io.wsgi4j.testing.ServerProcess;
import io.wsgi4j.testing.TestServer;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The server as its own process: the banner on stdout, --log-to-terminal, and a graceful stop on SIGTERM
 * or SIGINT that finishes the request in progress, stops the daemon processes and exits with status 0.
 */
class ServerProcessIT {
    private static final String TIME = "\\[(Mon|Tue|Wed|Thu|Fri|Sat|Sun) [A-Z][a-z]{2} \\d\\d \\d\\d:\\d\\d:\\d\\d\\.\\d{6} \\d{4}\\]";
    private static final String ACCESS_TIME = "\\[\\d\\d/[A-Z][a-z]{2}/\\d{4}:\\d\\d:\\d\\d:\\d\\d [+-]\\d{4}\\]";

    @ParameterizedTest(name = "SIG{0}, SIGINT inherited as ignored: {2}")
    @CsvSource({"TERM, 15, false", "INT, 2, false", "INT, 2, true"})
    void signalStopsGracefully(String name, int signal, boolean sigintIgnored) throws Exception {
        // A server name of its own makes the daemon processes' title, (wsgi:NAME:0:UID), unique to this test.
        String serverName = "stop-" + name.toLowerCase() + "-" + UUID.randomUUID().toString().substring(0, 8);
        try (ServerProcess server = ServerProcess.start(sigintIgnored, "tiny.wsgi", "--log-to-terminal", "--access-log",
                "--server-name", serverName)) {
            int port = server.port();
            if (sigintIgnored) {
                assertFalse(ignoresSigint(server.pid()), "the server still ignores SIGINT, as it inherited");
            }
            // The port comes from the banner's first line; the rest may still be on its way.
            server.awaitStdout(line -> line.startsWith("Request Body Limit "), Duration.ofSeconds(10));
            bannerIsModWsgiExpresss(server.stdout(), serverName, port);

            assertEquals("hello", Http.get(port, "/").text());
            List<Long> workers = server.process().descendants().map(ProcessHandle::pid).toList();
            assertFalse(workers.isEmpty(), "no daemon process");
            assertFalse(titled(serverName).isEmpty(), "no process titled (wsgi:" + serverName + ":...)");

            // The request in progress waits for a file the test creates once it has seen the server stop accepting.
            Path gate = server.root().resolve("gate");
            CompletableFuture<Http.Response> inFlight = CompletableFuture.supplyAsync(() -> {
                try {
                    return Http.get(port, "/wait?" + gate);
                } catch (IOException e) {
                    throw new RuntimeException(e);
                }
            }, r -> Thread.ofVirtual().start(r));
            // The app writes "waiting" to wsgi.errors: with --log-to-terminal that is an error-log line on stderr.
            String waiting = server.awaitStderr(l -> l.endsWith("] waiting"), Duration.ofSeconds(30));
            assertTrue(waiting.matches(TIME + " \\[wsgi:error\\] \\[pid \\d+\\] \\[client 127\\.0\\.0\\.1:\\d+\\] "
                    + "\\[request \\S+\\] waiting"), waiting);

            assertTrue(Posix.kill(server.pid(), signal));
            awaitRefused(port);
            assertFalse(inFlight.isDone(), "the request in progress ended before it was let go");
            Files.createFile(gate);

            Http.Response response = inFlight.get(30, TimeUnit.SECONDS);
            assertEquals(200, response.status(), server.describe());
            assertEquals("hello", response.text());

            assertEquals(0, server.awaitExit(Duration.ofSeconds(30)), server.describe());
            for (long pid : workers) {
                assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false),
                        "daemon process " + pid + " outlived the server");
            }
            assertEquals(List.of(), titled(serverName), "(wsgi: processes left running");

            // --log-to-terminal: the access log went to stdout, in Apache's combined format.
            List<String> access = server.stdout().stream().filter(l -> l.startsWith("127.0.0.1 ")).toList();
            assertEquals(2, access.size(), server.describe());
            assertTrue(access.get(0).matches("127\\.0\\.0\\.1 - - " + ACCESS_TIME + " \"GET / HTTP/1\\.1\" 200 5 \"-\" \"-\""),
                    access.get(0));
            assertTrue(access.get(1).matches("127\\.0\\.0\\.1 - - " + ACCESS_TIME
                    + " \"GET /wait\\?" + Pattern.quote(gate.toString()) + " HTTP/1\\.1\" 200 5 \"-\" \"-\""),
                    access.get(1));
            assertTrue(server.stderr().stream().noneMatch(l -> l.startsWith("127.0.0.1 ")), "access log on stderr");
            assertTrue(server.stderr().getLast().matches(TIME + " \\[wsgi:notice\\] \\[pid " + server.pid()
                    + "\\] wsgi4j: stopped"), server.describe());
        }
    }

    /** Whether a process ignores SIGINT (its bit in SigIgn of /proc/PID/status). */
    @Test
    void aSecondServerInTheSameServerRootIsRefusedAndTheFirstKeepsServing() throws Exception {
        try (ServerProcess first = ServerProcess.start("tiny.wsgi")) {
            int port = first.port();
            Command.Result second = Command.runJar(TestServer.APPS, "start-server", "tiny.wsgi", "--port", "0",
                    "--server-root", first.root().toString());
            assertEquals(1, second.exitCode(), second.toString());
            assertEquals(List.of("wsgi4j: could not start: a wsgi4j server (pid " + first.pid() + ") is already running "
                    + "with the pid file " + first.root().resolve("wsgi4j.pid") + "; stop it (wsgi4j -k stop with the "
                    + "same options) or give another --server-root or --pid-file"), second.stderrLines());
            assertEquals("hello", Http.get(port, "/").text());
            assertTrue(Files.exists(first.root().resolve("run/wsgi.sock")));
            assertEquals(first.pid() + "\n", Files.readString(first.root().resolve("wsgi4j.pid")));
        }
    }

    private static boolean ignoresSigint(long pid) throws IOException {
        long ignored = Files.readAllLines(Path.of("/proc", Long.toString(pid), "status")).stream()
                .filter(l -> l.startsWith("SigIgn:")).map(l -> Long.parseLong(l.substring(7).trim(), 16))
                .findFirst().orElseThrow();
        return (ignored & (1L << (Posix.SIGINT - 1))) != 0;
    }

    /** Waits until connections to the port are refused. */
    private static void awaitRefused(int port) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < deadline) {
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
            } catch (ConnectException e) {
                return;
            } catch (IOException e) {
                throw new AssertionError("connecting failed otherwise than by refusal", e);
            }
            Thread.sleep(20);
        }
        throw new AssertionError("still accepting connections 10 s after the signal");
    }

    private static void bannerIsModWsgiExpresss(List<String> stdout, String serverName, int port) {
        List<String> banner = stdout.stream().takeWhile(l -> !l.startsWith("127.0.0.1 ")).toList();
        assertEquals("Server URL         : http://" + serverName + ":" + port + "/", banner.getFirst());
        assertTrue(banner.contains("Operating Mode     : daemon"), String.join("\n", banner));
        assertTrue(banner.contains("Request Capacity   : 5 (1 process * 5 threads)"), String.join("\n", banner));
        assertTrue(banner.contains("Socket Timeout     : 60 (seconds)"), String.join("\n", banner));
        assertTrue(banner.contains("Keep Alive Timeout : 2 (seconds)"), String.join("\n", banner));
        assertTrue(banner.contains("Graceful Timeout   : 15 (seconds)"), String.join("\n", banner));
        assertTrue(banner.contains("Error Log File     : (terminal) (warn)"), String.join("\n", banner));
        assertTrue(banner.contains("Access Log File    : (terminal)"), String.join("\n", banner));
    }

    /** The pids of processes whose command line shows the daemon title for this server name. */
    private static List<Long> titled(String serverName) throws IOException {
        byte[] title = ("(wsgi:" + serverName + ":").getBytes(StandardCharsets.UTF_8);
        List<Long> pids = new ArrayList<>();
        try (DirectoryStream<Path> procs = Files.newDirectoryStream(Path.of("/proc"), "[0-9]*")) {
            for (Path proc : procs) {
                byte[] cmdline;
                try {
                    cmdline = Files.readAllBytes(proc.resolve("cmdline"));
                } catch (IOException e) {
                    continue;  // it exited meanwhile
                }
                if (new String(cmdline, StandardCharsets.UTF_8).contains(new String(title, StandardCharsets.UTF_8))) {
                    pids.add(Long.parseLong(proc.getFileName().toString()));
                }
            }
        }
        return pids;
    }
}
