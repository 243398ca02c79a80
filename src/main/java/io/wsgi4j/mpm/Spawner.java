package io.wsgi4j.mpm;

import io.wsgi4j.python.WorkerRuntime;
import io.wsgi4j.platform.Identity;
import io.wsgi4j.platform.Libc;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Starts server processes with posix_spawn: the listening socket becomes the child's descriptor 0
 * (so that {@code System.inheritedChannel()} is that socket and Jetty accepts on it), its end of a
 * new control link descriptor 3, the error and access logs the control process opened descriptors
 * 4 and 5 (as Apache's children inherit their parent's logs: the child may run as a user who could
 * not open them), stdout and stderr are inherited, and every other descriptor is closed. Before
 * each start, its scoreboard is made and the worker runtime it will load is checked.
 */
public final class Spawner {
    private final ChildJvm jvm;
    private final ListeningSocket socket;
    private final ClassDataArchive archive;
    private final Setup setup;
    private long started;

    /**
     * What every server process is started with besides its command line.
     *
     * @param serverRoot      where its scoreboard is made (a directory it cannot write to)
     * @param runtime         the worker runtime it loads, checked before each start
     * @param scoreboardSlots how many requests it may run at once
     * @param errorLogFd      the error log file's descriptor, or -1 when the log is the terminal
     * @param accessLogFd     the access log file's descriptor, or -1 when there is none or it is stdout
     */
    public record Setup(Path serverRoot, Path runtime, int scoreboardSlots, int errorLogFd, int accessLogFd) {
    }

    public Spawner(ChildJvm jvm, ListeningSocket socket, ClassDataArchive archive, Setup setup) {
        this.jvm = jvm;
        this.socket = socket;
        this.archive = archive;
        this.setup = setup;
    }

    /** A started server process: its pid, the control process's end of its link, and its scoreboard. */
    public record Spawned(long pid, ControlLink link, Scoreboard.Record scoreboard) {
    }

    /** Starts the server process for {@code slot}. */
    public synchronized Spawned spawn(int slot) throws IOException {
        WorkerRuntime.verify(setup.runtime());
        Identity user = jvm.runAs().identity();
        Scoreboard.Record scoreboard = Scoreboard.create(Scoreboard.fileFor(setup.serverRoot(), ++started),
                setup.scoreboardSlots(), jvm.runAs().changesUser() ? user.uid() : -1, user.gid());
        int[] pair;
        try {
            pair = Libc.socketpair();
        } catch (IOException e) {
            scoreboard.close();
            throw e;
        }
        List<String> cds = archive.optionsForNext();
        List<int[]> dups = new ArrayList<>(List.of(new int[] {socket.fd(), 0}, new int[] {pair[1], ControlLink.CHILD_FD}));
        if (setup.errorLogFd() >= 0) {
            dups.add(new int[] {setup.errorLogFd(), ChildRole.ERROR_LOG_FD});
        }
        if (setup.accessLogFd() >= 0) {
            dups.add(new int[] {setup.accessLogFd(), ChildRole.ACCESS_LOG_FD});
        }
        int pid = 0;
        try {
            pid = Libc.spawn(jvm.argv(cds), jvm.envp(slot, scoreboard.file()), dups.toArray(int[][]::new),
                    ChildRole.ACCESS_LOG_FD + 1);
        } catch (IOException | RuntimeException e) {
            Libc.close(pair[0]);
            scoreboard.close();
            throw e;
        } finally {
            archive.started(pid, cds);
            // The child's end lives on in the child only: when it dies, the control process reads the end of the stream.
            Libc.close(pair[1]);
        }
        return new Spawned(pid, new ControlLink(pair[0]), scoreboard);
    }
}
