package io.wsgi4j.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs a short-lived command (the launcher, the jar, a shell snippet) and collects what it printed. */
public final class Command {
    private Command() {
    }

    /** What a finished command did. */
    public record Result(int exitCode, String stdout, String stderr) {

        public List<String> stdoutLines() {
            return stdout.lines().toList();
        }

        public List<String> stderrLines() {
            return stderr.lines().toList();
        }

        @Override
        public String toString() {
            return "exit " + exitCode + "\n--- stdout:\n" + stdout + "--- stderr:\n" + stderr;
        }
    }

    /** The project directory (failsafe's wsgi4j.home, else the current directory). */
    public static Path home() {
        return Path.of(System.getProperty("wsgi4j.home", "")).toAbsolutePath();
    }

    /** The packaged jar (failsafe's wsgi4j.jar). */
    public static Path jar() {
        return Path.of(System.getProperty("wsgi4j.jar", home().resolve("target/wsgi4j.jar").toString()));
    }

    /** The java of the JDK running the tests (Java 25). */
    public static Path java() {
        return Path.of(System.getProperty("java.home"), "bin", "java");
    }

    /** {@code java -jar wsgi4j.jar args...}: the command exactly as the launcher would run it, minus the launcher. */
    public static List<String> jarCommand(List<String> args) {
        return jarCommand(List.of(), args);
    }

    /** {@code java JVM-OPTIONS -jar wsgi4j.jar args...}: with a small heap, say, or a GC log. */
    public static List<String> jarCommand(List<String> jvmOptions, List<String> args) {
        return jarCommand(jar(), jvmOptions, args);
    }

    /** {@code java JVM-OPTIONS -jar JAR args...}: the packaged jar, or a copy of it elsewhere. */
    public static List<String> jarCommand(Path jar, List<String> jvmOptions, List<String> args) {
        List<String> command = new ArrayList<>(List.of(java().toString(), "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1"));
        command.addAll(jvmOptions);
        command.addAll(List.of("-jar", jar.toString()));
        command.addAll(args);
        return command;
    }

    /** Runs {@code command} in {@code directory} with extra environment variables (a null value removes one). */
    public static Result run(List<String> command, Path directory, Map<String, String> env, Duration timeout)
            throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(command).directory(directory.toFile());
        env.forEach((name, value) -> {
            if (value == null) {
                builder.environment().remove(name);
            } else {
                builder.environment().put(name, value);
            }
        });
        Process process = builder.start();
        process.getOutputStream().close();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Thread outPump = Thread.ofVirtual().start(() -> copy(process.getInputStream(), out));
        Thread errPump = Thread.ofVirtual().start(() -> copy(process.getErrorStream(), err));
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            throw new AssertionError(command + " did not finish within " + timeout);
        }
        outPump.join();
        errPump.join();
        return new Result(process.exitValue(), out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /** Runs the packaged jar with these arguments. */
    public static Result runJar(Path directory, String... args) throws IOException, InterruptedException {
        return run(jarCommand(List.of(args)), directory, Map.of(), Duration.ofSeconds(60));
    }

    private static void copy(InputStream in, ByteArrayOutputStream out) {
        try (in) {
            in.transferTo(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
