package io.wsgi4j.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import org.junit.jupiter.api.Test;

/** Apache's two escapings: ap_escape_logitem for the access log, ap_escape_errorlog_item for the error log. */
class LogEscapeTest {
    private static String logItem(String value) {
        StringBuilder line = new StringBuilder("pre ");
        LogEscape.logItem(line, value);
        return line.substring(4);
    }

    @Test
    void logItemEscapesAsApacheDoes() {
        assertEquals("plain /x?y=1", logItem("plain /x?y=1"));
        assertEquals("a\\\"b\\\\c", logItem("a\"b\\c"));
        assertEquals("\\t\\n\\r\\b\\v\\x01\\x1b[31m\\x7f", logItem("\t\n\r\b\u000b\u0001\u001b[31m\u007f"));
        // Header text is ISO-8859-1: a char up to 0xff is the byte the client sent.
        assertEquals("caf\\xe9 \\x80\\xff", logItem("caf\u00e9 \u0080\u00ff"));
        // Wider chars come from UTF-8: their UTF-8 bytes.
        assertEquals("\\xc4\\x80 \\xe2\\x82\\xac \\xf0\\x9f\\x98\\x80", logItem("\u0100 \u20ac \uD83D\uDE00"));
    }

    @Test
    void errorLogItemLeavesQuotesAndEscapesTheRestAsTheAccessLog() {
        assertEquals("say \"hi\" to \\\\server\\\\share", LogEscape.errorLogItem("say \"hi\" to \\server\\share"));
        assertEquals("\\t\\n\\r\\b\\v\\x00\\x01\\x0c\\x1f\\x7f", LogEscape.errorLogItem("\t\n\r\b\u000b\u0000\u0001\f\u001f\u007f"));
        assertEquals("\\x1b]0;owned\\x07\\x1b[2J", LogEscape.errorLogItem("\u001b]0;owned\u0007\u001b[2J"));
        assertEquals("x\\n[Mon Jan 01 00:00:00.000000 2024] [wsgi:crit] fake",
                LogEscape.errorLogItem("x\n[Mon Jan 01 00:00:00.000000 2024] [wsgi:crit] fake"));
    }

    @Test
    void errorLogItemEscapesUtf8BytesOfAnythingNotAscii() {
        // The message is Unicode text: even chars up to 0xff are their UTF-8 bytes.
        assertEquals("caf\\xc3\\xa9 \\xc2\\x85", LogEscape.errorLogItem("caf\u00e9 \u0085"));
        assertEquals("\\xe2\\x80\\xa8 \\xe2\\x82\\xac \\xf0\\x9f\\x98\\x80", LogEscape.errorLogItem("\u2028 \u20ac \uD83D\uDE00"));
        // A lone surrogate is not dropped: its value's three bytes.
        assertEquals("a\\xed\\xa0\\xbdb", LogEscape.errorLogItem("a\uD83Db"));
    }

    @Test
    void errorLogItemReturnsWhatNeedsNoEscapingAsItIs() {
        String plain = "wsgi4j: started daemon process 123 ['quoted' \"too\"] ~!@#$%^&*()_+{}|:<>?";
        assertSame(plain, LogEscape.errorLogItem(plain));
        String empty = "";
        assertSame(empty, LogEscape.errorLogItem(empty));
        // The part before the first escape is kept, the rest escaped.
        assertEquals("ok so far \\x01 then", LogEscape.errorLogItem("ok so far \u0001 then"));
        assertEquals("\\\\", LogEscape.errorLogItem("\\"));
    }
}
