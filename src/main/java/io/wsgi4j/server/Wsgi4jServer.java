package io.wsgi4j.server;

import io.wsgi4j.config.LogConfig;
import io.wsgi4j.config.LogLevel;
import io.wsgi4j.config.ServerConfig;
import io.wsgi4j.daemon.ChildProcesses;
import io.wsgi4j.daemon.DaemonGateway;
import io.wsgi4j.daemon.ProcessGroup;
import io.wsgi4j.daemon.RecycleReason;
import io.wsgi4j.embedded.EmbeddedGateway;
import io.wsgi4j.embedded.EmbeddedInterpreter;
import io.wsgi4j.gateway.EnvironDefaults;
import io.wsgi4j.gateway.Gateway;
import io.wsgi4j.http.HttpServer;
import io.wsgi4j.log.AccessLog;
import io.wsgi4j.log.ErrorLog;
import io.wsgi4j.log.JettyLogBridge;
import io.wsgi4j.mpm.ChildRole;
import io.wsgi4j.platform.Identity;
import io.wsgi4j.python.PythonInterpreter;
import io.wsgi4j.python.WorkerRuntime;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * A running wsgi4j server: its logs, what runs the application (a daemon process group, or in one of
 * embedded mode's server processes the interpreter inside it) and its HTTP tier, started and stopped together.
 */
public final class Wsgi4jServer implements RunningServer {
    private final ServerConfig config;
    private final ServerRoot root;
    private final PidFile pidFile;
    private final ErrorLog errorLog;
    private final AccessLog accessLog;
    private final Runner runner;
    private final HttpServer http;
    /** One of embedded mode's server processes (no pid file of its own). */
    private final boolean serverProcess;
    private boolean stopped;

    private Wsgi4jServer(ServerConfig config, ServerRoot root, PidFile pidFile, ErrorLog errorLog, AccessLog accessLog,
                         Runner runner, HttpServer http) {
        this.config = config;
        this.root = root;
        this.pidFile = pidFile;
        this.errorLog = errorLog;
        this.accessLog = accessLog;
        this.runner = runner;
        this.http = http;
        this.serverProcess = pidFile == null;
    }

    /** Starts everything; on failure, stops what was started and throws. */
    public static Wsgi4jServer start(ServerConfig config, PythonInterpreter python, BuildInfo build) throws Exception {
        ServerRoot.claim(config.serverRoot());
        PidFile pidFile = new PidFile(config.pidFile());
        pidFile.refuseIfRunning();
        ServerRoot root = ServerRoot.prepare(config.serverRoot(), config.worker());
        return start(config, python, build, root, pidFile, Optional.empty());
    }

    /**
     * Starts one of the control process's server processes (embedded mode): it accepts on the
     * inherited listening socket, writes to the logs the control process opened, and records its
     * requests in its scoreboard; the control process owns the pid file and prepared the server
     * root, where the other server processes' files are.
     */
    public static Wsgi4jServer startServerProcess(ServerConfig config, PythonInterpreter python, BuildInfo build,
                                                  ChildRole role) throws Exception {
        return start(config, python, build, ServerRoot.join(config.serverRoot()), null, Optional.of(role));
    }

    private static Wsgi4jServer start(ServerConfig config, PythonInterpreter python, BuildInfo build, ServerRoot root,
                                      PidFile pidFile, Optional<ChildRole> role) throws Exception {
        LogConfig logging = config.logging();
        ErrorLog errorLog = logging.errorLogFile().isEmpty() ? ErrorLog.toStream(System.err, logging.level())
                : role.isPresent() ? ErrorLog.toDescriptor(ChildRole.ERROR_LOG_FD, logging.level())
                : ErrorLog.toFile(logging.errorLogFile().get(), logging.level());
        JettyLogBridge.routeTo(errorLog);
        AccessLog accessLog = !logging.accessLog() ? null
                : role.isPresent() && logging.accessLogFile().isPresent() ? AccessLog.toDescriptor(ChildRole.ACCESS_LOG_FD)
                : AccessLog.open(logging);
        EnvironDefaults defaults = EnvironDefaults.of(config.application(), config.model(), config.daemon(),
                config.documentRoot(), build.serverSoftware(), config.daemon().runOnce());
        Runner runner = config.model().embedded()
                ? Runner.embedded(new EmbeddedInterpreter(python, root.runtime(),
                        WorkerRuntime.embeddedConfigLine(config.daemon(), config.application()), errorLog),
                        defaults, config)
                : Runner.daemon(new ProcessGroup(config.daemon(), config.application(),
                        new ChildProcesses(python, root.runtime(), config.daemon().workingDirectory(),
                                config.user().map(Identity::environment).orElse(Map.of())),
                        root.socket(), errorLog), defaults, config);
        HttpServer http = null;
        boolean pidWritten = false;
        try {
            Gateway gateway = runner.gateway();
            http = role.isPresent()
                    ? new HttpServer(config, role.get().listener(), role.get().recorded(gateway), errorLog, accessLog,
                            build.serverSoftware())
                    : new HttpServer(config, gateway, errorLog, accessLog, build.serverSoftware());
            if (role.isEmpty()) {
                // Everything that needs the starting user (root, for a port below 1024 or a server
                // root of root's) is done before the server becomes --user: ports, logs, pid file.
                http.bind();
                pidFile.write();
                pidWritten = true;
                if (config.user().isPresent()) {
                    config.user().get().become();
                    errorLog.log(LogLevel.NOTICE, "wsgi4j: running as " + config.user().get());
                }
            }
            runner.start();
            http.start();
        } catch (Exception e) {
            runner.close();
            if (http != null) {
                try {
                    http.stop(Duration.ZERO);
                } catch (Exception stopping) {
                    // failing already
                }
            }
            if (pidWritten) {
                pidFile.remove();
            }
            errorLog.log(LogLevel.ERROR, "wsgi4j: could not start: " + e.getMessage());
            throw e;
        }
        if (role.isEmpty()) {
            errorLog.log(LogLevel.NOTICE, "wsgi4j: " + build.serverSoftware() + " (Python " + python.version()
                    + ") configured -- resuming normal operations");
        }
        return new Wsgi4jServer(config, root, pidFile, errorLog, accessLog, runner, http);
    }

    /** The port the server listens on. */
    @Override
    public int port() {
        return http.port();
    }

    public ServerRoot root() {
        return root;
    }

    /** The daemon process group (daemon mode only). */
    public ProcessGroup processGroup() {
        return ((Runner.Daemon) runner).group();
    }

    /** Restarts the daemon processes one at a time, each replaced once its successor is ready. */
    @Override
    public void gracefulRestart(String why) {
        runner.restartAll(why);
    }

    /** Waits until every daemon thread is connected, up to {@code timeout}; true if they are. */
    public boolean awaitWorkers(Duration timeout) {
        return runner.awaitReady(timeout);
    }

    /**
     * Stops gracefully: no new connections, requests in progress get up to the graceful timeout,
     * then the daemon processes are stopped.
     */
    @Override
    public synchronized void close() {
        if (stopped) {
            return;
        }
        stopped = true;
        errorLog.log(LogLevel.NOTICE, "wsgi4j: shutting down; requests in progress have "
                + config.daemon().timeouts().graceful().toSeconds() + " s to finish");
        try {
            if (serverProcess) {
                // A server process: the others go on serving, so the connections it accepted are served first.
                http.stopAccepting(config.daemon().timeouts().graceful());
            }
            http.stop(config.daemon().timeouts().graceful());
        } catch (Exception e) {
            errorLog.log(LogLevel.WARN, "wsgi4j: stopping the HTTP server: " + e);
        }
        runner.close();
        if (pidFile != null) {
            pidFile.remove();
        }
        errorLog.log(LogLevel.NOTICE, "wsgi4j: stopped");
        try {
            if (accessLog != null) {
                accessLog.close();
            }
            errorLog.close();
        } catch (IOException e) {
            // closing anyway
        }
    }

    /** What runs the application, in either mode, behind the one gateway contract. */
    private sealed interface Runner {
        Gateway gateway();

        void start() throws IOException;

        boolean awaitReady(Duration timeout);

        void restartAll(String why);

        void close();

        static Runner daemon(ProcessGroup group, EnvironDefaults defaults, ServerConfig config) {
            return new Daemon(group, new DaemonGateway(group, defaults, config.serverName()));
        }

        static Runner embedded(EmbeddedInterpreter interpreter, EnvironDefaults defaults, ServerConfig config) {
            // Under the worker and prefork MPMs each connection holds a request thread, as in Apache:
            // a request runs on the selector thread that read it.
            boolean onSelectors = config.model().mpm() != io.wsgi4j.config.Mpm.EVENT;
            return new Embedded(interpreter, new EmbeddedGateway(interpreter, defaults, config.serverName(),
                    config.daemon(), onSelectors));
        }

        /** Daemon mode: the group's processes, reached through its socket. */
        record Daemon(ProcessGroup group, Gateway gateway) implements Runner {
            @Override
            public void start() throws IOException {
                group.start();
            }

            @Override
            public boolean awaitReady(Duration timeout) {
                return group.awaitReady(timeout);
            }

            @Override
            public void restartAll(String why) {
                group.restartAll(RecycleReason.GRACEFUL_RESTART, why);
            }

            @Override
            public void close() {
                group.close();
            }
        }

        /**
         * One of embedded mode's server processes: the interpreter inside it, which cannot be replaced
         * in place (the control process replaces the whole server process instead) and ends with it.
         */
        record Embedded(EmbeddedInterpreter interpreter, Gateway gateway) implements Runner {
            @Override
            public void start() throws IOException {
                interpreter.start();
            }

            @Override
            public boolean awaitReady(Duration timeout) {
                return interpreter.awaitLoaded(timeout);
            }

            @Override
            public void restartAll(String why) {
            }

            @Override
            public void close() {
            }
        }
    }
}
