package io.wsgi4j.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.net.InetAddress;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Header names as CGI variables, and addresses as Apache writes them. */
class EnvironBuilderTest {

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
            "Accept, HTTP_ACCEPT",
            "x-forwarded-for, HTTP_X_FORWARDED_FOR",
            "User-Agent, HTTP_USER_AGENT",
            "X-1, HTTP_X_1",
            "aaaaaaaaaaaaa, HTTP_AAAAAAAAAAAAA",
    })
    void headerNamesBecomeHttpVariables(String header, String variable) {
        assertEquals(variable, EnvironBuilder.cgiName(header));
    }

    @ParameterizedTest
    @ValueSource(strings = {"X_Forwarded_For", "Transfer_Encoding", "X.Custom|Pipe", "X~Y", "X'Y", "a!b"})
    void namesWithOtherCharactersHaveNoVariable(String header) {
        // As Apache: "X_Forwarded_For" must not pass for "X-Forwarded-For".
        assertNull(EnvironBuilder.cgiName(header));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
            "127.0.0.1, 127.0.0.1",
            "::1, ::1",
            "::, ::",
            "2001:db8:0:0:0:0:0:1, 2001:db8::1",
            "2001:db8:0:0:1:0:0:1, 2001:db8::1:0:0:1",
            "2001:db8:0:1:1:1:1:1, 2001:db8:0:1:1:1:1:1",
            "1:0:0:0:0:0:0:0, 1::",
            "fe80:0:0:0:0:0:0:ABCD, fe80::abcd",
            "2001:0:0:1:0:0:0:1, 2001:0:0:1::1",
    })
    void addressesInTheirShortestForm(String address, String written) throws Exception {
        assertEquals(written, EnvironBuilder.address(InetAddress.getByName(address)));
    }

    @Test
    void requestLinePartsGoBackToTheirBytes() {
        assertEquals("/caf\u00c3\u00a9?q=\u00e2\u0082\u00ac", RequestTarget.latin1("/caf\u00e9?q=\u20ac"));
        assertEquals("/plain?x=1", RequestTarget.latin1("/plain?x=1"));
    }

    @Test
    void headerValuesAreAlreadyOneCharPerByte() {
        // Jetty decodes header bytes as ISO-8859-1: 0xE9 is 'é', the UTF-8 bytes C3 A9 are two chars.
        assertEquals("caf\u00e9", EnvironBuilder.headerBytes("caf\u00e9"));
        assertEquals("caf\u00c3\u00a9", EnvironBuilder.headerBytes("caf\u00c3\u00a9"));
        assertEquals("plain", EnvironBuilder.headerBytes("plain"));
        // Nothing wider should come from Jetty; if it did, its UTF-8 bytes are what was sent.
        assertEquals("\u00e2\u009c\u0093", EnvironBuilder.headerBytes("\u2713"));
    }

    @Test
    void requestTargetCharsBecomeTheirUtf8Bytes() {
        // Jetty decodes the request target as UTF-8.
        assertEquals("q=caf\u00c3\u00a9", RequestTarget.latin1("q=caf\u00e9"));
        assertEquals("a=%C3%A9", RequestTarget.latin1("a=%C3%A9"));
    }
}
