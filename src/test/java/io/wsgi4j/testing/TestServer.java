package io.wsgi4j.testing;

import io.wsgi4j.cli.ArgumentParser;
import io.wsgi4j.cli.ConfigBuilder;
import io.wsgi4j.cli.ParsedArguments;
import io.wsgi4j.cli.StartServerOptions;
import io.wsgi4j.config.ServerConfig;
import io.wsgi4j.platform.Posix;
import io.wsgi4j.python.PythonInterpreter;
import io.wsgi4j.server.BuildInfo;
import io.wsgi4j.server.Wsgi4jServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * A real wsgi4j server started from start-server arguments, on a free port, with its own server
 * root. In daemon mode it runs in the test's JVM and its daemon processes are real python3
 * workers; in embedded mode (Python loaded into the server's JVM, one interpreter per process)
 * it is a server process of its own.
 */
public final class TestServer implements AutoCloseable {
    /** The directory of the test applications (src/test/resources/apps). */
    public static final Path APPS = Path.of("src/test/resources/apps").toAbsolutePath();

    private final Wsgi4jServer server;
    private final ServerProcess process;
    private final int port;
    private final ServerConfig config;
    private final Path root;

    private TestServer(Wsgi4jServer server, ServerProcess process, int port, ServerConfig config, Path root) {
        this.server = server;
        this.process = process;
        this.port = port;
        this.config = config;
        this.root = root;
    }

    /**
     * Starts a server for a test application.
     *
     * @param script  a file name in {@link #APPS}, an absolute path, or a module with --application-type module
     * @param options further start-server options
     */
    public static TestServer start(String script, String... options) throws Exception {
        TestServer started = startWithoutWaiting(script, options);
        if (started.server != null && !started.server.awaitWorkers(Duration.ofSeconds(30))) {
            String log = started.errorLogText();
            started.close();
            throw new IllegalStateException("the daemon processes did not connect within 30 s; error log:\n" + log);
        }
        return started;
    }

    /** Starts a server as {@link #start} does, without waiting for its daemon processes to load the application. */
    public static TestServer startWithoutWaiting(String script, String... options) throws Exception {
        Path root = Files.createTempDirectory("w4j");
        List<String> args = new ArrayList<>(List.of(script, "--port", "0", "--server-root", root.toString()));
        args.addAll(List.of(options));
        ParsedArguments parsed = new ArgumentParser(StartServerOptions.ALL).parse(args);
        ServerConfig config = ConfigBuilder.build(parsed, APPS, Posix.uid());
        if (config.model().embedded()) {
            ServerProcess process = ServerProcess.startIn(root, script, options);
            try {
                return new TestServer(null, process, process.port(), config, root);
            } catch (AssertionError e) {
                process.close();
                throw e;
            }
        }
        PythonInterpreter python = PythonInterpreter.locate(config.daemon().python(), APPS);
        Wsgi4jServer server = Wsgi4jServer.start(config, python, BuildInfo.load());
        return new TestServer(server, null, server.port(), config, root);
    }

    /**
     * Starts a server that runs this Python, which must be present, in the mode it names. Embedded
     * mode runs under the worker MPM unless the options say otherwise: its requests then run on the
     * selector thread that read them when they can (MpmIT and EmbeddedIT cover the other MPMs).
     */
    public static TestServer start(Pythons.Python python, String script, String... options) throws Exception {
        List<String> all = new ArrayList<>(List.of("--python", python.require().toString()));
        if (python.embedded()) {
            all.add("--embedded-mode");
            if (!List.of(options).contains("--server-mpm")) {
                all.addAll(List.of("--server-mpm", "worker"));
            }
        }
        all.addAll(List.of(options));
        return start(script, all.toArray(String[]::new));
    }

    public int port() {
        return port;
    }

    /** Whether the application runs inside the server process (embedded mode). */
    public boolean embedded() {
        return config.model().embedded();
    }

    /** The server, when it runs in the test's JVM (daemon mode). */
    public Wsgi4jServer server() {
        if (server == null) {
            throw new IllegalStateException("an embedded-mode server runs in a process of its own");
        }
        return server;
    }

    /** The server's process id: the test's JVM in daemon mode, its own in embedded mode. */
    public long pid() {
        return process != null ? process.pid() : ProcessHandle.current().pid();
    }

    public ServerConfig config() {
        return config;
    }

    public Path root() {
        return root;
    }

    public Path errorLog() {
        return config.logging().errorLogFile().orElseThrow();
    }

    /** Everything in the error log so far. */
    public String errorLogText() throws IOException {
        return Files.exists(errorLog()) ? Files.readString(errorLog(), StandardCharsets.UTF_8) : "";
    }

    /** Waits up to {@code timeout} for an error-log line that matches; returns it. */
    public String awaitLogLine(Predicate<String> matches, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            for (String line : errorLogText().lines().toList()) {
                if (matches.test(line)) {
                    return line;
                }
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no matching error-log line within " + timeout + "; the log:\n" + errorLogText());
            }
            Thread.sleep(50);
        }
    }

    /** The error-log lines tagged with this request id. */
    public List<String> logLinesOf(String requestId) throws IOException {
        String tag = "[request " + requestId + "]";
        return errorLogText().lines().filter(line -> line.contains(tag)).toList();
    }

    public Http.Response get(String target) throws IOException {
        return Http.get(port(), target);
    }

    public Http.Response exchange(String request) throws IOException {
        return Http.exchange(port(), request);
    }

    @Override
    public void close() {
        if (server != null) {
            server.close();
            TempTrees.delete(root);
        } else {
            process.stop();
            process.close();
        }
    }
}
