package io.wsgi4j.daemon;

import io.wsgi4j.config.LogLevel;
import io.wsgi4j.log.ErrorLog;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * Reads what a daemon process writes on its stdout and stderr (one pipe): log records, which go to
 * the error log tagged with their client and request; notices for the server (the Python side is
 * {@code wsgi4j_worker/log.py}); and raw output (C code writing to fd 2), logged as it is.
 */
final class WorkerOutput {
    private final long pid;
    private final ErrorLog log;
    private final Consumer<String> moduleChanged;
    private volatile CompletableFuture<Void> stacks = new CompletableFuture<>();

    private WorkerOutput(long pid, ErrorLog log, Consumer<String> moduleChanged) {
        this.pid = pid;
        this.log = log;
        this.moduleChanged = moduleChanged;
    }

    /**
     * Starts reading the process's output until it ends.
     *
     * @param moduleChanged told the path of a module the application loaded that changed
     */
    static WorkerOutput read(WorkerHost process, ErrorLog log, Consumer<String> moduleChanged) {
        WorkerOutput output = new WorkerOutput(process.pid(), log, moduleChanged);
        InputStream in = process.output();
        // A platform thread: a read from a pipe blocks in native code, which would hold a virtual
        // thread's carrier for as long as the worker is quiet. With a carrier per core, a few quiet
        // workers left no carrier for the requests.
        Thread.ofPlatform().daemon().name("wsgi4j-log-" + process.pid()).stackSize(128 * 1024)
                .start(() -> output.pump(in));
        return output;
    }

    /** A future completed when the process says its stack dump is written (or its output ends). */
    CompletableFuture<Void> expectStacks() {
        CompletableFuture<Void> done = new CompletableFuture<>();
        stacks = done;
        return done;
    }

    private void pump(InputStream stream) {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                line(line);
            }
        } catch (IOException e) {
            // the process is gone
        }
        stacks.complete(null);
    }

    /** A log record (RS level US client US request-id US message), a notice (GS verb SP argument), or raw output. */
    private void line(String line) {
        if (!line.isEmpty() && line.charAt(0) == '\u001e') {
            String[] fields = line.substring(1).split("\u001f", 4);
            if (fields.length == 4) {
                LogLevel level = LogLevel.parse(fields[0]).orElse(LogLevel.ERROR);
                log.log(level, pid, fields[1], fields[2], fields[3]);
                return;
            }
        }
        if (!line.isEmpty() && line.charAt(0) == '\u001d') {
            String notice = line.substring(1);
            int space = notice.indexOf(' ');
            String verb = space < 0 ? notice : notice.substring(0, space);
            String argument = space < 0 ? "" : notice.substring(space + 1);
            switch (verb) {
                case "stacks" -> stacks.complete(null);
                case "changed" -> moduleChanged.accept(argument);
                default -> log.log(LogLevel.WARN, pid, null, null, "wsgi4j: unknown notice from the worker: " + notice);
            }
            return;
        }
        log.log(LogLevel.ERROR, pid, null, null, line);
    }
}
