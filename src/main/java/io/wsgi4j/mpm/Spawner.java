package io.wsgi4j.mpm;

import java.io.IOException;
import java.util.List;

/**
 * Starts server processes with posix_spawn: the listening socket becomes the child's descriptor 0
 * (so that {@code System.inheritedChannel()} is that socket and Jetty accepts on it), its end of a
 * new control link descriptor 3, stdout and stderr are inherited, and every other descriptor is closed.
 */
public final class Spawner {
    private final ChildJvm jvm;
    private final ListeningSocket socket;
    private final ClassDataArchive archive;

    public Spawner(ChildJvm jvm, ListeningSocket socket, ClassDataArchive archive) {
        this.jvm = jvm;
        this.socket = socket;
        this.archive = archive;
    }

    /** A started server process: its pid and the control process's end of its link. */
    public record Spawned(long pid, ControlLink link) {
    }

    /** Starts the server process for {@code slot}. */
    public Spawned spawn(int slot) throws IOException {
        int[] pair = Libc.socketpair();
        List<String> cds = archive.optionsForNext();
        int pid = 0;
        try {
            pid = Libc.spawn(jvm.argv(cds), jvm.envp(slot),
                    new int[][] {{socket.fd(), 0}, {pair[1], ControlLink.CHILD_FD}}, ControlLink.CHILD_FD + 1);
        } catch (IOException | RuntimeException e) {
            Libc.close(pair[0]);
            throw e;
        } finally {
            archive.started(pid, cds);
            // The child's end lives on in the child only: when it dies, the control process reads the end of the stream.
            Libc.close(pair[1]);
        }
        return new Spawned(pid, new ControlLink(pair[0]));
    }
}
