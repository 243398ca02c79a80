package io.wsgi4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wsgi4j.testing.Command;
import io.wsgi4j.testing.Pythons;
import io.wsgi4j.testing.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** bin/wsgi4j as a user runs it: -v, -V, --help, finding a JDK, rebuilding a stale jar, and its error messages. */
class LauncherIT {
    private static final Path JDK17 = Path.of("/usr/lib/jvm/java-17-openjdk-amd64");
    private static final Path LAUNCHER = Command.home().resolve("bin/wsgi4j");

    @BeforeAll
    static void jarIsFresh() throws Exception {
        // A stale jar would make every run below build it with Maven, inside the test run.
        Command.Result stale = bash(". bin/lib/common.sh; if jar_is_stale; then echo stale; else echo fresh; fi",
                Map.of());
        assertEquals("fresh", stale.stdout().strip(), "target/wsgi4j.jar is older than the sources: run mvn package");
    }

    private static Command.Result bash(String script, Map<String, String> env) throws Exception {
        return Command.run(List.of("bash", "-c", script), Command.home(), env, Duration.ofSeconds(60));
    }

    /** bin/wsgi4j with the test's JDK as JAVA_HOME, plus any other environment given. */
    private static Command.Result launch(Map<String, String> env, String... args) throws Exception {
        Map<String, String> environment = new HashMap<>();
        environment.put("JAVA_HOME", System.getProperty("java.home"));
        environment.putAll(env);
        List<String> command = new ArrayList<>(List.of(LAUNCHER.toString()));
        command.addAll(List.of(args));
        return Command.run(command, TestServer.APPS, environment, Duration.ofSeconds(60));
    }

    private static Command.Result launch(String... args) throws Exception {
        return launch(Map.of(), args);
    }

    @Test
    void versionIsHttpdVsLayout() throws Exception {
        Command.Result result = launch("-v");
        assertEquals(0, result.exitCode(), result.toString());
        List<String> lines = result.stdoutLines();
        assertEquals(2, lines.size(), result.toString());
        assertTrue(lines.get(0).matches("Server version: wsgi4j/\\S+ \\(Linux\\)"), lines.get(0));
        assertTrue(lines.get(1).matches("Server built:   \\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d"), lines.get(1));
        assertEquals("", result.stderr());
    }

    @Test
    void reportIsHttpdVsLayoutLineByLineThenTheJavaAndPythonInUse() throws Exception {
        Command.Result result = launch("-V");
        assertEquals(0, result.exitCode(), result.toString());
        List<String> lines = result.stdoutLines();
        // The layout of httpd -V (MOD_WSGI-REFERENCE.md): fixed labels padded to one column.
        List<String> layout = List.of(
                "Server version: wsgi4j/\\S+ \\(Linux\\)",
                "Server built:   \\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d",
                "Server's Module Magic Number: \\d+:\\d+",
                "Server loaded:  Jetty [\\d.]+, Java \\S+, Python 3\\.\\d+\\.\\d+",
                "Compiled using: Jetty [\\d.]+, Java \\d+",
                "Architecture:   64-bit",
                "Server MPM:     event",
                "  threaded:     yes \\(fixed thread count\\)",
                "    forked:     yes \\(variable process count\\)",
                "Server compiled with....");
        for (int i = 0; i < layout.size(); i++) {
            assertTrue(lines.get(i).matches(layout.get(i)), "line " + (i + 1) + ": '" + lines.get(i) + "' is not "
                    + layout.get(i) + "\n" + result);
        }
        List<String> defines = lines.subList(layout.size(), lines.size());
        assertTrue(defines.size() >= 5, result.toString());
        for (String define : defines) {
            assertTrue(define.matches(" -D [A-Z][A-Z0-9_]*(=(\"[^\"]*\"|\\S+))?"), "not a -D line: '" + define + "'");
        }
        String python = Command.run(List.of(Pythons.defaultPython().toString(), "-c",
                        "import platform; print(platform.python_version())"), TestServer.APPS, Map.of(),
                Duration.ofSeconds(30)).stdout().strip();
        assertTrue(defines.contains(" -D PYTHON_VERSION=\"" + python + "\""), result.toString());
        assertTrue(defines.contains(" -D JAVA_VERSION=\"" + Runtime.version() + "\""), result.toString());
        assertTrue(defines.contains(" -D JAVA_HOME=\"" + System.getProperty("java.home") + "\""), result.toString());
        assertTrue(defines.contains(" -D WSGI4J_DAEMON_PROCESSES=1"));
        assertTrue(defines.contains(" -D WSGI4J_DAEMON_THREADS=5"));
        assertTrue(defines.contains(" -D WSGI4J_WSGI_MULTIPROCESS=False"));
        assertEquals("", result.stderr());
    }

