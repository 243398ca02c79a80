package io.wsgi4j.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A wsgi4j server running as its own process ({@code java -jar wsgi4j.jar start-server ...}), for what only a
 * process boundary shows: the banner on stdout, --log-to-terminal, signals, exit status.
 */
public final class ServerProcess implements AutoCloseable {
    private static final Pattern SERVER_URL = Pattern.compile("^Server URL\\s+: http://[^:/]+:(\\d+)/");

    private final Process process;
    private final Path root;
    private final List<String> stdout = new CopyOnWriteArrayList<>();
    private final List<String> stderr = new CopyOnWriteArrayList<>();

    private ServerProcess(Process process, Path root) {
        this.process = process;
        this.root = root;
        Thread.ofVirtual().start(() -> pump(process.getInputStream(), stdout));
        Thread.ofVirtual().start(() -> pump(process.getErrorStream(), stderr));
    }

    /**
     * Starts {@code start-server SCRIPT --port 0 --server-root TMP options...} in {@link TestServer#APPS}.
     *
     * @param script a file in the test applications, or an absolute path
     */
    public static ServerProcess start(String script, String... options) throws IOException {
        return start(false, script, options);
    }

    /**
     * Starts the server as {@link #start} does, optionally with SIGINT ignored, as a shell without job control
     * leaves it in the commands it runs in the background.
     */
    public static ServerProcess start(boolean sigintIgnored, String script, String... options) throws IOException {
        return start(sigintIgnored, List.of(), script, options);
    }

    /** Starts the server as {@link #start} does, its JVM with these options too (a small heap, a GC log). */
    public static ServerProcess startWithJvmOptions(List<String> jvmOptions, String script, String... options)
            throws IOException {
        return start(false, jvmOptions, script, options);
    }

    /** Starts {@code start-server SCRIPT --port 0 --server-root ROOT options...}, with this server root. */
    public static ServerProcess startIn(Path root, String script, String... options) throws IOException {
        return start(false, List.of(), root, script, options);
    }

    /**
     * Starts {@code COMMAND start-server SCRIPT --port 0 --server-root ROOT options...} in {@code directory}:
     * a copy of the jar, say, run through another program.
     */
    public static ServerProcess startCommand(List<String> command, Path directory, Path root, String script,
                                             String... options) throws IOException {
        List<String> all = new ArrayList<>(command);
        all.addAll(List.of("start-server", script, "--port", "0", "--server-root", root.toString()));
        all.addAll(List.of(options));
        Process process = new ProcessBuilder(all).directory(directory.toFile()).start();
        process.getOutputStream().close();
        return new ServerProcess(process, root);
    }

    private static ServerProcess start(boolean sigintIgnored, List<String> jvmOptions, String script, String... options)
            throws IOException {
        return start(sigintIgnored, jvmOptions, Files.createTempDirectory("w4jp"), script, options);
    }

    private static ServerProcess start(boolean sigintIgnored, List<String> jvmOptions, Path root, String script,
                                       String... options) throws IOException {
        List<String> args = new ArrayList<>(List.of("start-server", script, "--port", "0", "--server-root", root.toString()));
        args.addAll(List.of(options));
        List<String> command = new ArrayList<>();
        if (sigintIgnored) {
            // exec keeps the pid and the ignored disposition.
            command.addAll(List.of(Pythons.defaultPython().toString(), "-c", "import os, signal, sys; "
                    + "signal.signal(signal.SIGINT, signal.SIG_IGN); os.execv(sys.argv[1], sys.argv[1:])"));
        }
        command.addAll(Command.jarCommand(jvmOptions, args));
        Process process = new ProcessBuilder(command).directory(TestServer.APPS.toFile()).start();
        process.getOutputStream().close();
        return new ServerProcess(process, root);
    }

    public long pid() {
        return process.pid();
    }

    public Process process() {
        return process;
    }

    public Path root() {
        return root;
    }

    /** The port from the banner's Server URL line, waiting for the banner. */
    public int port() throws InterruptedException {
        Matcher m = SERVER_URL.matcher(awaitStdout(line -> SERVER_URL.matcher(line).find(), Duration.ofSeconds(60)));
        if (!m.find()) {
            throw new AssertionError("no port in the banner");
        }
        return Integer.parseInt(m.group(1));
    }

    public List<String> stdout() {
        return List.copyOf(stdout);
    }

    public List<String> stderr() {
        return List.copyOf(stderr);
    }

    /** Waits for a line on stdout that matches; returns it. */
    public String awaitStdout(Predicate<String> matches, Duration timeout) throws InterruptedException {
        return await(stdout, "stdout", matches, timeout);
    }

    /** Waits for a line on stderr that matches; returns it. */
    public String awaitStderr(Predicate<String> matches, Duration timeout) throws InterruptedException {
        return await(stderr, "stderr", matches, timeout);
    }

    private String await(List<String> lines, String name, Predicate<String> matches, Duration timeout)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        boolean exited = false;
        while (true) {
            for (String line : lines) {
                if (matches.test(line)) {
                    return line;
                }
            }
            if (exited) {
                throw new AssertionError("no matching line on " + name + " and the server exited with status "
                        + process.exitValue() + "; " + describe());
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no matching line on " + name + " within " + timeout + "; " + describe());
            }
            // Once the process has gone, look once more after its last output has been read.
            exited = !process.isAlive();
            Thread.sleep(exited ? 300 : 20);
        }
    }

    /** Waits for the process to exit; its exit status. */
    public int awaitExit(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError("the server did not exit within " + timeout + "; " + describe());
        }
        return process.exitValue();
    }

    public String describe() {
        return "stdout:\n" + String.join("\n", stdout) + "\nstderr:\n" + String.join("\n", stderr);
    }

    private static void pump(InputStream in, List<String> lines) {
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null) {
                lines.add(line);
            }
        } catch (IOException e) {
            // the process has gone
        }
    }

    /** Stops the server as SIGTERM does, gracefully, waiting up to 30 s for it to exit. */
    public void stop() {
        if (!process.isAlive()) {
            return;
        }
        process.destroy();
        try {
            process.waitFor(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Kills the server and its daemon processes if a test left them running, and removes the server root. */
    @Override
    public void close() {
        if (process.isAlive()) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            try {
                process.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        TempTrees.delete(root);
    }
}
