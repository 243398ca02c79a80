package io.wsgi4j.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** What Apache LogFormat strings are accepted, and Apache's escaping of logged values. */
class ApacheLogFormatTest {
    private static String escaped(String value) {
        StringBuilder line = new StringBuilder();
        ApacheLogFormat.escape(line, value);
        return line.toString();
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "%h %l %u %t \"%r\" %>s %b",
            "%h %l %u %t \"%r\" %>s %b \"%{Referer}i\" \"%{User-agent}i\"",
            "%a %{c}a %A %B %D %T %{ms}T %{us}T %{s}T %m %U %q %H %X %p %{local}p %{remote}p %P %{pid}P %v %V %% %<s",
            "%400,501{User-agent}i %!200,304{Referer}i %{Content-Type}o %{session}C",
            "no directives at all",
            ""})
    void acceptsApacheFormats(String format) {
        ApacheLogFormat.compile(format, "localhost", 1);
    }

    @Test
    void refusesWhatItCannotLogNamingTheDirective() {
        assertTrue(message("%h %e").startsWith("'%e' is not supported"));
        assertTrue(message("%{%d/%m}t").startsWith("'%{%d/%m}t' is not supported"));
        assertTrue(message("%{tid}P").startsWith("'%{tid}P' is not supported"));
        assertTrue(message("%{x}h").startsWith("'%{x}h' is not supported"));
        assertEquals("'%{Referer}' ends before its directive letter", message("%{Referer}"));
        assertEquals("'%' ends before its directive letter", message("100%"));
        assertEquals("'%{Referer' has no closing '}'", message("%{Referer"));
        assertEquals("'%o' needs a name, as in %{Referer}o", message("%o"));
        assertTrue(message("%4x5{Referer}i").startsWith("'%4x' is not supported"));
        assertEquals("'%!,{Referer}i' has a malformed status condition", message("%!,{Referer}i"));
    }

    private static String message(String format) {
        return assertThrows(IllegalArgumentException.class, () -> ApacheLogFormat.compile(format, "h", 1)).getMessage();
    }

    @Test
    void escapesAsApacheDoes() {
        assertEquals("plain /x?y=1", escaped("plain /x?y=1"));
        assertEquals("a\\\"b\\\\c", escaped("a\"b\\c"));
        assertEquals("\\t\\n\\r\\b\\v\\x01\\x7f", escaped("\t\n\r\b\u000b\u0001\u007f"));
        assertEquals("caf\\xe9", escaped("caf\u00e9"));
        assertEquals("\\xe2\\x82\\xac \\xf0\\x9f\\x98\\x80", escaped("\u20ac \uD83D\uDE00"));
    }
}
