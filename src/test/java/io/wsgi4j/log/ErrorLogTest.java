package io.wsgi4j.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wsgi4j.config.LogLevel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The error log's Apache layout and level filtering. */
class ErrorLogTest {
    private static final String TIME = "\\[(Mon|Tue|Wed|Thu|Fri|Sat|Sun) (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) "
            + "\\d\\d \\d\\d:\\d\\d:\\d\\d\\.\\d{6} \\d{4}\\]";

    @TempDir
    Path dir;

    private List<String> lines(Path file) throws Exception {
        return Files.readAllLines(file);
    }

    @Test
    void requestMessagesCarryClientAndRequestId() throws Exception {
        Path file = dir.resolve("logs/error_log");
        try (ErrorLog log = ErrorLog.toFile(file, LogLevel.WARN)) {
            log.log(LogLevel.ERROR, 4321, "127.0.0.1:5678", "abc-1", "it failed");
            log.log(LogLevel.WARN, "server says");
        }
        List<String> lines = lines(file);
        assertEquals(2, lines.size());
        assertTrue(lines.get(0).matches(TIME + " \\[wsgi:error\\] \\[pid 4321\\] \\[client 127\\.0\\.0\\.1:5678\\] "
                + "\\[request abc-1\\] it failed"), lines.get(0));
        assertTrue(lines.get(1).matches(TIME + " \\[wsgi:warn\\] \\[pid " + ProcessHandle.current().pid() + "\\] server says"),
                lines.get(1));
    }

    @Test
    void everyLineOfAMessageGetsThePrefix() throws Exception {
        Path file = dir.resolve("error_log");
        try (ErrorLog log = ErrorLog.toFile(file, LogLevel.WARN)) {
            log.log(LogLevel.ERROR, 1, "c:1", "r", "Traceback:\r\n  line\nError");
        }
        List<String> lines = lines(file);
        assertEquals(3, lines.size());
        assertTrue(lines.stream().allMatch(l -> l.matches(TIME + " \\[wsgi:error\\] \\[pid 1\\] \\[client c:1\\] \\[request r\\] .*")));
        assertTrue(lines.get(1).endsWith("]   line"));
    }

    @Test
    void levelFiltersButNoticesAlwaysPassAsInApache() throws Exception {
        Path file = dir.resolve("error_log");
        try (ErrorLog log = ErrorLog.toFile(file, LogLevel.ERROR)) {
            log.log(LogLevel.WARN, "warn dropped");
            log.log(LogLevel.INFO, "info dropped");
            log.log(LogLevel.ERROR, "error kept");
            log.log(LogLevel.CRIT, "crit kept");
            log.log(LogLevel.NOTICE, "notice kept");
        }
        String text = Files.readString(file);
        assertTrue(text.contains("error kept") && text.contains("crit kept") && text.contains("notice kept"), text);
        assertTrue(!text.contains("dropped"), text);
    }

    @Test
    void appendsToAnExistingFile() throws Exception {
        Path file = dir.resolve("error_log");
        Files.writeString(file, "earlier\n");
        try (ErrorLog log = ErrorLog.toFile(file, LogLevel.DEBUG)) {
            log.log(LogLevel.DEBUG, "later");
        }
        List<String> lines = lines(file);
        assertEquals("earlier", lines.get(0));
        assertTrue(lines.get(1).endsWith("[wsgi:debug] [pid " + ProcessHandle.current().pid() + "] later"));
    }
}
