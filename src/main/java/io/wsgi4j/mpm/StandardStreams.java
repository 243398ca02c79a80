package io.wsgi4j.mpm;

import io.wsgi4j.platform.Libc;

/**
 * Copies of a server process's stdout and stderr, put back after its inherited listening channel
 * is closed. The JDK's inherited channels assume inetd, where descriptors 0, 1 and 2 are all the
 * socket: closing one dup2s /dev/null over all three ({@code sun.nio.ch.InheritedChannel.detachIOStreams}),
 * which would silence a retiring server process's log lines (--log-to-terminal) while it finishes
 * its requests.
 */
public final class StandardStreams {
    private static final int FIRST_COPY = 10;

    private final int stdout;
    private final int stderr;

    private StandardStreams(int stdout, int stderr) {
        this.stdout = stdout;
        this.stderr = stderr;
    }

    /** Keeps close-on-exec copies of descriptors 1 and 2. */
    public static StandardStreams save() throws Libc.LibcException {
        return new StandardStreams(Libc.fcntl(1, Libc.F_DUPFD_CLOEXEC, FIRST_COPY),
                Libc.fcntl(2, Libc.F_DUPFD_CLOEXEC, FIRST_COPY));
    }

    /**
     * Puts the copies back on 1 and 2. Lines written between the JDK's dup2 and this one are lost:
     * a few microseconds, once, when the process stops accepting.
     */
    public void restore() {
        try {
            Libc.dup2(stdout, 1);
            Libc.dup2(stderr, 2);
        } catch (Libc.LibcException e) {
            // nothing else to write to
        }
    }
}
