package io.wsgi4j.cli;

import static io.wsgi4j.cli.StartServerOptions.*;

import io.wsgi4j.config.ApplicationConfig;
import io.wsgi4j.config.ApplicationType;
import io.wsgi4j.config.ConfigException;
import io.wsgi4j.config.DaemonConfig;
import io.wsgi4j.config.DaemonTimeouts;
import io.wsgi4j.config.HttpConfig;
import io.wsgi4j.config.LogConfig;
import io.wsgi4j.config.LogLevel;
import io.wsgi4j.config.Mpm;
import io.wsgi4j.config.OperatingMode;
import io.wsgi4j.config.PythonConfig;
import io.wsgi4j.config.ReadTimeouts;
import io.wsgi4j.config.RecyclePolicy;
import io.wsgi4j.config.ServerConfig;
import io.wsgi4j.config.ServerModel;
import io.wsgi4j.config.UrlAlias;
import io.wsgi4j.log.AccessLog;
import io.wsgi4j.platform.Identity;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/** Turns the parsed {@code start-server} command line into a {@link ServerConfig}, checking every value. */
public final class ConfigBuilder {
    private static final Pattern MODULE_SPEC =
            Pattern.compile("[A-Za-z_][A-Za-z0-9_]*(\\.[A-Za-z_][A-Za-z0-9_]*)*(:[A-Za-z_][A-Za-z0-9_]*(\\.[A-Za-z_][A-Za-z0-9_]*)*)?");
    private static final Pattern ENV_NAME = Pattern.compile("[^=\\s]+");

    private final ParsedArguments args;
    private final Path cwd;

    private ConfigBuilder(ParsedArguments args, Path cwd) {
        this.args = args;
        this.cwd = cwd;
    }

    /**
     * Builds the configuration.
     *
     * @param args the parsed command line
     * @param cwd  the directory relative paths are resolved against
     * @param uid  the user id, part of the default server root's name as in mod_wsgi-express
     */
    public static ServerConfig build(ParsedArguments args, Path cwd, int uid) throws ConfigException {
        return new ConfigBuilder(args, cwd).build(uid, Identity.current());
    }

    /**
     * Builds the configuration as {@link #build(ParsedArguments, Path, int)} does, for a server
     * started by {@code current} (what --user and --group may ask depends on it).
     */
    static ServerConfig build(ParsedArguments args, Path cwd, int uid, Identity current) throws ConfigException {
        return new ConfigBuilder(args, cwd).build(uid, current);
    }

    /**
     * The process group the options describe, without needing a script: what {@code -V} reports.
     */
    public static DaemonConfig daemonOnly(ParsedArguments args, Path cwd, int uid) throws ConfigException {
        ConfigBuilder builder = new ConfigBuilder(args, cwd);
        String listenHost = args.value(HOST).orElse("");
        return builder.daemon(args.value(SERVER_NAME).orElse(listenHost.isEmpty() ? "localhost" : listenHost),
                builder.integer(PORT, 8000, 0, 65535), uid, builder.model());
    }

    /** The process and thread model the options describe, without needing a script: what {@code -V} reports. */
    public static ServerModel modelOnly(ParsedArguments args, Path cwd) throws ConfigException {
        return new ConfigBuilder(args, cwd).model();
    }

    /**
     * The pid file a server started with these options writes: what {@code -k} signals. Needs no
     * script; the options that place it are --pid-file, --server-root, --server-name, --host and --port.
     */
    public static Path pidFileOnly(ParsedArguments args, Path cwd, int uid) throws ConfigException {
        ConfigBuilder builder = new ConfigBuilder(args, cwd);
        String listenHost = args.value(HOST).orElse("");
        String serverName = args.value(SERVER_NAME).orElse(listenHost.isEmpty() ? "localhost" : listenHost);
        return builder.pidFile(builder.serverRoot(serverName, builder.integer(PORT, 8000, 0, 65535), uid));
    }

    private Path serverRoot(String serverName, int port, int uid) {
        return args.value(SERVER_ROOT).map(cwd::resolve)
                .orElse(Path.of("/tmp", "wsgi4j-" + serverName + ":" + port + ":" + uid)).normalize();
    }

    private Path pidFile(Path serverRoot) {
        return args.value(PID_FILE).map(cwd::resolve).orElse(serverRoot.resolve("wsgi4j.pid"));
    }

