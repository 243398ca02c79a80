package io.wsgi4j.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wsgi4j.config.LogLevel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The error log's Apache layout, its escaping of messages, and level filtering. */
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
    void controlCharactersAndEscapeSequencesAreEscaped() throws Exception {
        Path file = dir.resolve("error_log");
        try (ErrorLog log = ErrorLog.toFile(file, LogLevel.WARN)) {
            log.log(LogLevel.ERROR, 1, "c:1", "r", "a\u0001b \u001b[31mred\u001b[0m \u001b]0;title\u0007 tab\tcr\rend \\ \"q\" \u00e9");
        }
        byte[] bytes = Files.readAllBytes(file);
        for (byte b : bytes) {
            assertTrue(b == '\n' || (b >= 0x20 && b < 0x7f), "a raw byte " + b + " in the log");
        }
        List<String> lines = lines(file);
        assertEquals(1, lines.size());
        assertTrue(lines.get(0).endsWith("[request r] a\\x01b \\x1b[31mred\\x1b[0m \\x1b]0;title\\x07 tab\\tcr\\rend \\\\ \"q\" \\xc3\\xa9"),
                lines.get(0));
    }

    @Test
    void aFakeEntryAfterANewlineIsALineOfTheMessageWithItsOwnPrefix() throws Exception {
        Path file = dir.resolve("error_log");
        String fake = "[Mon Jan 01 00:00:00.000000 2024] [wsgi:crit] [pid 1] fake";
        try (ErrorLog log = ErrorLog.toFile(file, LogLevel.WARN)) {
            log.log(LogLevel.ERROR, 1, "c:1", "r", "before\n" + fake + "\r\n\u001b[1A\u001b[2K" + fake);
        }
        List<String> lines = lines(file);
        assertEquals(3, lines.size());
        assertTrue(lines.stream().allMatch(l -> l.matches(TIME + " \\[wsgi:error\\] \\[pid 1\\] \\[client c:1\\] \\[request r\\] .*")),
                String.join("\n", lines));
        assertTrue(lines.get(1).endsWith("[request r] " + fake), lines.get(1));
        // Cursor movements that would hide the real prefix on a terminal are inert.
        assertTrue(lines.get(2).endsWith("[request r] \\x1b[1A\\x1b[2K" + fake), lines.get(2));
    }

    @Test
    void aMessageWithoutAnythingToEscapeIsWrittenAsItIs() throws Exception {
        Path file = dir.resolve("error_log");
        try (ErrorLog log = ErrorLog.toFile(file, LogLevel.WARN)) {
            log.log(LogLevel.ERROR, "  File \"/srv/app.py\", line 3, in <module> ['x'] {1: 2}");
        }
        assertTrue(lines(file).get(0).endsWith("] " + "  File \"/srv/app.py\", line 3, in <module> ['x'] {1: 2}"));
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
