package io.wsgi4j;

import io.wsgi4j.cli.ArgumentParser;
import io.wsgi4j.cli.Banner;
import io.wsgi4j.cli.ConfigBuilder;
import io.wsgi4j.cli.Help;
import io.wsgi4j.cli.ParsedArguments;
import io.wsgi4j.cli.StartServerOptions;
import io.wsgi4j.cli.UsageException;
import io.wsgi4j.cli.VersionReport;
import io.wsgi4j.config.ConfigException;
import io.wsgi4j.config.DaemonConfig;
import io.wsgi4j.config.PythonConfig;
import io.wsgi4j.config.ServerConfig;
import io.wsgi4j.config.ServerModel;
import io.wsgi4j.config.ApplicationType;
import io.wsgi4j.mpm.ChildJvm;
import io.wsgi4j.mpm.ChildRole;
import io.wsgi4j.platform.FileSafety;
import io.wsgi4j.platform.RunAs;
import io.wsgi4j.platform.Posix;
import io.wsgi4j.python.PythonInterpreter;
import io.wsgi4j.server.BuildInfo;
import io.wsgi4j.server.ControlServer;
import io.wsgi4j.server.PidFile;
import io.wsgi4j.server.RunningServer;
import io.wsgi4j.server.Wsgi4jServer;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import sun.misc.Signal;

/** The {@code wsgi4j} command: {@code start-server}, {@code -k}, {@code -v}, {@code -V}, {@code --help}. */
public final class Main {
    private static final int EXIT_CONFIG = 1;
    private static final int EXIT_USAGE = 2;
    private static final int EXIT_INTERNAL = 70;

    private final PrintStream out;
    private final PrintStream err;
    private final Path cwd;

    private Main(PrintStream out, PrintStream err, Path cwd) {
        this.out = out;
        this.err = err;
        this.cwd = cwd;
    }

    private static final String JETTY_REFERENCES_PER_CACHE_LINE = "org.eclipse.jetty.util.referencesPerCacheLine";

    public static void main(String[] args) {
        // Jetty sizes its padded counters by asking the platform MBean server whether oops are
        // compressed: that starts JMX and JFR's diagnostic commands, about 230 classes and 4 MiB per
        // JVM. They are compressed below a 32 GiB heap, which is every heap wsgi4j sets.
        if (System.getProperty(JETTY_REFERENCES_PER_CACHE_LINE) == null) {
            System.setProperty(JETTY_REFERENCES_PER_CACHE_LINE, "16");
        }
        Main main = new Main(System.out, System.err, Path.of("").toAbsolutePath());
        int status;
        try {
            status = main.run(List.of(args));
        } catch (Throwable e) {
            // Whatever went wrong, the process must end: Jetty's threads would otherwise keep it alive.
            System.err.println("wsgi4j: internal error: " + e);
            status = EXIT_INTERNAL;
        }
        System.exit(status);
    }

    private int run(List<String> args) {
        String command = args.isEmpty() ? "--help" : args.getFirst();
        List<String> rest = args.subList(Math.min(1, args.size()), args.size());
        try {
            return switch (command) {
                case "-v", "--version" -> print(VersionReport.version(BuildInfo.load()));
                case "-V" -> versionReport(rest);
                case "-h", "--help", "help" -> {
                    print(Help.usage());
                    yield print(Help.options());
                }
                case "start-server" -> startServer(rest);
                case "-k" -> control(rest);
                default -> throw new UsageException("unknown command '" + command + "'");
            };
        } catch (UsageException e) {
            err.println("wsgi4j: " + e.getMessage() + " (see wsgi4j --help)");
            return EXIT_USAGE;
        } catch (ConfigException e) {
            err.println("wsgi4j: " + e.getMessage());
            return EXIT_CONFIG;
        }
    }

    private int print(List<String> lines) {
        lines.forEach(out::println);
        return 0;
    }

    private int versionReport(List<String> args) throws UsageException, ConfigException {
        ParsedArguments parsed = new ArgumentParser(StartServerOptions.ALL).parse(args);
        DaemonConfig daemon = ConfigBuilder.daemonOnly(parsed, cwd, Posix.uid());
        ServerModel model = ConfigBuilder.modelOnly(parsed, cwd);
        PythonConfig pythonConfig = daemon.python();
        PythonInterpreter python;
        try {
            python = PythonInterpreter.locate(pythonConfig, cwd);
        } catch (ConfigException e) {
            err.println("wsgi4j: " + e.getMessage());
            python = null;
        }
        return print(VersionReport.report(BuildInfo.load(), model, daemon, python));
    }

