package io.wsgi4j.mpm;

import io.wsgi4j.platform.Libc;
import java.io.ByteArrayOutputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * One end of the UNIX socket pair between the control process and one server process: the server
 * process writes notices on it, one line each ("ready", "retiring: why"); each side sees the end
 * of the stream when the other has gone (the server process's lifeline, as daemon processes have stdin).
 *
 * <p>A plain descriptor read and written with libc calls: the JDK cannot wrap an inherited descriptor
 * other than 0 in a channel. Reads block in native code, so only platform threads read.
 */
public final class ControlLink implements AutoCloseable {
    /** The descriptor the server process finds its end at. */
    public static final int CHILD_FD = 3;

    public static final String READY = "ready";
    public static final String RETIRING = "retiring";

    private final int fd;
    private final ByteArrayOutputStream pending = new ByteArrayOutputStream();
    // Freed with the link object: a reader may still be inside read() when the descriptor is closed.
    private final Arena arena = Arena.ofAuto();
    private final MemorySegment buffer = arena.allocate(512);

    ControlLink(int fd) {
        this.fd = fd;
    }

    /** The server process's end, inherited at {@link #CHILD_FD}, made close-on-exec so that nothing it starts holds it. */
    public static ControlLink inherited() throws Libc.LibcException {
        Libc.fcntl(CHILD_FD, Libc.F_SETFD, Libc.FD_CLOEXEC);
        return new ControlLink(CHILD_FD);
    }

    int fd() {
        return fd;
    }

    /** Sends one notice line; false if the control process has gone. */
    public boolean send(String notice) {
        try {
            Libc.writeFully(fd, (notice.replace('\n', ' ') + "\n").getBytes(StandardCharsets.UTF_8));
            return true;
        } catch (Libc.LibcException e) {
            return false;
        }
    }

    /** The next line, or empty at the end of the stream (the other side has gone). Blocks: platform threads only. */
    public Optional<String> receive() {
        try {
            while (true) {
                byte[] seen = pending.toByteArray();
                for (int i = 0; i < seen.length; i++) {
                    if (seen[i] == '\n') {
                        pending.reset();
                        pending.write(seen, i + 1, seen.length - i - 1);
                        return Optional.of(new String(seen, 0, i, StandardCharsets.UTF_8));
                    }
                }
                int n = Libc.read(fd, buffer);
                if (n == 0) {
                    return Optional.empty();
                }
                pending.write(buffer.asSlice(0, n).toArray(java.lang.foreign.ValueLayout.JAVA_BYTE), 0, n);
            }
        } catch (Libc.LibcException e) {
            return Optional.empty();
        }
    }

    @Override
    public void close() {
        Libc.close(fd);
    }
}
