package io.wsgi4j.daemon;

import io.wsgi4j.config.LogLevel;
import io.wsgi4j.log.ErrorLog;
import io.wsgi4j.platform.Posix;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/** One daemon process of a group: a running Python worker, its log output and its connections. */
final class WorkerProcess {
    private final int slot;
    private final Process process;
    private final OutputStream lifeline;
    private final ErrorLog log;
    private final long startedNanos = System.nanoTime();
    private final List<WorkerChannel> channels = new CopyOnWriteArrayList<>();
    private final CompletableFuture<Void> exitReported = new CompletableFuture<>();
    private volatile boolean accepting = true;

    private WorkerProcess(int slot, Process process, ErrorLog log) {
        this.slot = slot;
        this.process = process;
        this.lifeline = process.getOutputStream();
        this.log = log;
    }

    /**
     * Starts a daemon process and hands it its configuration.
     *
     * @param command the interpreter and its arguments
     * @param config  the worker's configuration, one JSON line
     */
    static WorkerProcess start(int slot, List<String> command, java.util.Map<String, String> environment,
                               java.nio.file.Path directory, String config, ErrorLog log) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(command).directory(directory.toFile()).redirectErrorStream(true);
        builder.environment().putAll(environment);
        Process process = builder.start();
        WorkerProcess worker = new WorkerProcess(slot, process, log);
        Thread.ofVirtual().name("wsgi4j-log-" + process.pid()).start(worker::pumpLog);
        try {
            worker.lifeline.write((config + "\n").getBytes(StandardCharsets.UTF_8));
            worker.lifeline.flush();
        } catch (IOException e) {
            // It died at once; its exit is reported like any other.
        }
        return worker;
    }

    int slot() {
        return slot;
    }

    long pid() {
        return process.pid();
    }

    /** How long the process has been running, in milliseconds. */
    long uptimeMillis() {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startedNanos);
    }

    CompletableFuture<Process> onExit() {
        return process.onExit();
    }

    boolean alive() {
        return process.isAlive();
    }

    /** Whether new requests may be sent to this process. */
    boolean accepting() {
        return accepting && process.isAlive();
    }

    /** How the process ended ("killed by signal 9 (SIGKILL)"), or "still running". */
    String exitDescription() {
        return process.isAlive() ? "still running" : Posix.describeExit(process.exitValue());
    }

    /** Waits up to {@code millis} for the process to end; true if it has. */
    boolean awaitExit(long millis) {
        try {
            return process.waitFor(millis, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** The supervisor has logged this process's exit, with the requests it was running. */
    void exitReported() {
        exitReported.complete(null);
    }

    /**
     * Waits up to {@code millis} for the supervisor to log this process's exit: requests that saw
     * it die keep their place in that line until it is written.
     */
    void awaitExitReported(long millis) {
        try {
            exitReported.get(millis, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            // logged late or not at all: the request's own line still says what happened
        }
    }

    void addChannel(WorkerChannel channel) {
        channels.add(channel);
    }

    void removeChannel(WorkerChannel channel) {
        channels.remove(channel);
    }

    /** The requests its threads are carrying now. */
    List<String> requestsInProgress() {
        return channels.stream().map(WorkerChannel::carrying).filter(r -> r != null).toList();
    }

    /** Stops sending it requests and asks it to exit (SIGTERM to its process group). */
    void terminate() {
        accepting = false;
        Posix.killGroup(pid(), Posix.SIGTERM);
        Posix.kill(pid(), Posix.SIGTERM);
    }

    /** Kills it and anything it started (SIGKILL to its process group). */
    void kill() {
        accepting = false;
        Posix.killGroup(pid(), Posix.SIGKILL);
        process.destroyForcibly();
    }

    /** Closes every connection to it. */
    void closeChannels() {
        accepting = false;
        channels.forEach(WorkerChannel::close);
    }

    private void pumpLog() {
        long pid = process.pid();
        try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                logLine(pid, line);
            }
        } catch (IOException e) {
            // the process is gone
        }
    }

    /** A line from the worker: a record (RS level US client US request-id US message) or raw output. */
    private void logLine(long pid, String line) {
        if (!line.isEmpty() && line.charAt(0) == '\u001e') {
            String[] fields = line.substring(1).split("\u001f", 4);
            if (fields.length == 4) {
                LogLevel level = LogLevel.parse(fields[0]).orElse(LogLevel.ERROR);
                log.log(level, pid, fields[1], fields[2], fields[3]);
                return;
            }
        }
        log.log(LogLevel.ERROR, pid, null, null, line);
    }
}
