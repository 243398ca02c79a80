package io.wsgi4j.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wsgi4j.testing.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The access log in Apache's formats (combined by default, common, custom with %D), the error log's layout,
 * --log-level, and --error-log-file / --access-log-file against the server root's default files.
 */
class LogsIT {
    private static final String ERROR_TIME =
            "\\[(Mon|Tue|Wed|Thu|Fri|Sat|Sun) [A-Z][a-z]{2} \\d\\d \\d\\d:\\d\\d:\\d\\d\\.\\d{6} \\d{4}\\]";
    private static final Pattern ACCESS_TIME = Pattern.compile("\\[(\\d\\d/[A-Z][a-z]{2}/\\d{4}:\\d\\d:\\d\\d:\\d\\d [+-]\\d{4})\\]");

    @TempDir
    static Path dir;
    /** Combined format (the default) into --access-log-file, errors into --error-log-file, at level info. */
    private static TestServer combined;
    /** Common format, both logs in the server root's default files, level warn. */
    private static TestServer common;
    /** A custom format with %D, level crit. */
    private static TestServer custom;

    @BeforeAll
    static void start() throws Exception {
        combined = TestServer.start("tiny.wsgi", "--access-log", "--access-log-file", dir.resolve("logs/access.log").toString(),
                "--error-log-file", dir.resolve("logs/error.log").toString(), "--log-level", "info");
        common = TestServer.start("tiny.wsgi", "--access-log", "--access-log-format", "common");
        custom = TestServer.start("tiny.wsgi", "--access-log", "--access-log-format", "%h \"%r\" %>s %D %{X-Id}i",
                "--log-level", "crit");
    }

    @AfterAll
    static void stop() {
        for (TestServer server : new TestServer[]{combined, common, custom}) {
            if (server != null) {
                server.close();
            }
        }
    }

    private static String request(String target, String... headers) {
        return "GET " + target + " HTTP/1.1\r\nHost: localhost\r\n" + String.join("", headers)
                + "Connection: close\r\n\r\n";
    }

