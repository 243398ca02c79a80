package io.wsgi4j.log;

import io.wsgi4j.platform.FileSafety;
import io.wsgi4j.platform.Libc;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Where log lines go: a log file's descriptor, or a terminal stream; whole writes, one at a time.
 *
 * <p>A log file is opened as a raw descriptor, with O_APPEND and without following links, so that
 * the control process can hand the very descriptor to its server processes (as Apache's parent
 * hands its children the logs it opened): they may run as a user who could not open the file
 * itself, and each entry is one write(2) on an O_APPEND descriptor, so lines of different processes
 * never interleave.
 */
final class LogSink implements AutoCloseable {
    private final OutputStream stream;
    private final int fd;
    private final ReentrantLock lock = new ReentrantLock();
    /** Native memory the bytes are copied to for write(2), grown as needed; guarded by the lock. */
    private MemorySegment buffer = MemorySegment.NULL;
    private boolean closed;

    private LogSink(OutputStream stream, int fd) {
        this.stream = stream;
        this.fd = fd;
    }

    /**
     * Appends to a file, creating it (mode 0600) and its missing directories (mode 0700) if needed;
     * a link where the file should be, or a directory others can write to, is refused.
     *
     * @param role what the file is, for messages ("the error log")
     */
    static LogSink appendingTo(Path file, String role) throws IOException {
        Path directory = file.toAbsolutePath().getParent();
        if (directory != null && !Files.isDirectory(directory)) {
            Files.createDirectories(directory,
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        }
        return new LogSink(null, FileSafety.openForAppend(file, role));
    }

    /** Appends to a descriptor this process was given already open (a server process's logs). */
    static LogSink toDescriptor(int fd) {
        return new LogSink(null, fd);
    }

    /** Writes to a stream the caller keeps open (stdout or stderr). */
    static LogSink to(OutputStream stream) {
        return new LogSink(stream, -1);
    }

    /** The descriptor of a log file, or -1 for a stream. */
    int descriptor() {
        return fd;
    }

    /**
     * Writes the bytes at once (one write(2) for a file) and flushes them. A failure is dropped: a
     * full disk must not fail requests, and there is nowhere left to report it.
     */
    void write(byte[] bytes) {
        lock.lock();
        try {
            if (closed) {
                return;
            }
            if (stream != null) {
                stream.write(bytes);
                stream.flush();
                return;
            }
            if (buffer.byteSize() < bytes.length) {
                buffer = Arena.ofAuto().allocate(Math.max(bytes.length, 4096));
            }
            MemorySegment.copy(bytes, 0, buffer, ValueLayout.JAVA_BYTE, 0, bytes.length);
            Libc.writeFully(fd, buffer, bytes.length);
        } catch (IOException e) {
            // see above
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void close() throws IOException {
        lock.lock();
        try {
            if (!closed && stream == null) {
                Libc.close(fd);
            }
            closed = true;
        } finally {
            lock.unlock();
        }
    }
}
