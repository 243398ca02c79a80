package io.wsgi4j.config;

import io.wsgi4j.platform.Identity;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Everything a server is started with; built once at start-up and passed down.
 *
 * @param listenHost   the interface to bind, empty for all interfaces
 * @param serverName   the host name used in the server URL and when a request has no Host
 * @param port         the TCP port (0: any free port)
 * @param serverRoot   the directory for sockets, logs, the pid file and the worker runtime
 * @param pidFile      where the server's pid is written
 * @param application  which WSGI application is served and where
 * @param model        the process and thread model (mode, MPM, processes, threads)
 * @param daemon       the process group that runs it
 * @param urlAliases   static files and directories, by URL prefix
 * @param documentRoot static files served in preference to the application, if any
 * @param logging      error and access logs
 * @param http         HTTP limits and timeouts
 * @param user         the user and group that parse HTTP and run Python, when they are not the ones
 *                     that started the server (started as root with {@code --user}); the server
 *                     changes to them, or starts those processes as them
 */
public record ServerConfig(
        String listenHost,
        String serverName,
        int port,
        Path serverRoot,
        Path pidFile,
        ApplicationConfig application,
        ServerModel model,
        DaemonConfig daemon,
        List<UrlAlias> urlAliases,
        Optional<Path> documentRoot,
        LogConfig logging,
        HttpConfig http,
        Optional<Identity> user) {

    /** The server root's directory for what the worker user writes: sockets, spooled bodies, crash reports. */
    public static final String RUN_DIRECTORY = "run";

    public ServerConfig {
        urlAliases = List.copyOf(urlAliases);
    }

    /** The worker user's directory in the server root ({@link #RUN_DIRECTORY}). */
    public Path runDirectory() {
        return serverRoot.resolve(RUN_DIRECTORY);
    }

    /** Who parses HTTP and runs Python: {@link #user()}, else whoever started the server. */
    public Identity worker() {
        return user.orElseGet(Identity::current);
    }
}