    /** Waits for a line of a log file that matches; returns it. */
    private static String awaitLine(Path file, Predicate<String> matches) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (true) {
            List<String> lines = Files.exists(file) ? Files.readAllLines(file) : List.of();
            for (String line : lines) {
                if (matches.test(line)) {
                    return line;
                }
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no matching line in " + file + ":\n" + String.join("\n", lines));
            }
            Thread.sleep(20);
        }
    }

    private static Path accessLog(TestServer server) {
        return server.config().logging().accessLogFile().orElseThrow();
    }

    /** The line without its [time], checked to be Apache's %t for about now in the local zone. */
    private static String withoutTime(String line) {
        Matcher m = ACCESS_TIME.matcher(line);
        assertTrue(m.find(), line);
        ZonedDateTime logged = ZonedDateTime.parse(m.group(1),
                DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss Z", Locale.ENGLISH));
        ZonedDateTime now = ZonedDateTime.now(ZoneId.systemDefault());
        assertEquals(now.getOffset(), logged.getOffset(), "Apache logs local time: " + line);
        assertTrue(Duration.between(logged, now).abs().toMinutes() < 5, "not about now: " + line);
        return line.substring(0, m.start()) + "[T]" + line.substring(m.end());
    }

    @Test
    void combinedIsTheDefaultFormat() throws Exception {
        assertEquals(200, combined.exchange(request("/x?y", "Referer: http://ref.example/\r\n",
                "User-Agent: agent/1.0\r\n")).status());
        String line = awaitLine(accessLog(combined), l -> l.contains("/x?y"));
        assertEquals("127.0.0.1 - - [T] \"GET /x?y HTTP/1.1\" 200 5 \"http://ref.example/\" \"agent/1.0\"",
                withoutTime(line));
    }

    @Test
    void emptyBodyAndMissingHeadersAreDashes() throws Exception {
        assertEquals(200, combined.exchange(request("/empty")).status());
        String line = awaitLine(accessLog(combined), l -> l.contains("/empty"));
        assertEquals("127.0.0.1 - - [T] \"GET /empty HTTP/1.1\" 200 - \"-\" \"-\"", withoutTime(line));
    }

    @Test
    void quotesAndBackslashesAreEscapedAsApacheDoes() throws Exception {
        assertEquals(200, combined.exchange(request("/quoted", "User-Agent: a \"quoted\" \\ agent\r\n")).status());
        String line = awaitLine(accessLog(combined), l -> l.contains("/quoted"));
        assertEquals("127.0.0.1 - - [T] \"GET /quoted HTTP/1.1\" 200 5 \"-\" \"a \\\"quoted\\\" \\\\ agent\"",
                withoutTime(line));
    }

    @Test
    void requestLineIsLoggedAsSentStillEncoded() throws Exception {
        assertEquals(200, combined.exchange(request("/p%20q/%22?x=%22y&z")).status());
        String line = awaitLine(accessLog(combined), l -> l.contains("/p%20q"));
        assertEquals("127.0.0.1 - - [T] \"GET /p%20q/%22?x=%22y&z HTTP/1.1\" 200 5 \"-\" \"-\"", withoutTime(line));
    }

    @Test
    void http10RequestsToo() throws Exception {
        assertEquals(200, combined.exchange("GET /ten HTTP/1.0\r\n\r\n").status());
        String line = awaitLine(accessLog(combined), l -> l.contains("/ten"));
        assertEquals("127.0.0.1 - - [T] \"GET /ten HTTP/1.0\" 200 5 \"-\" \"-\"", withoutTime(line));
    }

    @Test
    void commonFormat() throws Exception {
        assertEquals(200, common.exchange(request("/c?q=1", "Referer: http://ref.example/\r\n")).status());
        String line = awaitLine(accessLog(common), l -> l.contains("/c?q=1"));
        assertEquals("127.0.0.1 - - [T] \"GET /c?q=1 HTTP/1.1\" 200 5", withoutTime(line));
    }

    @Test
    void customFormatWithRequestTimeInMicroseconds() throws Exception {
        assertEquals(200, custom.exchange(request("/sleep", "X-Id: slow\r\n")).status());
        assertEquals(200, custom.exchange(request("/fast")).status());
        String slow = awaitLine(accessLog(custom), l -> l.contains("/sleep"));
        Matcher m = Pattern.compile("127\\.0\\.0\\.1 \"GET /sleep HTTP/1\\.1\" 200 (\\d+) slow").matcher(slow);
        assertTrue(m.matches(), slow);
        // The application sleeps 2 s: in microseconds that is at least 2,000,000 (in milliseconds it would be 2,000).
        assertTrue(Long.parseLong(m.group(1)) >= 2_000_000L, slow);
        String fast = awaitLine(accessLog(custom), l -> l.contains("/fast"));
        assertTrue(fast.matches("127\\.0\\.0\\.1 \"GET /fast HTTP/1\\.1\" 200 \\d+ -"), fast);
    }

    @Test
    void errorLogLinesHaveApachesLayout() throws Exception {
        assertEquals(200, combined.exchange(request("/log")).status());
        Path errorLog = combined.errorLog();
        String line = awaitLine(errorLog, l -> l.endsWith(" app says hello"));
        long worker = combined.server().processGroup().pids().getFirst();
        assertTrue(line.matches(ERROR_TIME + " \\[wsgi:error\\] \\[pid " + worker + "\\] \\[client 127\\.0\\.0\\.1:\\d+\\] "
                + "\\[request [^\\]\\s]+\\] app says hello"), line);
        String started = awaitLine(errorLog, l -> l.contains("resuming normal operations"));
        assertTrue(started.matches(ERROR_TIME + " \\[wsgi:notice\\] \\[pid " + ProcessHandle.current().pid()
                + "\\] wsgi4j: wsgi4j/\\S+ \\(Python [\\d.]+\\) configured -- resuming normal operations"), started);
    }

    @Test
    void logLevelInfoShowsInfoMessages() throws Exception {
        String line = awaitLine(combined.errorLog(), l -> l.contains("started daemon process"));
        assertTrue(line.matches(ERROR_TIME + " \\[wsgi:info\\] .*"), line);
    }

    @Test
    void defaultLevelWarnLeavesInfoOutButNotices() throws Exception {
        assertEquals(200, common.exchange(request("/log")).status());
        awaitLine(common.errorLog(), l -> l.endsWith(" app says hello"));
        String text = common.errorLogText();
        assertFalse(text.contains("[wsgi:info]"), text);
        assertTrue(text.contains("[wsgi:notice]"), text);
    }

    @Test
    void logLevelCritLeavesErrorsOut() throws Exception {
        assertEquals(200, custom.exchange(request("/log")).status());
        // The access log line is written after the response; the error line, had it passed, before it.
        awaitLine(accessLog(custom), l -> l.contains("/log"));
        String text = custom.errorLogText();
        assertFalse(text.contains("app says hello"), text);
        assertFalse(text.contains("[wsgi:error]"), text);
        assertTrue(text.contains("[wsgi:notice]"), "notices are written at any level, as in Apache:\n" + text);
    }

    @Test
    void logFileOptionsReplaceTheServerRootFiles() throws Exception {
        assertEquals(dir.resolve("logs/error.log"), combined.errorLog());
        assertEquals(dir.resolve("logs/access.log"), accessLog(combined));
        assertFalse(Files.exists(combined.root().resolve("error_log")));
        assertFalse(Files.exists(combined.root().resolve("access_log")));
        assertEquals(common.root().resolve("error_log"), common.errorLog());
        assertEquals(common.root().resolve("access_log"), accessLog(common));
        assertTrue(Files.exists(common.root().resolve("error_log")));
    }
}
