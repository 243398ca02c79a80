package io.wsgi4j.log;

import io.wsgi4j.config.LogLevel;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.ZonedDateTime;

/**
 * The error log, in Apache's layout:
 * {@code [Sat Nov 28 12:34:56.123456 2026] [wsgi:error] [pid 1234] [client 127.0.0.1:5678] [request ID] message}.
 *
 * <p>Messages carry bytes that clients and applications chose (header values in Jetty's warnings,
 * whatever an application writes to {@code wsgi.errors}), so each line's text is escaped as Apache's
 * error log escapes it ({@link LogEscape#errorLogItem}): every line of the log begins with the prefix
 * written here, and no message can send control sequences to a terminal showing the log.
 */
public final class ErrorLog implements AutoCloseable {
    private final LogSink sink;
    private final LogLevel level;
    private final long serverPid;

    private ErrorLog(LogSink sink, LogLevel level, long serverPid) {
        this.sink = sink;
        this.level = level;
        this.serverPid = serverPid;
    }

    /**
     * An error log appending to a file, created with its directory if needed; a link in its place
     * or a directory others can write to is refused.
     */
    public static ErrorLog toFile(Path file, LogLevel level) throws IOException {
        return new ErrorLog(LogSink.appendingTo(file, "the error log"), level, ProcessHandle.current().pid());
    }

    /** An error log appending to a descriptor this process inherited, already open (a server process's). */
    public static ErrorLog toDescriptor(int fd, LogLevel level) {
        return new ErrorLog(LogSink.toDescriptor(fd), level, ProcessHandle.current().pid());
    }

    /** The descriptor of the error log file, to hand to a child; -1 when the log is a terminal stream. */
    public int descriptor() {
        return sink.descriptor();
    }

    /** An error log written to a stream the caller keeps open (stderr for --log-to-terminal). */
    public static ErrorLog toStream(PrintStream stream, LogLevel level) {
        return new ErrorLog(LogSink.to(stream), level, ProcessHandle.current().pid());
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
     * Logs a message, one line per line of the message (a traceback keeps every line prefixed, as
     * mod_wsgi logs it), each line's text escaped. The client and request id are escaped too: they are
     * ours, but a daemon process's records bring them over its pipe.
     *
     * @param pid       the process the message comes from (the server or a daemon process)
     * @param client    the client's {@code ip:port}, or null
     * @param requestId the request's id, or null
     */
    public void log(LogLevel messageLevel, long pid, String client, String requestId, String message) {
        if (!enabled(messageLevel)) {
            return;
        }
        StringBuilder prefix = ApacheTime.errorLog(new StringBuilder(96).append('['), ZonedDateTime.now())
                .append("] [wsgi:")
                .append(messageLevel.key()).append("] [pid ").append(pid).append(']');
        if (client != null && !client.isEmpty()) {
            prefix.append(" [client ").append(LogEscape.errorLogItem(client)).append(']');
        }
        if (requestId != null && !requestId.isEmpty()) {
            prefix.append(" [request ").append(LogEscape.errorLogItem(requestId)).append(']');
        }
        prefix.append(' ');
        StringBuilder text = new StringBuilder(prefix.length() + message.length() + 1);
        for (String line : message.split("\r?\n", -1)) {
            text.append(prefix).append(LogEscape.errorLogItem(line)).append('\n');
        }
        sink.write(text.toString().getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public void close() throws IOException {
        sink.close();
    }
}
