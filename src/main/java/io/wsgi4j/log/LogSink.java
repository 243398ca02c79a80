package io.wsgi4j.log;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.locks.ReentrantLock;

/** Where log lines go: a file opened for appending, or a terminal stream; whole writes, one at a time. */
final class LogSink implements AutoCloseable {
    private final OutputStream out;
    private final boolean ownsStream;
    private final ReentrantLock lock = new ReentrantLock();

    private LogSink(OutputStream out, boolean ownsStream) {
        this.out = out;
        this.ownsStream = ownsStream;
    }

    /** Appends to a file, creating it and its directory if needed. */
    static LogSink appendingTo(Path file) throws IOException {
        if (file.getParent() != null) {
            Files.createDirectories(file.getParent());
        }
        return new LogSink(Files.newOutputStream(file, StandardOpenOption.CREATE, StandardOpenOption.APPEND,
                StandardOpenOption.WRITE), true);
    }

    /** Writes to a stream the caller keeps open (stdout or stderr). */
    static LogSink to(OutputStream stream) {
        return new LogSink(stream, false);
    }

    /**
     * Writes the bytes at once and flushes them. A failure is dropped: a full disk must not fail
     * requests, and there is nowhere left to report it.
     */
    void write(byte[] bytes) {
        lock.lock();
        try {
            out.write(bytes);
            out.flush();
        } catch (IOException e) {
            // see above
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
