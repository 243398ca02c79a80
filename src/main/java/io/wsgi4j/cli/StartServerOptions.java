package io.wsgi4j.cli;

import java.util.List;

/** The options of {@code wsgi4j start-server}: mod_wsgi-express's names and defaults. */
public final class StartServerOptions {
    private StartServerOptions() {
    }

    public static final String HOST = "--host";
    public static final String PORT = "--port";
    public static final String SERVER_NAME = "--server-name";
    public static final String PROCESSES = "--processes";
    public static final String THREADS = "--threads";
    public static final String PYTHON = "--python";
    public static final String PYTHON_HOME = "--python-home";
    public static final String PYTHON_PATH = "--python-path";
    public static final String WORKING_DIRECTORY = "--working-directory";
    public static final String CALLABLE_OBJECT = "--callable-object";
    public static final String APPLICATION_TYPE = "--application-type";
    public static final String MOUNT_POINT = "--mount-point";
    public static final String URL_ALIAS = "--url-alias";
    public static final String DOCUMENT_ROOT = "--document-root";
    public static final String ACCESS_LOG = "--access-log";
    public static final String ACCESS_LOG_FILE = "--access-log-file";
    public static final String ACCESS_LOG_FORMAT = "--access-log-format";
    public static final String ERROR_LOG_FILE = "--error-log-file";
    public static final String LOG_TO_TERMINAL = "--log-to-terminal";
    public static final String LOG_LEVEL = "--log-level";
    public static final String LIMIT_REQUEST_BODY = "--limit-request-body";
    public static final String KEEP_ALIVE_TIMEOUT = "--keep-alive-timeout";
    public static final String SOCKET_TIMEOUT = "--socket-timeout";
    public static final String GRACEFUL_TIMEOUT = "--graceful-timeout";
    public static final String SHUTDOWN_TIMEOUT = "--shutdown-timeout";
    public static final String SETENV = "--setenv";
    public static final String PASS_AUTHORIZATION = "--pass-authorization";
    public static final String REQUEST_TIMEOUT = "--request-timeout";
    public static final String QUEUE_TIMEOUT = "--queue-timeout";
    public static final String LISTEN_BACKLOG = "--listen-backlog";
    public static final String STARTUP_TIMEOUT = "--startup-timeout";
    public static final String MAXIMUM_REQUESTS = "--maximum-requests";
    public static final String RESTART_INTERVAL = "--restart-interval";
    public static final String INACTIVITY_TIMEOUT = "--inactivity-timeout";
    public static final String CPU_TIME_LIMIT = "--cpu-time-limit";
    public static final String MEMORY_LIMIT = "--memory-limit";
    public static final String RELOAD_ON_CHANGES = "--reload-on-changes";
    public static final String HEADER_TIMEOUT = "--header-timeout";
    public static final String HEADER_MAX_TIMEOUT = "--header-max-timeout";
    public static final String HEADER_MIN_RATE = "--header-min-rate";
    public static final String BODY_TIMEOUT = "--body-timeout";
    public static final String BODY_MAX_TIMEOUT = "--body-max-timeout";
    public static final String BODY_MIN_RATE = "--body-min-rate";
    public static final String MAX_CLIENTS = "--max-clients";
    public static final String RESPONSE_BUFFER_SIZE = "--response-buffer-size";
    public static final String EMBEDDED_MODE = "--embedded-mode";
    public static final String SERVER_MPM = "--server-mpm";
    public static final String SERVER_ROOT = "--server-root";
    public static final String PID_FILE = "--pid-file";
    public static final String USER = "--user";
    public static final String GROUP = "--group";
    public static final String HELP = "--help";

    /** The options that act on daemon processes only: in embedded mode they have no effect, as in mod_wsgi. */
    public static final List<String> DAEMON_ONLY = List.of(REQUEST_TIMEOUT, STARTUP_TIMEOUT, RESTART_INTERVAL,
            INACTIVITY_TIMEOUT, CPU_TIME_LIMIT, MEMORY_LIMIT, RELOAD_ON_CHANGES);

    private static OptionSpec value(String name, String metavar, String defaultText, String help, String apache) {
        return new OptionSpec(name, List.of(metavar), false, defaultText, help, apache);
    }

    private static OptionSpec flag(String name, String help, String apache) {
        return new OptionSpec(name, List.of(), false, "off", help, apache);
    }

