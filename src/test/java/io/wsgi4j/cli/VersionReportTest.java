package io.wsgi4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wsgi4j.config.DaemonConfig;
import io.wsgi4j.config.DaemonTimeouts;
import io.wsgi4j.config.Mpm;
import io.wsgi4j.config.OperatingMode;
import io.wsgi4j.config.ServerModel;
import io.wsgi4j.config.RecyclePolicy;
import io.wsgi4j.config.PythonConfig;
import io.wsgi4j.python.PythonInterpreter;
import io.wsgi4j.server.BuildInfo;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** -v and -V in httpd's layout, with the process model of the configuration given. */
class VersionReportTest {
    private static final BuildInfo BUILD = new BuildInfo("1.2.3", "2026-11-12T08:58:41", "12.1.14");

    private static DaemonConfig daemon(int processes, boolean given, int threads) {
        return new DaemonConfig("g", "(wsgi:g)", new ServerModel(OperatingMode.DAEMON, Mpm.EVENT, processes, threads, given),
                new PythonConfig("python3", Optional.empty(), List.of()), Path.of("/"), 100,
                new DaemonTimeouts(Duration.ZERO, Duration.ZERO, Duration.ZERO, Duration.ZERO, Duration.ZERO),
                RecyclePolicy.NEVER, false);
    }

    @Test
    void versionIsHttpdsTwoLines() {
        List<String> lines = VersionReport.version(BUILD);
        assertEquals(2, lines.size());
        assertEquals("Server version: wsgi4j/1.2.3 (" + System.getProperty("os.name") + ")", lines.get(0));
        assertEquals("Server built:   2026-11-12T08:58:41", lines.get(1));
    }

    @Test
    void reportDefinesTheProcessModelAndInterpreter() {
        PythonInterpreter python = new PythonInterpreter(Path.of("/usr/bin/python3.11"), "3.11.2", 3, 11,
                Path.of("/usr"), Optional.of(Path.of("/usr/lib/libpython3.11.so")), Optional.empty());
        List<String> lines = VersionReport.report(BUILD,
                new ServerModel(OperatingMode.DAEMON, Mpm.EVENT, 2, 1, true), daemon(2, true, 1), python);
        assertEquals("Server's Module Magic Number: 1:0", lines.get(2));
        assertTrue(lines.get(3).startsWith("Server loaded:  Jetty 12.1.14, Java "), lines.get(3));
        assertTrue(lines.get(3).endsWith(", Python 3.11.2"), lines.get(3));
        assertTrue(lines.contains(" -D WSGI4J_DAEMON_PROCESSES=2"));
        assertTrue(lines.contains(" -D WSGI4J_DAEMON_THREADS=1"));
        assertTrue(lines.contains(" -D WSGI4J_WSGI_MULTITHREAD=False"));
        assertTrue(lines.contains(" -D WSGI4J_WSGI_MULTIPROCESS=True"));
        assertTrue(lines.contains(" -D PYTHON_EXECUTABLE=\"/usr/bin/python3.11\""));
        assertTrue(lines.contains(" -D PYTHON_VERSION=\"3.11.2\""));
        assertTrue(lines.contains(" -D PYTHON_SHARED_LIBRARY=\"/usr/lib/libpython3.11.so\""));
        assertTrue(lines.contains(" -D JAVA_VERSION=\"" + Runtime.version() + "\""));
    }

    @Test
    void reportWithoutAnInterpreterLeavesPythonOut() {
        List<String> lines = VersionReport.report(BUILD,
                new ServerModel(OperatingMode.DAEMON, Mpm.EVENT, 1, 5, false), daemon(1, false, 5), null);
        assertTrue(lines.stream().noneMatch(line -> line.contains("PYTHON")), String.join("\n", lines));
        assertTrue(lines.get(3).endsWith("Java " + Runtime.version()), lines.get(3));
        assertTrue(lines.contains(" -D WSGI4J_WSGI_MULTIPROCESS=False"));
    }

    private static List<String> model(List<String> lines) {
        int at = lines.indexOf(lines.stream().filter(l -> l.startsWith("Server MPM:")).findFirst().orElseThrow());
        return lines.subList(at, at + 3);
    }

    @Test
    void preforkIsForkedAndNotThreadedAsHttpdSays() {
        List<String> lines = VersionReport.report(BUILD,
                new ServerModel(OperatingMode.EMBEDDED, Mpm.PREFORK, 8, 1, true), daemon(8, true, 1), null);
        assertEquals(List.of("Server MPM:     prefork", "  threaded:     no",
                "    forked:     yes (variable process count)"), model(lines));
        assertTrue(lines.contains(" -D WSGI4J_OPERATING_MODE=\"embedded\""));
        assertTrue(lines.contains(" -D WSGI4J_SERVER_PROCESSES=8"));
        assertTrue(lines.contains(" -D WSGI4J_WSGI_MULTITHREAD=False"));
        assertTrue(lines.contains(" -D WSGI4J_WSGI_MULTIPROCESS=True"));
    }

    @Test
    void workerAndEventAreThreaded() {
        for (Mpm mpm : List.of(Mpm.WORKER, Mpm.EVENT)) {
            List<String> lines = VersionReport.report(BUILD,
                    new ServerModel(OperatingMode.EMBEDDED, mpm, 2, 4, true), daemon(2, true, 4), null);
            assertEquals(List.of("Server MPM:     " + mpm.key(), "  threaded:     yes (fixed thread count)",
                    "    forked:     yes (variable process count)"), model(lines));
            assertTrue(lines.contains(" -D WSGI4J_WSGI_MULTITHREAD=True"));
        }
    }
}
