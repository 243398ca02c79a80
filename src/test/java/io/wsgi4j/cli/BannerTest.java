package io.wsgi4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wsgi4j.config.ServerConfig;
import io.wsgi4j.python.PythonInterpreter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The start-up summary in mod_wsgi-express's layout: a 19-column label, " : ", the value. */
class BannerTest {
    private static final PythonInterpreter PYTHON = new PythonInterpreter(Path.of("/usr/bin/python3"), "3.11.2", 3, 11,
            Path.of("/usr"), Optional.empty(), Optional.empty());

    @TempDir
    Path dir;

    private List<String> banner(String... options) throws Exception {
        Files.writeString(dir.resolve("app.wsgi"), "");
        List<String> args = new java.util.ArrayList<>(List.of("app.wsgi"));
        args.addAll(List.of(options));
        ServerConfig config = ConfigBuilder.build(new ArgumentParser(StartServerOptions.ALL).parse(args), dir, 1000);
        return Banner.lines(config, PYTHON, "wsgi4j/1.2.3", 8123);
    }

    @Test
    void defaultsReadAsModWsgiExpresss() throws Exception {
        List<String> lines = banner();
        assertEquals("Server URL         : http://localhost:8123/", lines.get(0));
        assertEquals("Server Root        : /tmp/wsgi4j-localhost:8000:1000", lines.get(1));
        assertTrue(lines.contains("Operating Mode     : daemon"));
        assertTrue(lines.contains("Request Capacity   : 5 (1 process * 5 threads)"));
        assertTrue(lines.contains("Socket Timeout     : 60 (seconds)"));
        assertTrue(lines.contains("Keep Alive Timeout : 2 (seconds)"));
        assertTrue(lines.contains("Graceful Timeout   : 15 (seconds)"));
        assertTrue(lines.contains("Error Log File     : /tmp/wsgi4j-localhost:8000:1000/error_log (warn)"));
        assertTrue(lines.contains("Python             : /usr/bin/python3 (Python 3.11.2)"));
        for (String line : lines) {
            assertTrue(line.matches("[A-Z][A-Za-z ]{18}: .+"), "layout: " + line);
        }
    }

    @Test
    void capacityCountsProcessesAndThreads() throws Exception {
        assertTrue(banner("--processes", "3", "--threads", "1").contains("Request Capacity   : 3 (3 processes * 1 thread)"));
    }

    @Test
    void mountPointAndLogsShow() throws Exception {
        List<String> lines = banner("--mount-point", "/app", "--log-to-terminal", "--access-log", "--log-level", "info");
        assertEquals("Server URL         : http://localhost:8123/app/", lines.get(0));
        assertTrue(lines.contains("Error Log File     : (terminal) (info)"));
        assertTrue(lines.contains("Access Log File    : (terminal)"));
    }
}
