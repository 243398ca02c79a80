package io.wsgi4j.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.file.Files;
import java.nio.file.Path;
import org.eclipse.jetty.http.MimeTypes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ContentTypesTest {
    @TempDir
    Path dir;

    @Test
    void fileEntriesWinAndJettyFillsTheRest() throws Exception {
        Path file = dir.resolve("mime.types");
        Files.writeString(file, """
                # a comment line
                video/webm\t\t\t\twebm
                audio/ogg   oga ogg opus   # trailing comment
                application/manifest+json webmanifest
                Text/X-Custom   CUSTOM
                application/x-empty
                application/spdx+json spdx.json
                """);
        MimeTypes types = ContentTypes.from(file);
        assertEquals("video/webm", types.getMimeByExtension("clip.webm"));
        assertEquals("audio/ogg", types.getMimeByExtension("a.ogg"), "the file wins over Jetty's application/ogg");
        assertEquals("audio/ogg", types.getMimeByExtension("a.opus"));
        assertEquals("application/manifest+json", types.getMimeByExtension("site.webmanifest"));
        assertEquals("text/x-custom", types.getMimeByExtension("x.custom"));
        assertEquals("text/css", types.getMimeByExtension("a.css"), "from Jetty's table");
        assertNull(types.getMimeByExtension("a.unknownext"));
        assertEquals("application/json", types.getMimeByExtension("x.spdx.json"), "a dotted entry is ignored");
    }
}