    /**
     * {@code -k ACTION}: signals the server named by the pid file, as apachectl does: graceful and
     * restart restart the daemon processes one at a time (SIGUSR1, SIGHUP), stop and graceful-stop
     * stop the server, letting requests in progress finish (SIGTERM).
     */
    private int control(List<String> args) throws UsageException, ConfigException {
        if (args.isEmpty()) {
            throw new UsageException("-k needs an action: graceful, restart, graceful-stop or stop");
        }
        String action = args.getFirst();
        int signal = switch (action) {
            case "graceful" -> Posix.SIGUSR1;
            case "restart" -> Posix.SIGHUP;
            case "stop", "graceful-stop" -> Posix.SIGTERM;
            default -> throw new UsageException("-k " + action + ": use graceful, restart, graceful-stop or stop");
        };
        ParsedArguments parsed = new ArgumentParser(StartServerOptions.ALL).parse(args.subList(1, args.size()));
        Path pidFile = ConfigBuilder.pidFileOnly(parsed, cwd, Posix.uid());
        long pid;
        try {
            // The pid read is the process signalled: only from a file no other user could have written.
            if (java.nio.file.Files.exists(pidFile.toAbsolutePath().getParent())) {
                new PidFile(pidFile).checkPlace();
            }
            pid = Long.parseLong(new String(readNoFollow(pidFile), java.nio.charset.StandardCharsets.US_ASCII).trim());
        } catch (java.nio.file.NoSuchFileException e) {
            throw new ConfigException("no server is running with the pid file " + pidFile
                    + " (give -k the --server-root, --pid-file or --host/--port that start-server was given)");
        } catch (java.io.IOException | NumberFormatException e) {
            throw new ConfigException("cannot read a process id from the pid file " + pidFile + ": " + e.getMessage());
        }
        if (!Posix.kill(pid, signal)) {
            throw new ConfigException("the server process " + pid + " named in " + pidFile + " is not running");
        }
        return 0;
    }

    private static byte[] readNoFollow(Path file) throws java.io.IOException {
        try (var in = java.nio.channels.Channels.newInputStream(java.nio.file.Files.newByteChannel(file,
                java.nio.file.StandardOpenOption.READ, java.nio.file.LinkOption.NOFOLLOW_LINKS))) {
            return in.readNBytes(64);
        }
    }

