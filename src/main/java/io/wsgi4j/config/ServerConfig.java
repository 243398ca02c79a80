package io.wsgi4j.config;

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
        HttpConfig http) {

    public ServerConfig {
        urlAliases = List.copyOf(urlAliases);
    }
}
