package io.wsgi4j.server;

import io.wsgi4j.config.LogConfig;
import io.wsgi4j.config.LogLevel;
import io.wsgi4j.config.ServerConfig;
import io.wsgi4j.log.AccessLog;
import io.wsgi4j.log.ErrorLog;
import io.wsgi4j.mpm.ChildJvm;
import io.wsgi4j.mpm.ClassDataArchive;
import io.wsgi4j.mpm.ConnectionQuota;
import io.wsgi4j.mpm.ControlProcess;
import io.wsgi4j.mpm.ListeningSocket;
import io.wsgi4j.mpm.Spawner;
import io.wsgi4j.platform.RunAs;
import io.wsgi4j.python.PythonInterpreter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.List;

/**
 * A running embedded-mode server as the user started it: the control process (the pid file, the
 * listening socket, the error log's own lines) and its server processes.
 */
public final class ControlServer implements RunningServer {
    private static final Duration SCRIPT_CHECK = Duration.ofSeconds(1);

    private final ServerConfig config;
    private final PidFile pidFile;
    private final ErrorLog log;
    private final AccessLog accessLog;
    private final ListeningSocket socket;
    private final ControlProcess control;
    private boolean stopped;

    private ControlServer(ServerConfig config, PidFile pidFile, ErrorLog log, AccessLog accessLog,
                          ListeningSocket socket, ControlProcess control) {
        this.config = config;
        this.pidFile = pidFile;
        this.log = log;
        this.accessLog = accessLog;
        this.socket = socket;
        this.control = control;
    }

    /**
     * Prepares the server root, opens the logs, binds the listening socket, starts --processes
     * server processes running {@code start-server arguments} (as {@code runAs}'s user) and waits
     * until they serve.
     */
    public static ControlServer start(ServerConfig config, PythonInterpreter python, BuildInfo build,
                                      List<String> arguments, RunAs runAs) throws Exception {
        ServerRoot.claim(config.serverRoot());
        PidFile pidFile = new PidFile(config.pidFile());
        pidFile.refuseIfRunning();
        ServerRoot root = ServerRoot.prepare(config.serverRoot(), config.worker());
        LogConfig logging = config.logging();
        ErrorLog log = logging.errorLogFile().isPresent()
                ? ErrorLog.toFile(logging.errorLogFile().get(), logging.level())
                : ErrorLog.toStream(System.err, logging.level());
        // Opened here, written by the server processes, which inherit it.
        AccessLog accessLog = logging.accessLog() && logging.accessLogFile().isPresent()
                ? AccessLog.open(logging) : null;
        ListeningSocket socket;
        try {
            socket = ListeningSocket.open(config.listenHost(), config.port(), ListeningSocket.APACHE_BACKLOG);
        } catch (IOException e) {
            log.log(LogLevel.ERROR, "wsgi4j: could not start: " + e.getMessage());
            throw e;
        }
        ChildJvm jvm = ChildJvm.ofThisJvm(arguments, root.run(), runAs, config.model().processes());
        // Under --user the server processes write their archive themselves: it is theirs, kept apart.
        ClassDataArchive archive = runAs.changesUser()
                ? ClassDataArchive.in(root.run(), build.version(), jvm.classPath(), runAs.identity().uid())
                : ClassDataArchive.forThisJvm(build.version(), jvm.classPath(), System.getenv());
        archive.problem().ifPresent(problem -> log.log(LogLevel.WARN, "wsgi4j: " + problem));
        var timeouts = config.daemon().timeouts();
        Spawner spawner = new Spawner(jvm, socket, archive, new Spawner.Setup(root.directory(), root.runtime(),
                ConnectionQuota.perServerProcess(config.model(), config.http().maxClients()), log.descriptor(),
                accessLog == null ? -1 : accessLog.descriptor()));
        ControlProcess control = new ControlProcess(config.model().processes(), spawner, archive, log, root.run(),
                timeouts.graceful(), timeouts.shutdown());
        try {
            // A server process loads Python and the application before it says it is ready.
            control.start(timeouts.startup().isZero() ? Duration.ofSeconds(60) : timeouts.startup().plusSeconds(15));
        } catch (IOException e) {
            socket.close();
            log.log(LogLevel.ERROR, "wsgi4j: could not start: " + e.getMessage());
            throw e;
        }
        pidFile.write();
        log.log(LogLevel.NOTICE, "wsgi4j: " + build.serverSoftware() + " (Python " + python.version()
                + ") configured -- resuming normal operations; control process of " + config.model().processes()
                + " " + config.model().mpm().key() + " server process" + (config.model().processes() == 1 ? "" : "es")
                + " " + control.pids() + (runAs.changesUser() ? " running as " + runAs.identity() : ""));
        ControlServer server = new ControlServer(config, pidFile, log, accessLog, socket, control);
        server.watchScript();
        return server;
    }

    /** The port the server processes accept on (the kernel's choice for --port 0). */
    @Override
    public int port() {
        return socket.port();
    }

    public ControlProcess control() {
        return control;
    }

    /** Replaces the server processes one at a time, each once its successor is ready. */
    @Override
    public void gracefulRestart(String why) {
        control.restartAll(why);
    }

    /**
     * mod_wsgi's script reloading (WSGIScriptReloading On): when the WSGI script's modification
     * time changes, the server processes are replaced, so that each loads it afresh.
     */
    private void watchScript() {
        if (config.application().type() != io.wsgi4j.config.ApplicationType.SCRIPT) {
            return;
        }
        Path script = Path.of(config.application().entryPoint());
        Thread.ofVirtual().name("wsgi4j-script-monitor").start(() -> {
            FileTime seen = modified(script);
            while (!isStopped()) {
                try {
                    Thread.sleep(SCRIPT_CHECK);
                } catch (InterruptedException e) {
                    return;
                }
                FileTime now = modified(script);
                if (now != null && !now.equals(seen)) {
                    seen = now;
                    control.restartAll("the WSGI script " + script + " changed");
                }
            }
        });
    }

    private static FileTime modified(Path file) {
        try {
            return Files.getLastModifiedTime(file);
        } catch (IOException e) {
            return null;
        }
    }

    private synchronized boolean isStopped() {
        return stopped;
    }

    /** Stops the server processes gracefully, then the control process. */
    @Override
    public void close() {
        synchronized (this) {
            if (stopped) {
                return;
            }
            stopped = true;
        }
        log.log(LogLevel.NOTICE, "wsgi4j: shutting down; requests in progress have "
                + config.daemon().timeouts().graceful().toSeconds() + " s to finish");
        control.stop();
        socket.close();
        pidFile.remove();
        log.log(LogLevel.NOTICE, "wsgi4j: stopped");
        try {
            if (accessLog != null) {
                accessLog.close();
            }
            log.close();
        } catch (IOException e) {
            // closing anyway
        }
    }
}
