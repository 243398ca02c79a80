package io.wsgi4j.server;

import io.wsgi4j.config.ServerConfig;
import io.wsgi4j.python.WorkerRuntime;
import io.wsgi4j.gateway.BodySpool;
import io.wsgi4j.mpm.Scoreboard;
import io.wsgi4j.platform.FileSafety;
import io.wsgi4j.platform.Identity;
import io.wsgi4j.platform.Libc;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * The server root directory, laid out so that no other local user can write to it or plant
 * links in it, and so that the processes that parse HTTP and run Python (the worker user: the
 * one who started the server, or {@code --user}) can write only where they must:
 *
 * <pre>
 * SERVER_ROOT/           the starting user's, 0700 (0710 with the worker's group under --user)
 *   wsgi4j.pid, error_log, access_log, scoreboard-N     written by the starting user
 *   python/              the worker runtime: the starting user's, read-only to the worker
 *   run/                 the worker user's, 0700: the daemon socket, spooled request bodies,
 *                        crash reports, and (under --user) the server processes' class data archive
 * </pre>
 *
 * @param directory the server root
 * @param runtime   where the Python worker runtime is unpacked
 * @param run       the worker user's directory
 * @param socket    the UNIX socket daemon processes connect to (none in an embedded server process)
 */
public record ServerRoot(Path directory, Path runtime, Path run, Path socket) {
    /** UNIX socket paths are limited to 108 bytes by the kernel. */
    private static final int MAX_SOCKET_PATH = 100;
    private static final String REMEDY = "remove it, or choose another directory with --server-root";

    /**
     * Creates the server root (mode 0700, atomically) or checks that the existing one is this
     * user's own and not writable by anyone else; removes what a killed server left in it; unpacks
     * the worker runtime; makes the worker user's directory.
     *
     * @param worker who parses HTTP and runs Python
     * @throws FileSafety.UnsafePathException naming the directory, its owner and mode, when it is not ours
     */
    public static ServerRoot prepare(Path directory, Identity worker) throws IOException {
        Identity self = Identity.current();
        boolean otherUser = worker.uid() != self.uid();
        claim(directory);
        Files.setPosixFilePermissions(directory, PosixFilePermissions.fromString("rwx------"));
        if (otherUser) {
            // The worker user may pass through (to run/, the runtime, its scoreboard), not list or write.
            FileSafety.setGroup(directory, worker.gid());
            Files.setPosixFilePermissions(directory, PosixFilePermissions.fromString("rwx--x---"));
        }
        Scoreboard.removeLeftovers(directory);
        Path runtime = WorkerRuntime.install(directory.resolve("python"), otherUser ? worker.gid() : -1);
        Path run = directory.resolve(ServerConfig.RUN_DIRECTORY);
        if (FileSafety.createOrCheckDirectory(run, "the worker directory", Set.of(worker.uid()),
                "remove it (it holds only sockets and temporary files), or choose another --server-root")) {
            if (otherUser) {
                FileSafety.setOwner(run, worker.uid(), worker.gid());
            }
        }
        BodySpool.removeLeftovers(run);
        return new ServerRoot(directory, runtime, run, socketIn(run, worker, otherUser));
    }

    /**
     * Creates the server root (mode 0700, atomically) if it does not exist, else checks that it is
     * a real directory of this user's that no one else can write to, inside directories no other
     * user can change; nothing in it is touched.
     *
     * @throws FileSafety.UnsafePathException naming the directory, its owner and mode, when it is not ours
     */
    public static void claim(Path directory) throws IOException {
        Set<Integer> self = Set.of(Libc.geteuid());
        FileSafety.checkAncestors(directory, "the server root", self, REMEDY);
        FileSafety.createOrCheckDirectory(directory, "the server root", self, REMEDY);
    }

    /**
     * The server root as one of several server processes finds it: the control process prepared
     * it, and the other processes' spool files in it are theirs, so nothing is removed or rewritten.
     * A server process has no daemon socket: its interpreter is its own.
     */
    public static ServerRoot join(Path directory) {
        Path run = directory.resolve(ServerConfig.RUN_DIRECTORY);
        return new ServerRoot(directory, directory.resolve("python"), run, null);
    }

    /** The daemon socket's path: in run/, or in a private directory of its own under /tmp when that path is too long. */
    private static Path socketIn(Path run, Identity worker, boolean otherUser) throws IOException {
        Path socket = run.resolve("wsgi.sock");
        if (socket.toString().length() > MAX_SOCKET_PATH) {
            Path shortDir = Files.createTempDirectory(Path.of("/tmp"), "wsgi4j-",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            if (otherUser) {
                FileSafety.setOwner(shortDir, worker.uid(), worker.gid());
            }
            socket = shortDir.resolve("wsgi.sock");
        }
        return socket;
    }
}
