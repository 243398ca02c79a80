package io.wsgi4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wsgi4j.config.ApplicationType;
import io.wsgi4j.config.ConfigException;
import io.wsgi4j.config.LogLevel;
import io.wsgi4j.config.Mpm;
import io.wsgi4j.config.OperatingMode;
import io.wsgi4j.config.ServerConfig;
import io.wsgi4j.platform.Identity;
import io.wsgi4j.config.UrlAlias;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** start-server's options turned into a configuration: mod_wsgi-express's defaults, and one message per mistake. */
class ConfigBuilderTest {
    @TempDir
    static Path dir;

    @BeforeAll
    static void files() throws Exception {
        Files.writeString(dir.resolve("app.wsgi"), "application = None\n");
        Files.createDirectories(dir.resolve("static"));
        Files.createDirectories(dir.resolve("lib"));
    }

    /** Who the server is started by in these tests, whoever runs them: root, or an ordinary user. */
    private static final Identity ROOT = new Identity("root", 0, "root", 0, List.of(0), "/root");
    private static final Identity ALICE = new Identity("alice", 1000, "alice", 1000, List.of(1000), "/home/alice");

    private static ServerConfig build(String... args) throws Exception {
        return buildAs(ROOT, args);
    }

    private static ServerConfig buildAs(Identity startedBy, String... args) throws Exception {
        ParsedArguments parsed = new ArgumentParser(StartServerOptions.ALL).parse(List.of(args));
        return ConfigBuilder.build(parsed, dir, 1000, startedBy);
    }

    /** The message of the one error a command line gives, from the parser or the builder. */
    private static String error(String... args) {
        Exception e = assertThrows(Exception.class, () -> build(args));
        assertTrue(e instanceof ConfigException || e instanceof UsageException, e.toString());
        assertFalse(e.getMessage().contains("\n"), "one line: " + e.getMessage());
        return e.getMessage();
    }

    @Test
    void defaultsAreModWsgiExpresss() throws Exception {
        ServerConfig config = build("app.wsgi");
        assertEquals(8000, config.port());
        assertEquals("", config.listenHost());
        assertEquals("localhost", config.serverName());
        assertEquals(1, config.daemon().processes());
        assertFalse(config.model().multiprocess());
        assertEquals(5, config.daemon().threads());
        assertTrue(config.model().multithread());
        assertEquals(5, config.model().capacity());
        assertEquals(ApplicationType.SCRIPT, config.application().type());
        assertEquals(dir.resolve("app.wsgi").toString(), config.application().entryPoint());
        assertEquals("application", config.application().callableObject());
        assertEquals("", config.application().mountPoint());
        assertEquals(10485760L, config.http().limitRequestBody());
        assertEquals(Duration.ofSeconds(2), config.http().keepAliveTimeout());
        assertEquals(Duration.ofSeconds(60), config.http().socketTimeout());
        assertEquals(Duration.ofSeconds(15), config.daemon().timeouts().graceful());
        assertEquals(Duration.ofSeconds(5), config.daemon().timeouts().shutdown());
        assertEquals(Path.of("/tmp/wsgi4j-localhost:8000:1000"), config.serverRoot());
        assertEquals(Optional.of(config.serverRoot().resolve("error_log")), config.logging().errorLogFile());
        assertEquals(LogLevel.WARN, config.logging().level());
        assertFalse(config.logging().accessLog());
        assertEquals("%h %l %u %t \"%r\" %>s %b \"%{Referer}i\" \"%{User-agent}i\"", config.logging().accessLogFormat());
        assertEquals("python3", config.daemon().python().executable());
        assertEquals(dir, config.daemon().workingDirectory());
        assertEquals("(wsgi:localhost:8000:1000)", config.daemon().displayName());
        assertFalse(config.application().passAuthorization());
    }

    @Test
    void processesGivenMakesMultiprocessTrueEvenForOne() throws Exception {
        assertTrue(build("app.wsgi", "--processes", "1").model().multiprocess());
        ServerConfig three = build("app.wsgi", "--processes=3", "--threads", "1");
        assertEquals(3, three.daemon().processes());
        assertFalse(three.model().multithread());
        assertEquals(3, three.model().capacity());
    }

