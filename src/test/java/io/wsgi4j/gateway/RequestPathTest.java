package io.wsgi4j.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Decoding, normalising and splitting the request path as Apache does. */
class RequestPathTest {

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
            "/a%20b/c     | /a b/c",
            "/%41%62      | /Ab",
            "/a+b         | /a+b",
            "/%25         | /%",
            "/caf%C3%A9   | /caf\u00c3\u00a9",
            "/%e9t%E9     | /\u00e9t\u00e9",
            "/a%3Fb       | /a?b",
            "/a%23b       | /a#b",
    })
    void decodesEscapesToOneCharPerByte(String raw, String decoded) {
        assertEquals(Optional.of(decoded.strip()), RequestPath.decode(raw.strip()));
    }

    @Test
    void rawNonAsciiCharsBecomeTheirUtf8Bytes() {
        // Jetty hands over raw request-line bytes decoded as UTF-8; PEP 3333 wants the bytes.
        assertEquals(Optional.of("/\u00c3\u00a0 k"), RequestPath.decode("/\u00e0%20k"));
        assertEquals(Optional.of("/\u00e2\u0082\u00ac"), RequestPath.decode("/\u20ac"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"/a%00b", "/a%2Fb", "/a%2fb", "/a%zzb", "/a%2", "/a%", "/%g0"})
    void refusesEncodedNulSlashAndBadEscapes(String raw) {
        assertEquals(Optional.empty(), RequestPath.decode(raw));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
            "/a/./b/../c | /a/c",
            "/a/b/..     | /a/",
            "/a/.        | /a/",
            "/a/..       | /",
            "/../a       | /a",
            "/../../     | /",
            "/a//b       | /a/b",
            "///a        | /a",
            "/a/         | /a/",
            "/a//        | /a/",
            "/           | /",
            "/.a/..b/... | /.a/..b/...",
    })
    void normalizesDotSegmentsAndRepeatedSlashes(String path, String normalized) {
        assertEquals(normalized.strip(), RequestPath.normalize(path.strip()));
    }

    @Test
    void normalizesAnEmptyOrRelativePathUnderTheRoot() {
        assertEquals("/", RequestPath.normalize(""));
        assertEquals("/a", RequestPath.normalize("a"));
    }

    @Test
    void decodeNormalizesAfterDecoding() {
        assertEquals(Optional.of("/x"), RequestPath.decode("/a/%2e%2e/x"));
        assertEquals(Optional.of("/a/b"), RequestPath.decode("/a/%2E/b"));
    }

    @Test
    void splitsAtTheMountPoint() {
        assertEquals(Optional.of(new RequestPath("/app", "/x/y")), RequestPath.split("/app/x/y", "/app"));
        assertEquals(Optional.of(new RequestPath("/app", "/")), RequestPath.split("/app/", "/app"));
        assertEquals(Optional.of(new RequestPath("/app", "")), RequestPath.split("/app", "/app"));
        assertEquals(Optional.of(new RequestPath("/a/b", "/c")), RequestPath.split("/a/b/c", "/a/b"));
    }

    @Test
    void theRootMountTakesEveryPathAsPathInfo() {
        assertEquals(Optional.of(new RequestPath("", "/")), RequestPath.split("/", ""));
        assertEquals(Optional.of(new RequestPath("", "/x")), RequestPath.split("/x", ""));
    }

    @Test
    void pathsOutsideTheMountPointDoNotSplit() {
        assertEquals(Optional.empty(), RequestPath.split("/application", "/app"));
        assertEquals(Optional.empty(), RequestPath.split("/ap", "/app"));
        assertEquals(Optional.empty(), RequestPath.split("/", "/app"));
    }
}
