package io.wsgi4j.server;

import io.wsgi4j.daemon.WorkerRuntime;
import io.wsgi4j.gateway.BodySpool;
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
        Path runtime = WorkerRuntime.install(directory.resolve("python"));
        Path socket = directory.resolve("wsgi.sock");
        if (socket.toString().length() > MAX_SOCKET_PATH) {
            Path shortDir = Files.createTempDirectory(Path.of("/tmp"), "wsgi4j-",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            socket = shortDir.resolve("wsgi.sock");
        }
        return new ServerRoot(directory, runtime, socket);
    }

    /**
     * The socket of the group inside one server process (embedded mode): one per process, since
     * several server processes share the server root.
     */
    public Path embeddedSocket(long pid) {
        return socket.resolveSibling("embedded-" + pid + ".sock");
    }
}