    @Test
    void everyValueOptionIsTaken() throws Exception {
        ServerConfig config = build("--host", "127.0.0.1", "--port", "8123", "--server-name", "example.org",
                "--callable-object", "app", "--mount-point", "/app/", "--limit-request-body", "0",
                "--keep-alive-timeout", "0", "--socket-timeout", "9", "--graceful-timeout", "3",
                "--shutdown-timeout", "4", "--log-level", "info", "--access-log", "--pass-authorization",
                "--python", "python3.11", "--python-path", "lib", "--working-directory", "lib",
                "--document-root", "static", "--server-root", "root", "--pid-file", "p.pid",
                "--error-log-file", "e.log", "--access-log-file", "a.log", "--access-log-format", "common",
                "app.wsgi");
        assertEquals("127.0.0.1", config.listenHost());
        assertEquals(8123, config.port());
        assertEquals("example.org", config.serverName());
        assertEquals("app", config.application().callableObject());
        assertEquals("/app", config.application().mountPoint());
        assertEquals(0L, config.http().limitRequestBody());
        assertEquals(Duration.ZERO, config.http().keepAliveTimeout());
        assertEquals(Duration.ofSeconds(9), config.http().socketTimeout());
        assertEquals(Duration.ofSeconds(3), config.daemon().timeouts().graceful());
        assertEquals(Duration.ofSeconds(4), config.daemon().timeouts().shutdown());
        assertEquals(LogLevel.INFO, config.logging().level());
        assertTrue(config.logging().accessLog());
        assertTrue(config.application().passAuthorization());
        assertEquals("python3.11", config.daemon().python().executable());
        assertEquals(List.of(dir.resolve("lib")), config.daemon().python().paths());
        assertEquals(dir.resolve("lib"), config.daemon().workingDirectory());
        assertEquals(Optional.of(dir.resolve("static")), config.documentRoot());
        assertEquals(dir.resolve("root"), config.serverRoot());
        assertEquals(dir.resolve("p.pid"), config.pidFile());
        assertEquals(Optional.of(dir.resolve("e.log")), config.logging().errorLogFile());
        assertEquals(Optional.of(dir.resolve("a.log")), config.logging().accessLogFile());
        assertEquals("%h %l %u %t \"%r\" %>s %b", config.logging().accessLogFormat());
    }

    @Test
    void hostIsTheDefaultServerName() throws Exception {
        assertEquals("127.0.0.1", build("app.wsgi", "--host", "127.0.0.1").serverName());
    }

    @Test
    void logToTerminalMeansStderrAndStdout() throws Exception {
        ServerConfig config = build("app.wsgi", "--log-to-terminal", "--access-log");
        assertEquals(Optional.empty(), config.logging().errorLogFile());
        assertEquals(Optional.empty(), config.logging().accessLogFile());
        ServerConfig files = build("app.wsgi", "--log-to-terminal", "--error-log-file", "e.log");
        assertEquals(Optional.of(dir.resolve("e.log")), files.logging().errorLogFile());
    }

    @Test
    void customAccessLogFormatIsKept() throws Exception {
        assertEquals("%h \"%r\" %>s %D", build("app.wsgi", "--access-log-format", "%h \"%r\" %>s %D")
                .logging().accessLogFormat());
    }

    @Test
    void repeatableOptionsAllCount() throws Exception {
        ServerConfig config = build("app.wsgi", "--url-alias", "/s", "static", "--url-alias", "/t/", "static",
                "--python-path", "lib", "--python-path", "static", "--setenv", "A", "1", "--setenv", "B", "two words");
        assertEquals(List.of(new UrlAlias("/s", dir.resolve("static")), new UrlAlias("/t", dir.resolve("static"))),
                config.urlAliases());
        assertEquals(List.of(dir.resolve("lib"), dir.resolve("static")), config.daemon().python().paths());
        assertEquals(List.of(Map.entry("A", "1"), Map.entry("B", "two words")), config.application().setenv());
    }

