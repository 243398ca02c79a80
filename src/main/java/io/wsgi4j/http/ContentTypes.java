package io.wsgi4j.http;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.eclipse.jetty.http.MimeTypes;

/**
 * Content types by file extension as mod_wsgi-express configures Apache: {@code TypesConfig} names the
 * first system {@code mime.types} that Python's {@code mimetypes.knownfiles} lists. Its entries win;
 * Jetty's own table fills what it lacks (and is all there is when no such file exists).
 */
final class ContentTypes {
    /** Python's {@code mimetypes.knownfiles}, in its order. */
    static final List<Path> KNOWN_FILES = List.of(Path.of("/etc/mime.types"), Path.of("/etc/httpd/mime.types"),
            Path.of("/etc/httpd/conf/mime.types"), Path.of("/etc/apache/mime.types"),
            Path.of("/etc/apache2/mime.types"), Path.of("/usr/local/etc/httpd/conf/mime.types"),
            Path.of("/usr/local/lib/netscape/mime.types"), Path.of("/usr/local/etc/mime.types"));

    private ContentTypes() {
    }

    /** The types of the first known mime.types file that exists, over Jetty's defaults. */
    static MimeTypes system() throws IOException {
        for (Path file : KNOWN_FILES) {
            if (Files.isReadable(file)) {
                return from(file);
            }
        }
        return MimeTypes.DEFAULTS;
    }

    /** Jetty's defaults with every "type ext ext..." line of a mime.types file laid over them. */
    static MimeTypes from(Path file) throws IOException {
        MimeTypes.Mutable types = new MimeTypes.Mutable(MimeTypes.DEFAULTS);
        for (String line : Files.readAllLines(file, StandardCharsets.ISO_8859_1)) {
            int hash = line.indexOf('#');
            String[] words = (hash >= 0 ? line.substring(0, hash) : line).trim().split("\\s+");
            for (int i = 1; i < words.length; i++) {
                // "spdx.json": Apache looks extensions up one at a time, so such an entry never matches.
                if (!words[i].contains(".")) {
                    types.addMimeMapping(words[i].toLowerCase(Locale.ROOT), words[0].toLowerCase(Locale.ROOT));
                }
            }
        }
        return types;
    }
}
