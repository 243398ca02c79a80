package io.wsgi4j.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wsgi4j.config.LogLevel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Jetty's messages in the error log: escaped, and naming the client whose request was being parsed. */
class JettyLogBridgeTest {
    @TempDir
    Path dir;

    @AfterEach
    void unroute() {
        JettyLogBridge.routeTo(null);
    }

    @Test
    void aWarningWhileParsingNamesTheClientAndIsEscaped() throws Exception {
        Path file = dir.resolve("error_log");
        Logger jetty = LoggerFactory.getLogger("org.eclipse.jetty.http.HttpParser");
        try (ErrorLog log = ErrorLog.toFile(file, LogLevel.WARN)) {
            JettyLogBridge.routeTo(log);
            ParsingClient.run(() -> "127.0.0.1:4242",
                    () -> jetty.warn("Bad port [{}]", "1\n[wsgi:crit] \u0001fake"));
            jetty.warn("not parsing");
        }
        List<String> lines = Files.readAllLines(file);
        assertEquals(3, lines.size(), lines.toString());
        assertTrue(lines.get(0).endsWith("[wsgi:warn] [pid " + ProcessHandle.current().pid()
                + "] [client 127.0.0.1:4242] jetty: Bad port [1"), lines.get(0));
        assertTrue(lines.get(1).endsWith("] [client 127.0.0.1:4242] [wsgi:crit] \\x01fake]"), lines.get(1));
        // Outside a parse: no client.
        assertTrue(lines.get(2).endsWith("[wsgi:warn] [pid " + ProcessHandle.current().pid() + "] jetty: not parsing"),
                lines.get(2));
    }
}
