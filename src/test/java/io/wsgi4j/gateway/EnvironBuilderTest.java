package io.wsgi4j.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** How request strings from Jetty become PEP 3333's one-char-per-byte strings. */
class EnvironBuilderTest {

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
        assertEquals("q=caf\u00c3\u00a9", EnvironBuilder.targetBytes("q=caf\u00e9"));
        assertEquals("a=%C3%A9", EnvironBuilder.targetBytes("a=%C3%A9"));
    }
}
