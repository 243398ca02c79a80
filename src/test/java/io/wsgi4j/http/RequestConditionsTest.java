package io.wsgi4j.http;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import org.eclipse.jetty.http.MimeTypes;
import org.eclipse.jetty.http.content.HttpContent;
import org.eclipse.jetty.http.content.ResourceHttpContentFactory;
import org.eclipse.jetty.io.ByteBufferPool;
import org.eclipse.jetty.util.resource.ResourceFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RequestConditionsTest {
    @TempDir
    Path dir;

    @Test
    void validByteRangeSets() {
        for (String range : new String[]{"bytes=0-0", "bytes=10-19", "bytes=5-", "bytes=-3", "BYTES=1-2",
                "bytes=0-1,5-6", "bytes= 0-1 , 5-6", "bytes=0-1,,5-6", "bytes=0-99999999999999999999",
                "bytes=3-3", "bytes=100-200"}) {
            assertTrue(RequestConditions.isByteRangeSet(range), range);
        }
    }

    @Test
    void invalidByteRangeSetsAreIgnored() {
        for (String range : new String[]{"bytes=abc", "bytes=5-2", "items=0-5", "bytes=", "bytes=,", "bytes=-",
                "bytes=1", "bytes=1-2-3", "bytes=+1-2", "bytes=0x1-2", "0-5", "bytes=99999999999999999999-1",
                "bytes=0-1," + "2-3,".repeat(RequestConditions.MAX_RANGES)}) {
            assertFalse(RequestConditions.isByteRangeSet(range), range);
        }
    }

    @Test
    void ifRangeNeedsTheStrongTagOrTheExactDate() throws Exception {
        Path file = dir.resolve("f.txt");
        Files.writeString(file, "0123456789");
        Instant modified = Instant.parse("2024-05-06T07:08:09.123456Z");
        Files.setLastModifiedTime(file, FileTime.from(modified));
        HttpContent content = new StrongEtags(new ResourceHttpContentFactory(ResourceFactory.root().newResource(dir),
                MimeTypes.DEFAULTS, new ByteBufferPool.Sized(ByteBufferPool.NON_POOLING))).getContent("/f.txt");
        String etag = content.getETagValue();

        assertTrue(RequestConditions.ifRangeHolds(null, content));
        assertTrue(RequestConditions.ifRangeHolds(etag, content));
        assertTrue(RequestConditions.ifRangeHolds(" " + etag + " ", content));
        assertFalse(RequestConditions.ifRangeHolds("W/" + etag, content), "a weak tag never holds");
        assertFalse(RequestConditions.ifRangeHolds("\"other\"", content));
        assertTrue(RequestConditions.ifRangeHolds("Mon, 06 May 2024 07:08:09 GMT", content));
        assertFalse(RequestConditions.ifRangeHolds("Mon, 06 May 2024 07:08:10 GMT", content));
        assertFalse(RequestConditions.ifRangeHolds("Mon, 06 May 2024 07:08:08 GMT", content));
        assertFalse(RequestConditions.ifRangeHolds("yesterday", content));
    }
}
