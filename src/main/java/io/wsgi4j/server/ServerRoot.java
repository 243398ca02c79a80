package io.wsgi4j.server;

import io.wsgi4j.daemon.WorkerRuntime;
import io.wsgi4j.gateway.BodySpool;
import io.wsgi4j.mpm.Scoreboard;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * The server root directory: the daemon socket, the worker runtime, logs and the pid file.
 * Private to the user running the server, since the socket hands out requests.
 *
 * @param directory the server root
 * @param runtime   where the Python worker runtime is unpacked
 * @param socket    the UNIX socket daemon processes connect to
 */
public record ServerRoot(Path directory, Path runtime, Path socket) {
    /** UNIX socket paths are limited to 108 bytes by the kernel. */
    private static final int MAX_SOCKET_PATH = 100;

    /**
     * Creates the directory if needed, removes request bodies a killed server left spooled in it,
     * and unpacks the worker runtime into it.
     */
    public static ServerRoot prepare(Path directory) throws IOException {
        Files.createDirectories(directory);
        Files.setPosixFilePermissions(directory, PosixFilePermissions.fromString("rwx------"));
        BodySpool.removeLeftovers(directory);
        Scoreboard.removeLeftovers(directory);
        Path runtime = WorkerRuntime.install(directory.resolve("python"));
        return new ServerRoot(directory, runtime, socketIn(directory));
    }

    /**
     * The server root as one of several server processes finds it: the control process prepared
     * it, and the other processes' spool files and scoreboards in it are theirs, so nothing is
     * removed or rewritten.
     */
    public static ServerRoot join(Path directory) throws IOException {
        return new ServerRoot(directory, directory.resolve("python"), socketIn(directory));
    }

    private static Path socketIn(Path directory) throws IOException {
        Path socket = directory.resolve("wsgi.sock");
        if (socket.toString().length() > MAX_SOCKET_PATH) {
            Path shortDir = Files.createTempDirectory(Path.of("/tmp"), "wsgi4j-",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            socket = shortDir.resolve("wsgi.sock");
        }
        return socket;
    }

    /**
     * The socket of the group inside one server process (embedded mode): one per process, since
     * several server processes share the server root.
     */
    public Path embeddedSocket(long pid) {
        return socket.resolveSibling("embedded-" + pid + ".sock");
    }
}
