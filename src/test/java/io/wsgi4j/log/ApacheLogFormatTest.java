package io.wsgi4j.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** What Apache LogFormat strings are accepted (the escaping of logged values: {@link LogEscapeTest}). */
class ApacheLogFormatTest {
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
}