    private ServerConfig build(int uid, Identity current) throws ConfigException {
        List<String> positional = args.positional();
        if (positional.isEmpty()) {
            throw new ConfigException("no WSGI script given: wsgi4j start-server [options] SCRIPT");
        }
        if (positional.size() > 1) {
            throw new ConfigException("only one WSGI script may be given, not " + String.join(" ", positional));
        }
        String listenHost = args.value(HOST).orElse("");
        String serverName = args.value(SERVER_NAME).orElse(listenHost.isEmpty() ? "localhost" : listenHost);
        int port = integer(PORT, 8000, 0, 65535);
        Path serverRoot = serverRoot(serverName, port, uid);

        ApplicationConfig application = application(positional.getFirst());
        ServerModel model = model();
        DaemonConfig daemon = daemon(serverName, port, uid, model);
        List<UrlAlias> aliases = urlAliases();
        Optional<Path> documentRoot = args.value(DOCUMENT_ROOT).isPresent()
                ? Optional.of(existingDirectory(DOCUMENT_ROOT, args.value(DOCUMENT_ROOT).get()))
                : Optional.empty();

        boolean terminal = args.has(LOG_TO_TERMINAL);
        Optional<Path> errorLog = args.value(ERROR_LOG_FILE).map(cwd::resolve)
                .or(() -> terminal ? Optional.empty() : Optional.of(serverRoot.resolve("error_log")));
        Optional<Path> accessLogFile = args.value(ACCESS_LOG_FILE).map(cwd::resolve)
                .or(() -> terminal ? Optional.empty() : Optional.of(serverRoot.resolve("access_log")));
        String level = args.value(LOG_LEVEL).orElse("warn");
        LogLevel logLevel = LogLevel.parse(level).orElseThrow(() -> new ConfigException(
                "option " + LOG_LEVEL + ": '" + level + "' is not a level: use emerg, alert, crit, error, warn, notice, info or debug"));
        String format = accessLogFormat(args.value(ACCESS_LOG_FORMAT).orElse("combined"));
        try {
            AccessLog.check(format);
        } catch (IllegalArgumentException e) {
            throw new ConfigException("option " + ACCESS_LOG_FORMAT + ": " + e.getMessage());
        }
        LogConfig logging = new LogConfig(errorLog, logLevel, args.has(ACCESS_LOG), accessLogFile, format);

        HttpConfig http = http();
        Path pidFile = pidFile(serverRoot);
        return new ServerConfig(listenHost, serverName, port, serverRoot, pidFile, application, model, daemon,
                aliases, documentRoot, logging, http, user(current));
    }

    /**
     * The user and group --user and --group name, when the server must change to them: started as
     * root, for any user but root. Not started as root, only oneself may be named (a no-op), as
     * the kernel allows nothing else.
     */
    private Optional<Identity> user(Identity current) throws ConfigException {
        Optional<String> user = args.value(USER);
        Optional<String> group = args.value(GROUP);
        if (user.isEmpty()) {
            if (group.isPresent()) {
                throw new ConfigException("option " + GROUP + ": give " + USER + " too; the group changes only "
                        + "together with the user");
            }
            return Optional.empty();
        }
        Identity identity;
        try {
            identity = Identity.resolve(user.get(), group);
        } catch (Identity.UnknownAccountException e) {
            throw new ConfigException("option " + (group.isPresent() && e.getMessage().contains("group") ? GROUP : USER)
                    + ": " + e.getMessage());
        }
        if (!current.isRoot()) {
            if (identity.uid() != current.uid() || identity.gid() != current.gid()) {
                throw new ConfigException("option " + USER + " " + user.get()
                        + (group.isPresent() ? " " + GROUP + " " + group.get() : "") + ": only a server started as "
                        + "root can run as another user or group, and this one runs as " + current);
            }
            return Optional.empty();
        }
        return identity.isRoot() ? Optional.empty() : Optional.of(identity);
    }

    /** The Apache format for the nicknames mod_wsgi-express defines, or the format itself. */
    static String accessLogFormat(String format) {
        return switch (format) {
            case "common" -> "%h %l %u %t \"%r\" %>s %b";
            case "combined" -> "%h %l %u %t \"%r\" %>s %b \"%{Referer}i\" \"%{User-agent}i\"";
            default -> format;
        };
    }