    @Test
    void moduleApplicationTakesPackageModuleAndCallable() throws Exception {
        ServerConfig config = build("--application-type", "module", "pkg.mod:app");
        assertEquals(ApplicationType.MODULE, config.application().type());
        assertEquals("pkg.mod:app", config.application().entryPoint());
        ServerConfig plain = build("--application-type", "module", "pkg.mod", "--callable-object", "other");
        assertEquals("pkg.mod", plain.application().entryPoint());
        assertEquals("other", plain.application().callableObject());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
            "app.wsgi --port x                  | option --port: 'x' is not a whole number",
            "app.wsgi --port 70000              | option --port: 70000 is out of range (0 to 65535)",
            "app.wsgi --port -1                 | option --port: '-1' must not be negative",
            "app.wsgi --threads 0               | option --threads: 0 is out of range (1 to 1024)",
            "app.wsgi --processes many          | option --processes: 'many' is not a whole number",
            "app.wsgi --processes 0             | option --processes: 0 is out of range (1 to 1024)",
            "app.wsgi --limit-request-body 1.5  | option --limit-request-body: '1.5' is not a whole number",
            "app.wsgi --keep-alive-timeout x    | option --keep-alive-timeout: 'x' is not a whole number",
            "app.wsgi --socket-timeout 0        | option --socket-timeout: 0 is out of range (1 to 31536000)",
            "app.wsgi --log-level loud          | option --log-level: 'loud' is not a level: use emerg, alert, crit, error, warn, notice, info or debug",
            "app.wsgi --application-type paste  | option --application-type: 'paste' is not an application type: use script or module",
            "app.wsgi --callable-object a-b     | option --callable-object: 'a-b' is not a Python name",
            "app.wsgi --working-directory nope  | option --working-directory: '%DIR%/nope' is not a directory",
            "app.wsgi --python-home nope        | option --python-home: '%DIR%/nope' is not a directory",
            "app.wsgi --document-root app.wsgi  | option --document-root: '%DIR%/app.wsgi' is not a directory",
            "app.wsgi --url-alias /s nope       | option --url-alias /s nope: '%DIR%/nope' does not exist",
            "app.wsgi --url-alias / static      | option --url-alias: the URL path must not be /; use --document-root to serve files at the root",
            "app.wsgi --mount-point /a?b        | option --mount-point: '/a?b' is not a plain URL path",
            "app.wsgi --setenv A=B c            | option --setenv: 'A=B' is not a variable name",
            "app.wsgi --access-log-format %{Referer | option --access-log-format: '%{Referer' has no closing '}'",
            "app.wsgi --access-log-format %i    | option --access-log-format: '%i' needs a name, as in %{Referer}i",
            "--application-type module a.b-     | 'a.b-' is not a module: with --application-type module, give package.module or package.module:callable",
            "--application-type module a:b:c    | 'a:b:c' is not a module: with --application-type module, give package.module or package.module:callable",
            "--application-type module 1pkg.mod | '1pkg.mod' is not a module: with --application-type module, give package.module or package.module:callable",
            "nope.wsgi                          | the WSGI script '%DIR%/nope.wsgi' does not exist",
            "static                             | the WSGI script '%DIR%/static' is a directory: give the script file in it",
            "app.wsgi other.wsgi                | only one WSGI script may be given, not app.wsgi other.wsgi",
    })
    void eachMistakeGivesOneMessageNamingIt(String commandLine, String message) {
        assertEquals(message.replace("%DIR%", dir.toString()), error(commandLine.trim().split(" +")));
    }

    @Test
    void unsupportedLogDirectiveIsNamedWithWhatIsSupported() {
        assertTrue(error("app.wsgi", "--access-log-format", "%h %Z").startsWith(
                "option --access-log-format: '%Z' is not supported; wsgi4j logs %h %a"));
        assertTrue(error("app.wsgi", "--access-log-format", "%{%Y}t").startsWith(
                "option --access-log-format: '%{%Y}t' is not supported"));
    }

    @Test
    void startedAsRootTheUserAndItsGroupsAreWhoRunsTheApplication() throws Exception {
        assertEquals(java.util.Optional.empty(), build("app.wsgi").user(), "no --user: whoever started it");
        Identity nobody = build("app.wsgi", "--user", "nobody").user().orElseThrow();
        assertEquals(65534, nobody.uid());
        assertEquals(65534, nobody.gid(), "the user's own group");
        assertTrue(nobody.groups().contains(65534));
        assertEquals(0, build("app.wsgi", "--user", "nobody", "--group", "root").user().orElseThrow().gid());
        assertEquals(65534, build("app.wsgi", "--user", "#65534").user().orElseThrow().uid(), "Apache's #uid");
        assertEquals(java.util.Optional.empty(), build("app.wsgi", "--user", "root").user(), "root stays root");
    }

    @Test
    void aUserOrGroupThatIsNotThereOrAGroupAloneIsNamed() {
        assertEquals("option --user: there is no user 'no-such-user-here' (give a name from the user database, or #UID)",
                error("app.wsgi", "--user", "no-such-user-here"));
        assertEquals("option --group: there is no group 'no-such-group-here' (give a name from the group database, "
                + "or #GID)", error("app.wsgi", "--user", "nobody", "--group", "no-such-group-here"));
        assertEquals("option --group: give --user too; the group changes only together with the user",
                error("app.wsgi", "--group", "nogroup"));
    }

    @Test
    void notStartedAsRootOnlyOneselfMayBeNamed() throws Exception {
        Exception e = assertThrows(ConfigException.class, () -> buildAs(ALICE, "app.wsgi", "--user", "nobody"));
        assertEquals("option --user nobody: only a server started as root can run as another user or group, and this "
                + "one runs as alice (uid 1000), group alice (gid 1000)", e.getMessage());
        assertEquals(java.util.Optional.empty(),
                buildAs(ALICE, "app.wsgi", "--user", "#1000", "--group", "#1000").user(), "oneself: nothing changes");
    }

    @Test
    void missingScriptIsOneMessage() {
        assertEquals("no WSGI script given: wsgi4j start-server [options] SCRIPT", error("--port", "8000"));
    }

    @Test
    void everyOptionInTheTableIsUnderstood() throws Exception {
        // A table entry the builder forgot would parse but do nothing; each one must change the configuration.
        List<String> args = new ArrayList<>(List.of("app.wsgi"));
        ServerConfig defaults = build("app.wsgi");
        for (OptionSpec spec : StartServerOptions.ALL) {
            if (spec.name().equals(StartServerOptions.HELP)) {
                continue;
            }
            List<String> one = new ArrayList<>(args);
            one.add(spec.name());
            one.addAll(sampleValues(spec.name()));
            assertFalse(defaults.equals(build(one.toArray(String[]::new))), spec.name() + " changed nothing");
        }
    }

    private static List<String> sampleValues(String option) {
        return switch (option) {
            case "--host", "--server-name" -> List.of("127.0.0.2");
            case "--port" -> List.of("8001");
            case "--processes" -> List.of("1");
            case "--threads" -> List.of("2");
            case "--python" -> List.of("python3.12");
            case "--python-home", "--python-path", "--working-directory", "--document-root" -> List.of("lib");
            case "--callable-object" -> List.of("app");
            case "--application-type" -> List.of("module");
            case "--mount-point" -> List.of("/m");
            case "--url-alias" -> List.of("/s", "static");
            case "--access-log", "--log-to-terminal", "--pass-authorization", "--reload-on-changes",
                 "--embedded-mode" -> List.of();
            case "--server-mpm" -> List.of("worker");
            case "--access-log-file", "--error-log-file", "--pid-file" -> List.of("x.log");
            case "--access-log-format" -> List.of("common");
            case "--log-level" -> List.of("debug");
            case "--limit-request-body", "--keep-alive-timeout", "--socket-timeout", "--graceful-timeout",
                 "--shutdown-timeout", "--request-timeout", "--queue-timeout", "--listen-backlog", "--startup-timeout",
                 "--maximum-requests", "--restart-interval", "--inactivity-timeout", "--cpu-time-limit",
                 "--header-timeout", "--header-max-timeout", "--header-min-rate", "--body-timeout",
                 "--body-max-timeout", "--body-min-rate", "--max-clients", "--response-buffer-size" -> List.of("7");
            case "--memory-limit" -> List.of("7M");
            case "--setenv" -> List.of("A", "b");
            case "--server-root" -> List.of("root");
            case "--user" -> List.of("nobody");
            case "--group" -> List.of("root", "--user", "nobody");
            default -> throw new AssertionError("no sample value for " + option + ": add one");
        };
    }

    @Test
    void daemonModeUnderEventByDefault() throws Exception {
        ServerConfig config = build("app.wsgi");
        assertEquals(OperatingMode.DAEMON, config.model().mode());
        assertEquals(Mpm.EVENT, config.model().mpm());
        assertTrue(config.model().multithread());
    }

    @Test
    void embeddedModeFollowsModWsgisEmbeddedRules() throws Exception {
        ServerConfig prefork = build("app.wsgi", "--embedded-mode", "--server-mpm", "prefork", "--processes", "8");
        assertEquals(1, prefork.model().threads());
        assertFalse(prefork.model().multithread());
        assertTrue(prefork.model().multiprocess());
        ServerConfig worker = build("app.wsgi", "--embedded-mode", "--server-mpm", "worker", "--processes", "1",
                "--threads", "4");
        assertTrue(worker.model().multithread());
        // In embedded mode it is the number of server processes that counts, not whether it was given.
        assertFalse(worker.model().multiprocess());
    }

    @Test
    void preforkWithThreadsInEmbeddedModeIsRefused() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> build("app.wsgi", "--embedded-mode", "--server-mpm", "prefork", "--threads", "4"));
        assertTrue(e.getMessage().startsWith("option --threads: 4 threads with --server-mpm prefork"), e.getMessage());
    }

    @Test
    void unknownMpmIsNamed() {
        ConfigException e = assertThrows(ConfigException.class, () -> build("app.wsgi", "--server-mpm", "winnt"));
        assertEquals("option --server-mpm: 'winnt' is not an MPM: use prefork, worker or event", e.getMessage());
    }
}
