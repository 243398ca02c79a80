package io.wsgi4j.log;

import io.wsgi4j.config.LogLevel;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The error log, in Apache's layout:
 * {@code [Sat Nov 28 12:34:56.123456 2026] [wsgi:error] [pid 1234] [client 127.0.0.1:5678] [request ID] message}.
 */
public final class ErrorLog implements AutoCloseable {
    private static final DateTimeFormatter TIME =
            DateTimeFormatter.ofPattern("EEE MMM dd HH:mm:ss.SSSSSS yyyy", Locale.ROOT);

    private final OutputStream out;
    private final boolean ownsStream;
    private final LogLevel level;
    private final long serverPid;
    private final ReentrantLock lock = new ReentrantLock();

    private ErrorLog(OutputStream out, boolean ownsStream, LogLevel level, long serverPid) {
        this.out = out;
        this.ownsStream = ownsStream;
        this.level = level;
        this.serverPid = serverPid;
    }

    /** An error log appending to a file, created with its directory if needed. */
    public static ErrorLog toFile(Path file, LogLevel level) throws IOException {
        if (file.getParent() != null) {
            Files.createDirectories(file.getParent());
        }
        OutputStream out = Files.newOutputStream(file, StandardOpenOption.CREATE, StandardOpenOption.APPEND,
                StandardOpenOption.WRITE);
        return new ErrorLog(out, true, level, ProcessHandle.current().pid());
    }

    /** An error log written to a stream the caller keeps open (stderr for --log-to-terminal). */
    public static ErrorLog toStream(PrintStream stream, LogLevel level) {
        return new ErrorLog(stream, false, level, ProcessHandle.current().pid());
    }

    /**
     * Whether messages at this level are written. As in Apache, notices (start-up and shutdown)
     * are written whatever the level.
     */
    public boolean enabled(LogLevel messageLevel) {
        return messageLevel == LogLevel.NOTICE || level.admits(messageLevel);
    }

    /** Logs a message of the server itself. */
    public void log(LogLevel messageLevel, String message) {
        log(messageLevel, serverPid, null, null, message);
    }

    /** Logs a message of the server about one request. */
    public void log(LogLevel messageLevel, String client, String requestId, String message) {
        log(messageLevel, serverPid, client, requestId, message);
    }

    /**
     * Logs a message, one line per line of the message.
     *
     * @param pid       the process the message comes from (the server or a daemon process)
     * @param client    the client's {@code ip:port}, or null
     * @param requestId the request's id, or null
     */
    public void log(LogLevel messageLevel, long pid, String client, String requestId, String message) {
        if (!enabled(messageLevel)) {
            return;
        }
        StringBuilder prefix = new StringBuilder(96)
                .append('[').append(TIME.format(ZonedDateTime.now())).append("] [wsgi:")
                .append(messageLevel.key()).append("] [pid ").append(pid).append(']');
        if (client != null && !client.isEmpty()) {
            prefix.append(" [client ").append(client).append(']');
        }
        if (requestId != null && !requestId.isEmpty()) {
            prefix.append(" [request ").append(requestId).append(']');
        }
        prefix.append(' ');
        StringBuilder text = new StringBuilder(prefix.length() + message.length() + 1);
        for (String line : message.split("\r?\n", -1)) {
            text.append(prefix).append(line).append('\n');
        }
        write(text.toString().getBytes(StandardCharsets.UTF_8));
    }

    private void write(byte[] bytes) {
        lock.lock();
        try {
            out.write(bytes);
            out.flush();
        } catch (IOException e) {
            // Nowhere left to report it: the error log is the last resort.
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void close() throws IOException {
        if (ownsStream) {
            out.close();
        }
    }
}