    /** An exception and its causes, as "Failed to bind to 0.0.0.0:8000: Address already in use". */
    private static String describe(Throwable e) {
        StringBuilder text = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause()) {
            String message = Optional.ofNullable(t.getMessage()).orElse(t.getClass().getSimpleName());
            if (!text.toString().contains(message)) {
                text.append(text.isEmpty() ? "" : ": ").append(message);
            }
        }
        return text.toString();
    }

    private int startServer(List<String> args) throws UsageException, ConfigException {
        ParsedArguments parsed = new ArgumentParser(StartServerOptions.ALL).parse(args);
        if (parsed.has(StartServerOptions.HELP)) {
            print(Help.usage());
            return print(Help.options());
        }
        // A server process of embedded mode runs this very command line again: what the control
        // process has already said is not said once more per server process, and the default
        // server root is named after the user who started the server, not the one it runs as.
        Optional<Integer> slot = parsed.has(StartServerOptions.EMBEDDED_MODE) ? ChildRole.slotFromEnvironment()
                : Optional.empty();
        ServerConfig config = ConfigBuilder.build(parsed, cwd,
                slot.isPresent() ? ChildJvm.startedBy().orElse(Posix.uid()) : Posix.uid());
        RunAs runAs;
        try {
            runAs = config.user().isPresent() ? RunAs.user(config.user().get()) : RunAs.self();
        } catch (FileSafety.UnsafePathException e) {
            throw new ConfigException("option " + StartServerOptions.USER + ": " + e.getMessage());
        }
        PythonInterpreter python = PythonInterpreter.locate(config.daemon().python(), cwd, runAs);
        if (runAs.changesUser()) {
            python.checkAccess(runAs, neededByTheWorker(config));
        }
        if (config.model().embedded()) {
            python.requireSharedLibrary();
            for (String option : StartServerOptions.DAEMON_ONLY) {
                if (parsed.has(option) && slot.isEmpty()) {
                    err.println("wsgi4j: warning: " + option + " acts on daemon processes; it has no effect with "
                            + "--embedded-mode");
                }
            }
        }
        if (python.newerThanTested() && slot.isEmpty()) {
            err.println("wsgi4j: warning: Python " + python.version() + " is newer than the versions wsgi4j is tested "
                    + "with (3." + PythonInterpreter.OLDEST_MINOR + " to 3." + PythonInterpreter.NEWEST_MINOR + ")");
        }
        BuildInfo build = BuildInfo.load();
        CountDownLatch stop = new CountDownLatch(1);
        // As httpd does, SIGTERM and SIGINT both stop the server gracefully, even when whoever started
        // it had SIGINT ignored (as shells do for commands run in the background).
        for (String signal : Arrays.asList("TERM", "INT")) {
            Posix.restoreDefaultDisposition(signal.equals("INT") ? Posix.SIGINT : Posix.SIGTERM);
            Signal.handle(new Signal(signal), s -> stop.countDown());
        }
        if (slot.isPresent()) {
            return serverProcess(config, python, build, slot.get(), stop);
        }
        // As httpd does, SIGUSR1 (graceful) and SIGHUP (restart) restart the daemon processes (in
        // embedded mode the server processes), one at a time; a signal that comes before the server
        // has started finds nothing to restart.
        AtomicReference<RunningServer> running = new AtomicReference<>();
        for (String signal : Arrays.asList("USR1", "HUP")) {
            Signal.handle(new Signal(signal), s -> {
                RunningServer started = running.get();
                if (started != null) {
                    started.gracefulRestart("SIG" + signal + " received");
                }
            });
        }
        RunningServer server;
        try {
            // Embedded mode: this JVM becomes the control process, which starts the server processes.
            server = config.model().embedded()
                    ? ControlServer.start(config, python, build, args, runAs)
                    : Wsgi4jServer.start(config, python, build);
        } catch (Exception e) {
            err.println("wsgi4j: could not start: " + describe(e));
            return EXIT_CONFIG;
        }
        running.set(server);
        if (Posix.uid() == 0 && config.user().isEmpty() && !parsed.has(StartServerOptions.USER)) {
            err.println("wsgi4j: WARNING: started as root with no --user: the application and the HTTP server run "
                    + "as root, where a flaw in either gives away the whole machine. Give --user NAME (and --group "
                    + "NAME), for example --user www-data, or start wsgi4j as an unprivileged user.");
            err.flush();
        }
        print(Banner.lines(config, python, build.serverSoftware(), server.port()));
        out.flush();
        await(stop);
        server.close();
        return 0;
    }

    /**
     * What the processes running as --user must be able to read: the application, its directories,
     * the static files they serve, and (in embedded mode) the jar they run. Asked of the kernel
     * before anything starts, so that a path that user cannot read is named at once.
     */
    private static Map<Path, String> neededByTheWorker(ServerConfig config) {
        Map<Path, String> paths = new LinkedHashMap<>();
        if (config.application().type() == ApplicationType.SCRIPT) {
            paths.put(Path.of(config.application().entryPoint()), "the WSGI script");
        }
        paths.put(config.daemon().workingDirectory(), "the working directory");
        config.daemon().python().paths().forEach(p -> paths.putIfAbsent(p, "the --python-path directory"));
        config.documentRoot().ifPresent(p -> paths.putIfAbsent(p, "the document root"));
        config.urlAliases().forEach(a -> paths.putIfAbsent(a.path(), "the --url-alias path"));
        if (config.model().embedded()) {
            String classPath = System.getProperty("java.class.path");
            for (String entry : classPath.split(java.io.File.pathSeparator)) {
                paths.putIfAbsent(Path.of(entry).toAbsolutePath(), "the wsgi4j jar (or classpath entry)");
            }
        }
        return paths;
    }

    /**
     * One of embedded mode's server processes, started by the control process: it serves on the
     * inherited socket until SIGTERM (or until the control process has gone), prints no banner, and
     * tells the control process when it is ready. The control process handles SIGUSR1 and SIGHUP;
     * here they are ignored, so that a stray one does not kill the process.
     */
    private int serverProcess(ServerConfig config, PythonInterpreter python, BuildInfo build, int slot,
                              CountDownLatch stop) {
        for (String signal : Arrays.asList("USR1", "HUP")) {
            Signal.handle(new Signal(signal), s -> { });
        }
        ChildRole role;
        Wsgi4jServer server;
        try {
            role = ChildRole.take(slot, config);
            role.watchControl(stop::countDown);
            server = Wsgi4jServer.startServerProcess(config, python, build, role);
        } catch (Exception e) {
            err.println("wsgi4j: server process " + ProcessHandle.current().pid() + " (slot " + slot
                    + ") could not start: " + describe(e));
            return EXIT_CONFIG;
        }
        // Ready means serving Python: once the interpreter has loaded the application and its threads
        // take requests (an application that crashes the process while loading then fails the start,
        // and a successor takes over only once it can serve). Past the startup timeout it serves anyway.
        Duration startup = config.daemon().timeouts().startup();
        server.awaitWorkers(startup.isZero() ? Duration.ofSeconds(60) : startup);
        role.ready();
        await(stop);
        server.close();
        try {
            role.close();
        } catch (java.io.IOException e) {
            // the control process removes the scoreboard anyway
        }
        return 0;
    }

    private static void await(CountDownLatch stop) {
        try {
            stop.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