    @Test
    void reportFollowsTheProcessOptions() throws Exception {
        Command.Result result = launch("-V", "--processes", "2", "--threads", "1");
        assertEquals(0, result.exitCode(), result.toString());
        assertTrue(result.stdoutLines().contains(" -D WSGI4J_DAEMON_PROCESSES=2"), result.toString());
        assertTrue(result.stdoutLines().contains(" -D WSGI4J_WSGI_MULTITHREAD=False"), result.toString());
        assertTrue(result.stdoutLines().contains(" -D WSGI4J_WSGI_MULTIPROCESS=True"), result.toString());
        Command.Result wrong = launch("-V", "--threads", "x");
        assertEquals(1, wrong.exitCode(), wrong.toString());
        assertEquals(List.of("wsgi4j: option --threads: 'x' is not a whole number"), wrong.stderrLines());
    }

    @Test
    void helpListsEveryOptionWithItsDefault() throws Exception {
        for (List<String> args : List.of(List.of("--help"), List.of("start-server", "--help"))) {
            Command.Result result = launch(args.toArray(String[]::new));
            assertEquals(0, result.exitCode(), result.toString());
            String flat = result.stdout().replaceAll("\n +", " ");
            assertTrue(result.stdout().startsWith("Usage: wsgi4j start-server [options] SCRIPT\n"), result.stdout());
            for (OptionSpec spec : StartServerOptions.ALL) {
                assertTrue(result.stdout().contains("\n  " + spec.synopsis()), args + " lacks " + spec.synopsis());
                if (!spec.defaultText().isEmpty()) {
                    assertTrue(flat.contains("Default: " + spec.defaultText() + "."), args + " lacks the default of "
                            + spec.name());
                }
            }
        }
    }