    private ApplicationConfig application(String script) throws ConfigException {
        String typeName = args.value(APPLICATION_TYPE).orElse("script");
        ApplicationType type = switch (typeName) {
            case "script" -> ApplicationType.SCRIPT;
            case "module" -> ApplicationType.MODULE;
            default -> throw new ConfigException("option " + APPLICATION_TYPE + ": '" + typeName
                    + "' is not an application type: use script or module");
        };
        String entryPoint;
        if (type == ApplicationType.SCRIPT) {
            Path path = cwd.resolve(script).normalize();
            if (!Files.exists(path)) {
                throw new ConfigException("the WSGI script '" + path + "' does not exist");
            }
            if (Files.isDirectory(path)) {
                throw new ConfigException("the WSGI script '" + path + "' is a directory: give the script file in it");
            }
            if (!Files.isRegularFile(path)) {
                throw new ConfigException("the WSGI script '" + path + "' is not a file");
            }
            if (!Files.isReadable(path)) {
                throw new ConfigException("the WSGI script '" + path + "' cannot be read");
            }
            entryPoint = path.toString();
        } else {
            if (!MODULE_SPEC.matcher(script).matches()) {
                throw new ConfigException("'" + script + "' is not a module: with " + APPLICATION_TYPE
                        + " module, give package.module or package.module:callable");
            }
            entryPoint = script;
        }
        String callable = args.value(CALLABLE_OBJECT).orElse("application");
        if (!MODULE_SPEC.matcher(callable).matches() || callable.contains(":")) {
            throw new ConfigException("option " + CALLABLE_OBJECT + ": '" + callable + "' is not a Python name");
        }
        List<Map.Entry<String, String>> setenv = new ArrayList<>();
        for (List<String> pair : args.all(SETENV)) {
            if (!ENV_NAME.matcher(pair.get(0)).matches()) {
                throw new ConfigException("option " + SETENV + ": '" + pair.get(0) + "' is not a variable name");
            }
            setenv.add(Map.entry(pair.get(0), pair.get(1)));
        }
        return new ApplicationConfig(type, entryPoint, callable, urlPrefix(MOUNT_POINT, args.value(MOUNT_POINT).orElse("/")),
                setenv, args.has(PASS_AUTHORIZATION));
    }

    /**
     * The mode, the MPM and the sizes. Under prefork in embedded mode a server process runs one
     * request at a time, so --threads defaults to 1 there and may not be more.
     */
    private ServerModel model() throws ConfigException {
        OperatingMode mode = args.has(EMBEDDED_MODE) ? OperatingMode.EMBEDDED : OperatingMode.DAEMON;
        String name = args.value(SERVER_MPM).orElse("event");
        Mpm mpm = Mpm.parse(name).orElseThrow(() -> new ConfigException("option " + SERVER_MPM + ": '" + name
                + "' is not an MPM: use prefork, worker or event"));
        boolean prefork = mode == OperatingMode.EMBEDDED && mpm == Mpm.PREFORK;
        int threads = integer(THREADS, prefork ? 1 : 5, 1, 1024);
        if (prefork && threads != 1) {
            throw new ConfigException("option " + THREADS + ": " + threads + " threads with " + SERVER_MPM
                    + " prefork in embedded mode: a prefork server process runs one request at a time; give "
                    + THREADS + " 1, or choose " + SERVER_MPM + " worker or event");
        }
        return new ServerModel(mode, mpm, integer(PROCESSES, 1, 1, 1024), threads, args.has(PROCESSES));
    }

    /** The process group, sized as the model says (in embedded mode: the threads of each server process). */
    private DaemonConfig daemon(String serverName, int port, int uid, ServerModel model) throws ConfigException {
        Optional<Path> home = args.value(PYTHON_HOME).isPresent()
                ? Optional.of(existingDirectory(PYTHON_HOME, args.value(PYTHON_HOME).get()))
                : Optional.empty();
        List<Path> paths = new ArrayList<>();
        for (List<String> path : args.all(PYTHON_PATH)) {
            paths.add(cwd.resolve(path.getFirst()).normalize());
        }
        PythonConfig python = new PythonConfig(args.value(PYTHON).orElse("python3"), home, paths);
        Path workingDirectory = args.value(WORKING_DIRECTORY).isPresent()
                ? existingDirectory(WORKING_DIRECTORY, args.value(WORKING_DIRECTORY).get())
                : cwd;
        String group = serverName + ":" + port;
        DaemonTimeouts timeouts = new DaemonTimeouts(seconds(REQUEST_TIMEOUT, 60), seconds(QUEUE_TIMEOUT, 45),
                seconds(STARTUP_TIMEOUT, 15), seconds(GRACEFUL_TIMEOUT, 15), seconds(SHUTDOWN_TIMEOUT, 5));
        RecyclePolicy recycling = new RecyclePolicy(longValue(MAXIMUM_REQUESTS, 0), seconds(RESTART_INTERVAL, 0),
                seconds(INACTIVITY_TIMEOUT, 0), seconds(CPU_TIME_LIMIT, 0), bytes(MEMORY_LIMIT, 0));
        return new DaemonConfig(group, "(wsgi:" + group + ":" + uid + ")", model,
                python, workingDirectory, integer(LISTEN_BACKLOG, 100, 1, 1_000_000), timeouts, recycling,
                args.has(RELOAD_ON_CHANGES));
    }