    /** Every option, in the order --help lists them. */
    public static final List<OptionSpec> ALL = List.of(
            value(HOST, "HOSTNAME", "all interfaces",
                    "The interface to listen on.", "Listen / mod_wsgi-express --host"),
            value(PORT, "NUMBER", "8000",
                    "The port to listen on (0: any free port).", "Listen / --port"),
            value(SERVER_NAME, "HOSTNAME", "the --host value, else localhost",
                    "The server's own name: SERVER_NAME when a request has no Host header, and the banner's URL.",
                    "ServerName / --server-name"),
            value(PROCESSES, "NUMBER", "1",
                    "Daemon processes running the application (in embedded mode: server processes); giving it at "
                    + "all makes wsgi.multiprocess true in daemon mode.",
                    "WSGIDaemonProcess processes= / --processes"),
            value(THREADS, "NUMBER", "5 (1 under --server-mpm prefork in embedded mode)",
                    "Request threads in each daemon process (in embedded mode: in each server process).",
                    "WSGIDaemonProcess threads= / --threads"),
            flag(EMBEDDED_MODE, "Run the application inside the server processes (CPython loaded into the JVM) "
                    + "instead of in daemon processes; --processes and --threads then size the server processes.",
                    "--embedded-mode (WSGIRestrictEmbedded Off, no WSGIProcessGroup)"),
            value(SERVER_MPM, "prefork|worker|event", "event",
                    "The model of the server processes: prefork runs one request at a time in each, worker and "
                    + "event run --threads; event also holds idle keep-alive connections without a thread.",
                    "--server-mpm / LoadModule mpm_*_module"),
            value(PYTHON, "EXECUTABLE", "python3 on PATH",
                    "The Python interpreter (CPython 3.8 to 3.13) the daemon processes run.",
                    "(none: mod_wsgi is built for one Python)"),
            value(PYTHON_HOME, "DIRECTORY", "none",
                    "A virtual environment (its bin/python is used) or a Python installation prefix.",
                    "WSGIDaemonProcess python-home= / WSGIPythonHome"),
            new OptionSpec(PYTHON_PATH, List.of("DIRECTORY"), true, "none",
                    "A directory to put on sys.path, processed as a site directory (.pth files); repeatable.",
                    "WSGIDaemonProcess python-path= / --python-path"),
            value(WORKING_DIRECTORY, "DIRECTORY", "the current directory",
                    "The daemon processes' current directory, also put first on sys.path.",
                    "WSGIDaemonProcess home= / --working-directory"),
            value(CALLABLE_OBJECT, "NAME", "application",
                    "The name of the WSGI callable in the script or module.",
                    "WSGICallableObject / --callable-object"),
            value(APPLICATION_TYPE, "script|module", "script",
                    "script: SCRIPT is a WSGI script file; module: SCRIPT is package.module[:callable].",
                    "--application-type"),
            value(MOUNT_POINT, "URL-PATH", "/",
                    "The URL prefix the application is mounted at (SCRIPT_NAME).",
                    "WSGIScriptAlias URL-PATH / --mount-point"),
            new OptionSpec(URL_ALIAS, List.of("URL-PATH", "FILE-PATH"), true, "none",
                    "Serve a static file or directory at a URL prefix; repeatable.",
                    "Alias / --url-alias"),
            value(DOCUMENT_ROOT, "DIRECTORY", "none",
                    "Static files served in preference to the application when a file exists.",
                    "DocumentRoot / --document-root"),
            flag(ACCESS_LOG, "Write an access log.", "CustomLog / --access-log"),
            value(ACCESS_LOG_FILE, "FILE-PATH", "SERVER-ROOT/access_log (stdout with --log-to-terminal)",
                    "Where the access log goes.", "CustomLog"),
            value(ACCESS_LOG_FORMAT, "FORMAT", "combined",
                    "common, combined, or an Apache LogFormat string (add %D for the time taken, in microseconds).",
                    "LogFormat / --access-log-format"),
            value(ERROR_LOG_FILE, "FILE-PATH", "SERVER-ROOT/error_log (stderr with --log-to-terminal)",
                    "Where the error log goes.", "ErrorLog"),
            flag(LOG_TO_TERMINAL, "Send the error log to stderr and the access log to stdout.",
                    "--log-to-terminal"),
            value(LOG_LEVEL, "LEVEL", "warn",
                    "The least severe error-log level written: emerg alert crit error warn notice info debug.",
                    "LogLevel / --log-level"),
            value(LIMIT_REQUEST_BODY, "NUMBER", "10485760",
                    "The largest request body accepted, in bytes (413 beyond it); 0 for no limit.",
                    "LimitRequestBody / --limit-request-body"),
            value(KEEP_ALIVE_TIMEOUT, "SECONDS", "2",
                    "How long an idle connection is kept open between requests; 0 turns keep-alive off.",
                    "KeepAliveTimeout / --keep-alive-timeout"),
            value(SOCKET_TIMEOUT, "SECONDS", "60",
                    "How long a write to a client may stall during a request.",
                    "Timeout / --socket-timeout"),
            value(HEADER_TIMEOUT, "SECONDS", "15",
                    "How long a client may take to send a request's line and headers (408 after it).",
                    "RequestReadTimeout header= / --header-timeout"),
            value(HEADER_MAX_TIMEOUT, "SECONDS", "30",
                    "The most --header-min-rate may extend the header time to. 0: no maximum.",
                    "RequestReadTimeout header=-MAX / --header-max-timeout"),
            value(HEADER_MIN_RATE, "BYTES", "500",
                    "Each time this many header bytes arrive, the header time grows by a second. 0: never.",
                    "RequestReadTimeout header MinRate= / --header-min-rate"),
            value(BODY_TIMEOUT, "SECONDS", "15",
                    "How long a client may take to send a request body (408 after it).",
                    "RequestReadTimeout body= / --body-timeout"),
            value(BODY_MAX_TIMEOUT, "SECONDS", "0",
                    "The most --body-min-rate may extend the body time to. 0: no maximum.",
                    "RequestReadTimeout body=-MAX / --body-max-timeout"),
            value(BODY_MIN_RATE, "BYTES", "500",
                    "Each time this many body bytes arrive, the body time grows by a second. 0: never.",
                    "RequestReadTimeout body MinRate= / --body-min-rate"),
            value(MAX_CLIENTS, "NUMBER", "1024",
                    "How many client connections are open at once; more wait in the listen queue.",
                    "MaxRequestWorkers / --max-clients"),
            value(RESPONSE_BUFFER_SIZE, "BYTES", "1048576",
                    "How much of a response is held for a slow client, so that the application's thread is free "
                    + "before the client has read it.",
                    "WSGIDaemonProcess response-buffer-size= / --response-buffer-size"),
            value(REQUEST_TIMEOUT, "SECONDS", "60",
                    "A request running longer is answered 504; the Python stacks of its process go to the error log "
                    + "and the process is replaced. 0 turns it off.",
                    "WSGIDaemonProcess request-timeout= / --request-timeout"),
            value(QUEUE_TIMEOUT, "SECONDS", "45",
                    "A request that waited longer for a free daemon thread is answered 503 and never run. 0 turns it off.",
                    "WSGIDaemonProcess queue-timeout= / --queue-timeout"),
            value(LISTEN_BACKLOG, "NUMBER", "100",
                    "How many requests may wait for a free daemon thread; more are answered 503 with Retry-After at once.",
                    "WSGIDaemonProcess listen-backlog= / --daemon-backlog"),
            value(STARTUP_TIMEOUT, "SECONDS", "15",
                    "A daemon process still loading the application after this long is reported, with its stack, "
                    + "and restarted with back-off. 0 turns it off.",
                    "WSGIDaemonProcess startup-timeout= / --startup-timeout"),
            value(MAXIMUM_REQUESTS, "NUMBER", "0",
                    "Replace a daemon process after this many requests. 0 turns it off.",
                    "WSGIDaemonProcess maximum-requests= / --maximum-requests"),
            value(RESTART_INTERVAL, "SECONDS", "0",
                    "Replace a daemon process after it has run this long. 0 turns it off.",
                    "WSGIDaemonProcess restart-interval= / --restart-interval"),
            value(INACTIVITY_TIMEOUT, "SECONDS", "0",
                    "Replace a daemon process that has had no request for this long. 0 turns it off.",
                    "WSGIDaemonProcess inactivity-timeout= / --inactivity-timeout"),
            value(CPU_TIME_LIMIT, "SECONDS", "0",
                    "Replace a daemon process once it has used this much CPU time. 0 turns it off.",
                    "WSGIDaemonProcess cpu-time-limit="),
            value(MEMORY_LIMIT, "BYTES", "0",
                    "Replace a daemon process once its resident memory exceeds this (suffixes K, M, G allowed). "
                    + "0 turns it off.",
                    "WSGIDaemonProcess memory-limit="),
            value(GRACEFUL_TIMEOUT, "SECONDS", "15",
                    "How long a daemon process being replaced, or the server being stopped, lets its requests in "
                    + "progress finish.",
                    "WSGIDaemonProcess graceful-timeout= / --graceful-timeout"),
            value(SHUTDOWN_TIMEOUT, "SECONDS", "5",
                    "How long a daemon process may take to exit when told to, before it is killed.",
                    "WSGIDaemonProcess shutdown-timeout= / --shutdown-timeout"),
            flag(RELOAD_ON_CHANGES, "Restart the daemon processes when any Python module the application loaded "
                    + "changes (for development); the WSGI script itself is always watched.",
                    "--reload-on-changes"),
            new OptionSpec(SETENV, List.of("NAME", "VALUE"), true, "none",
                    "Add NAME=VALUE to every request's WSGI environ; repeatable.", "SetEnv / --setenv"),
            flag(PASS_AUTHORIZATION, "Pass the Authorization header to the application as HTTP_AUTHORIZATION.",
                    "WSGIPassAuthorization On"),
            value(SERVER_ROOT, "DIRECTORY", "/tmp/wsgi4j-HOST:PORT:UID",
                    "Where the server keeps its sockets, logs, pid file and worker runtime.",
                    "ServerRoot / --server-root"),
            value(PID_FILE, "FILE-PATH", "SERVER-ROOT/wsgi4j.pid",
                    "Where the server writes its process id.", "PidFile / --pid-file"),
            value(USER, "NAME", "the user who starts the server",
                    "Started as root: the user (a name, or #UID) that every process parsing HTTP or running Python "
                    + "runs as; only a control process that does neither stays root.", "User / --user"),
            value(GROUP, "NAME", "the --user's own group",
                    "The group (a name, or #GID) those processes run as, besides the user's supplementary groups.",
                    "Group / --group"),
            new OptionSpec(HELP, List.of(), false, "", "Show this help and exit.", ""));
}