    @Test
    void findsJava25UnderUsrLibJvmWhenJavaHomeIsJava17() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isExecutable(JDK17.resolve("bin/java")), "no JDK 17 here");
        Command.Result result = launch(Map.of("JAVA_HOME", JDK17.toString()), "-V");
        assertEquals(0, result.exitCode(), result.toString());
        String javaHome = result.stdoutLines().stream().filter(l -> l.startsWith(" -D JAVA_HOME=")).findFirst()
                .orElseThrow();
        assertTrue(javaHome.startsWith(" -D JAVA_HOME=\"/usr/lib/jvm/"), javaHome);
        assertNotEquals(" -D JAVA_HOME=\"" + JDK17 + "\"", javaHome);
        assertTrue(result.stdoutLines().stream().anyMatch(l -> l.matches(" -D JAVA_VERSION=\"(2[5-9]|[3-9]\\d)\\b.*")),
                result.toString());
    }

    @Test
    void withoutJava25ItSaysSoAndHowToGetOne(@TempDir Path emptyJvmDir) throws Exception {
        Command.Result result = launch(Map.of("JAVA_HOME", JDK17.toString(),
                "WSGI4J_JVM_DIR", emptyJvmDir.toString()), "-v");
        assertNotEquals(0, result.exitCode(), result.toString());
        assertEquals("", result.stdout());
        List<String> lines = result.stderrLines();
        assertEquals("wsgi4j: no Java 25 (or newer) JDK found.", lines.get(0), result.toString());
        assertTrue(result.stderr().contains("Looked at JAVA_HOME (" + JDK17 + ": Java 17) and in " + emptyJvmDir),
                result.toString());
        assertTrue(result.stderr().contains("Temurin 25"), result.toString());

        Command.Result unset = launch(Map.of("JAVA_HOME", "", "WSGI4J_JVM_DIR", emptyJvmDir.toString()), "-v");
        assertNotEquals(0, unset.exitCode(), unset.toString());
        assertTrue(unset.stderr().contains("Looked at JAVA_HOME (not set)"), unset.toString());
    }

    @Test
    void jarIsStaleWhenAnythingItIsBuiltFromIsNewer(@TempDir Path tree) throws Exception {
        // common.sh's jar_is_stale against a small tree with controlled file times.
        String script = """
                set -e
                . bin/lib/common.sh
                WSGI4J_HOME=$1 WSGI4J_JAR=$1/target/wsgi4j.jar
                check() { if jar_is_stale; then echo "$1 stale"; else echo "$1 fresh"; fi; }
                old() { touch -d @1000000000 "$@"; }
                new() { touch -d @1000000200 "$@"; }
                mkdir -p $1/src/main/java/io $1/src/main/resources $1/src/test/java $1/python/w/__pycache__ $1/target
                touch $1/src/main/java/io/A.java $1/src/main/java/io/B.java $1/python/w/m.py $1/pom.xml
                # Directories count too: a source deleted or renamed changes its directory's time.
                old $(find $1 -not -path '*/target*')
                check missing
                touch $1/target/wsgi4j.jar; touch -d @1000000100 $1/target/wsgi4j.jar
                check built
                new $1/src/main/java/io/A.java; check java; old $1/src/main/java/io/A.java
                new $1/python/w/m.py; check python; old $1/python/w/m.py
                new $1/pom.xml; check pom; old $1/pom.xml
                touch $1/python/w/__pycache__/m.cpython-311.pyc; new $1/python/w/__pycache__/m.cpython-311.pyc
                new $1/python/w/__pycache__; check pycache
                touch $1/src/test/java/T.java; new $1/src/test/java/T.java $1/src/test/java
                check tests
                touch $1/src/main/resources/new.properties; old $1/src/main/resources/new.properties
                check added; old $1/src/main/resources
                rm $1/src/main/java/io/B.java; check deleted
                """;
        Command.Result result = Command.run(List.of("bash", "-c", script, "bash", tree.toString()), Command.home(),
                Map.of(), Duration.ofSeconds(30));
        assertEquals(0, result.exitCode(), result.toString());
        assertEquals(List.of("missing stale", "built fresh", "java stale", "python stale", "pom stale", "pycache fresh",
                "tests fresh", "added stale", "deleted stale"), result.stdoutLines());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
            "start-server tiny.wsgi --bogus         | 2 | wsgi4j: unknown option '--bogus' (see wsgi4j --help)",
            "start-server tiny.wsgi --port          | 2 | wsgi4j: option --port needs a value: --port NUMBER (see wsgi4j --help)",
            "start-server tiny.wsgi --port x        | 1 | wsgi4j: option --port: 'x' is not a whole number",
            "start-server tiny.wsgi --threads 0     | 1 | wsgi4j: option --threads: 0 is out of range (1 to 1024)",
            "start-server tiny.wsgi --log-level x   | 1 | wsgi4j: option --log-level: 'x' is not a level: use emerg, alert, crit, error, warn, notice, info or debug",
            "start-server --application-type module a- | 1 | wsgi4j: 'a-' is not a module: with --application-type module, give package.module or package.module:callable",
            "start-server                           | 1 | wsgi4j: no WSGI script given: wsgi4j start-server [options] SCRIPT",
            "start-server nope.wsgi                 | 1 | wsgi4j: the WSGI script '%APPS%/nope.wsgi' does not exist",
            "start-server .                         | 1 | wsgi4j: the WSGI script '%APPS%' is a directory: give the script file in it",
            "serve tiny.wsgi                        | 2 | wsgi4j: unknown command 'serve' (see wsgi4j --help)",
    })
    void mistakesGiveOneLineAndAnExitStatus(String commandLine, int status, String message) throws Exception {
        Command.Result result = launch(commandLine.trim().split(" +"));
        assertEquals(status, result.exitCode(), result.toString());
        assertEquals(List.of(message.replace("%APPS%", TestServer.APPS.toString())), result.stderrLines());
        assertEquals("", result.stdout());
    }
}