    private HttpConfig http() throws ConfigException {
        ReadTimeouts reads = new ReadTimeouts(positiveSeconds(HEADER_TIMEOUT, 15), seconds(HEADER_MAX_TIMEOUT, 30),
                longValue(HEADER_MIN_RATE, 500), positiveSeconds(BODY_TIMEOUT, 15), seconds(BODY_MAX_TIMEOUT, 0),
                longValue(BODY_MIN_RATE, 500));
        return new HttpConfig(longValue(LIMIT_REQUEST_BODY, 10485760L), seconds(KEEP_ALIVE_TIMEOUT, 2),
                positiveSeconds(SOCKET_TIMEOUT, 60), reads, integer(MAX_CLIENTS, 1024, 1, 1_000_000),
                (int) Math.min(bytes(RESPONSE_BUFFER_SIZE, 1 << 20), 1 << 30));
    }

    /** A size in bytes, with an optional K, M or G suffix (powers of 1024). */
    private long bytes(String option, long defaultValue) throws ConfigException {
        Optional<String> text = args.value(option);
        if (text.isEmpty()) {
            return defaultValue;
        }
        String value = text.get().trim().toUpperCase(java.util.Locale.ROOT);
        long unit = 1;
        if (!value.isEmpty()) {
            switch (value.charAt(value.length() - 1)) {
                case 'K' -> unit = 1L << 10;
                case 'M' -> unit = 1L << 20;
                case 'G' -> unit = 1L << 30;
                default -> unit = 1;
            }
        }
        String digits = unit == 1 ? value : value.substring(0, value.length() - 1);
        try {
            long number = Long.parseLong(digits);
            if (number < 0) {
                throw new ConfigException("option " + option + ": '" + text.get() + "' must not be negative");
            }
            return Math.multiplyExact(number, unit);
        } catch (NumberFormatException | ArithmeticException e) {
            throw new ConfigException("option " + option + ": '" + text.get()
                    + "' is not a size in bytes (a whole number, optionally followed by K, M or G)");
        }
    }

    private List<UrlAlias> urlAliases() throws ConfigException {
        List<UrlAlias> aliases = new ArrayList<>();
        for (List<String> pair : args.all(URL_ALIAS)) {
            String url = urlPrefix(URL_ALIAS, pair.get(0));
            Path path = cwd.resolve(pair.get(1)).normalize();
            if (!Files.exists(path)) {
                throw new ConfigException("option " + URL_ALIAS + " " + pair.get(0) + " " + pair.get(1)
                        + ": '" + path + "' does not exist");
            }
            if (url.isEmpty()) {
                throw new ConfigException("option " + URL_ALIAS + ": the URL path must not be /; use "
                        + DOCUMENT_ROOT + " to serve files at the root");
            }
            aliases.add(new UrlAlias(url, path));
        }
        return aliases;
    }

    /** A URL prefix with a leading slash and no trailing one; "/" becomes "". */
    private static String urlPrefix(String option, String value) throws ConfigException {
        if (value.contains("?") || value.contains("#") || value.contains("%") || value.contains("..")) {
            throw new ConfigException("option " + option + ": '" + value + "' is not a plain URL path");
        }
        String path = value.startsWith("/") ? value : "/" + value;
        path = path.replaceAll("/{2,}", "/");
        while (path.endsWith("/")) {
            path = path.substring(0, path.length() - 1);
        }
        return path;
    }

    private Path existingDirectory(String option, String value) throws ConfigException {
        Path path = cwd.resolve(value).normalize();
        if (!Files.isDirectory(path)) {
            throw new ConfigException("option " + option + ": '" + path + "' is not a directory");
        }
        return path;
    }

    private int integer(String option, int defaultValue, int min, int max) throws ConfigException {
        long value = longValue(option, defaultValue);
        if (value < min || value > max) {
            throw new ConfigException("option " + option + ": " + value + " is out of range (" + min + " to " + max + ")");
        }
        return (int) value;
    }

    private long longValue(String option, long defaultValue) throws ConfigException {
        Optional<String> text = args.value(option);
        if (text.isEmpty()) {
            return defaultValue;
        }
        try {
            long value = Long.parseLong(text.get().trim());
            if (value < 0) {
                throw new ConfigException("option " + option + ": '" + text.get() + "' must not be negative");
            }
            return value;
        } catch (NumberFormatException e) {
            throw new ConfigException("option " + option + ": '" + text.get() + "' is not a whole number");
        }
    }

    private Duration seconds(String option, int defaultSeconds) throws ConfigException {
        return Duration.ofSeconds(integer(option, defaultSeconds, 0, 86400 * 365));
    }

    private Duration positiveSeconds(String option, int defaultSeconds) throws ConfigException {
        return Duration.ofSeconds(integer(option, defaultSeconds, 1, 86400 * 365));
    }
}
