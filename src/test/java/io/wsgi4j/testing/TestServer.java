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
 * A real wsgi4j server started in the test's JVM from start-server arguments, on a free port,
 * with its own server root; its daemon processes are real python3 workers.
 */
public final class TestServer implements AutoCloseable {
    /** The directory of the test applications (src/test/resources/apps). */
    public static final Path APPS = Path.of("src/test/resources/apps").toAbsolutePath();

    private final Wsgi4jServer server;
    private final ServerConfig config;
    private final Path root;

    private TestServer(Wsgi4jServer server, ServerConfig config, Path root) {
        this.server = server;
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
        if (!started.server.awaitWorkers(Duration.ofSeconds(30))) {
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
        PythonInterpreter python = PythonInterpreter.locate(config.daemon().python(), APPS);
        Wsgi4jServer server = Wsgi4jServer.start(config, python, BuildInfo.load());
        return new TestServer(server, config, root);
    }

    /** Starts a server whose daemon processes run this Python, which must be present. */
    public static TestServer start(Pythons.Python python, String script, String... options) throws Exception {
        List<String> all = new ArrayList<>(List.of("--python", python.require().toString()));
        all.addAll(List.of(options));
        return start(script, all.toArray(String[]::new));
    }

    public int port() {
        return server.port();
    }

    public Wsgi4jServer server() {
        return server;
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
        server.close();
        TempTrees.delete(root);
    }
}
