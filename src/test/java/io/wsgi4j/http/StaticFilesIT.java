package io.wsgi4j.http;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wsgi4j.testing.Http;
import io.wsgi4j.testing.TestServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Static files as mod_wsgi-express users expect them: {@code --url-alias} (directories, single files,
 * nested aliases), {@code --document-root} before the application, conditional and range requests,
 * precompressed variants, content types, and no way out of a served directory.
 */
class StaticFilesIT {
    private static final String SECRET = "wsgi4j-secret-" + Long.toHexString(new Random().nextLong());
    private static final String ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyz";
    private static final int BIG = 20 * 1024 * 1024;

    private static Path base;
    private static byte[] big;
    private static byte[] fooGz;
    private static TestServer server;

    @BeforeAll
    static void start() throws Exception {
        base = Files.createTempDirectory("w4j-static");
        write(base.resolve("secret.txt"), SECRET);

        Path files = Files.createDirectory(base.resolve("static"));
        write(files.resolve("file.txt"), "hello static\n");
        write(files.resolve("range.txt"), ALPHABET);
        write(files.resolve("page.html"), "<p>page</p>\n");
        write(files.resolve("style.css"), "p { color: red }\n");
        write(files.resolve("app.js"), "console.log(1);\n");
        write(files.resolve("data.json"), "{\"a\": 1}\n");
        write(files.resolve("icon.svg"), "<svg xmlns=\"http://www.w3.org/2000/svg\"/>\n");
        write(files.resolve("notes.txt"), "notes\n");
        Files.write(files.resolve("pic.png"), new byte[]{(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'});
        write(files.resolve("blob.unknownext"), "what am I\n");
        write(files.resolve("clip.webm"), "not really a video\n");
        write(files.resolve("foo.js"), "console.log('plain');\n");
        fooGz = gzip("console.log('from the gz variant');\n");
        Files.write(files.resolve("foo.js.gz"), fooGz);
        write(files.resolve("a b.txt"), "space\n");
        write(files.resolve("100%.txt"), "percent\n");
        write(files.resolve("img-not.txt"), "not the img alias\n");
        write(Files.createDirectory(files.resolve("sub")).resolve("a.txt"), "sub a\n");
        write(Files.createDirectory(files.resolve("withindex")).resolve("index.html"), "<h1>index</h1>\n");
        write(Files.createDirectory(files.resolve("with space")).resolve("index.html"), "<h1>spaced</h1>\n");
        write(Files.createDirectory(files.resolve("img")).resolve("inner.txt"), "shadowed by /static/img\n");
        big = new byte[BIG];
        new Random(42).nextBytes(big);
        Files.write(files.resolve("big.bin"), big);
        Files.createSymbolicLink(files.resolve("inside-link.txt"), Path.of("file.txt"));
        Files.createSymbolicLink(files.resolve("escape.txt"), Path.of("../secret.txt"));
        Files.createSymbolicLink(files.resolve("escapedir"), Path.of(".."));

        Path img = Files.createDirectory(base.resolve("img"));
        write(img.resolve("logo.txt"), "logo from img\n");

        Path single = Files.createDirectory(base.resolve("single"));
        write(single.resolve("robots.txt"), "User-agent: *\n");
        write(single.resolve("other.txt"), "next to robots.txt\n");

        Path docroot = Files.createDirectory(base.resolve("docroot"));
        write(docroot.resolve("top.txt"), "outside the mount point\n");
        Path mounted = Files.createDirectory(docroot.resolve("app"));
        write(mounted.resolve("hello.txt"), "hello from the document root\n");
        write(Files.createDirectory(mounted.resolve("dir")).resolve("index.html"), "<p>dir index</p>\n");
        Files.createSymbolicLink(mounted.resolve("link.txt"), Path.of("../../secret.txt"));

        server = TestServer.start("pathinfo.wsgi", "--mount-point", "/app",
                "--url-alias", "/static", files.toString(),
                "--url-alias", "/static/img", img.toString(),
                "--url-alias", "/robots.txt", single.resolve("robots.txt").toString(),
                "--document-root", docroot.toString(),
                "--access-log");
    }

    @AfterAll
    static void stop() throws IOException {
        if (server != null) {
            server.close();
        }
        deleteTree(base);
    }

    static void deleteTree(Path dir) throws IOException {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (var paths = Files.walk(dir)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }

    private static void write(Path file, String text) throws IOException {
        Files.writeString(file, text, StandardCharsets.UTF_8);
    }

    private static byte[] gzip(String text) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(text.getBytes(StandardCharsets.UTF_8));
        }
        return out.toByteArray();
    }

    private static Http.Response get(String target, String... headers) throws IOException {
        return request("GET", target, headers);
    }

    private static Http.Response request(String method, String target, String... headers) throws IOException {
        StringBuilder raw = new StringBuilder(method + " " + target + " HTTP/1.1\r\nHost: localhost\r\n");
        for (String header : headers) {
            raw.append(header).append("\r\n");
        }
        return server.exchange(raw.append("Connection: close\r\n\r\n").toString());
    }

    private static String header(Http.Response response, String name) {
        return response.header(name).orElseThrow(() -> new AssertionError("no " + name + " header in "
                + response.status() + " " + response.headers().stream().map(h -> h[0] + ": " + h[1]).toList()));
    }

    // --- --url-alias

    @Test
    void directoryAliasServesTheTree() throws Exception {
        Http.Response file = get("/static/file.txt");
        assertEquals(200, file.status());
        assertEquals("hello static\n", file.text());
        assertEquals("13", header(file, "Content-Length"));
        Http.Response nested = get("/static/sub/a.txt");
        assertEquals(200, nested.status());
        assertEquals("sub a\n", nested.text());
        assertEquals("space\n", get("/static/a%20b.txt").text());
        assertEquals("percent\n", get("/static/100%25.txt").text());
        assertEquals("hello static\n", get("/static/inside-link.txt").text(), "a link that stays inside is followed");
        assertEquals("hello static\n", get("//static///file.txt").text(), "repeated slashes are merged");
        assertEquals("hello static\n", get("/static/sub/../file.txt").text());
        assertEquals("hello static\n", get("/st%61tic/fil%65.txt").text());
    }

    @Test
    void fileAliasServesExactlyThatFile() throws Exception {
        Http.Response robots = get("/robots.txt");
        assertEquals(200, robots.status());
        assertEquals("User-agent: *\n", robots.text());
        assertEquals(404, get("/robots.txt/").status());
        assertEquals(404, get("/robots.txt/other.txt").status());
        assertEquals(404, get("/other.txt").status());
        assertEquals(404, get("/robots.txtx").status());
    }

    @Test
    void longestAliasWins() throws Exception {
        Http.Response logo = get("/static/img/logo.txt");
        assertEquals(200, logo.status());
        assertEquals("logo from img\n", logo.text());
        assertEquals(404, get("/static/img/inner.txt").status(), "static/img/ is hidden by the /static/img alias");
        assertEquals("not the img alias\n", get("/static/img-not.txt").text(), "prefixes match whole segments");
    }

    @Test
    void directoryWithoutSlashRedirectsPermanently() throws Exception {
        Http.Response sub = get("/static/sub?x=1");
        assertEquals(301, sub.status());
        assertEquals("http://localhost/static/sub/?x=1", header(sub, "Location"));
        Http.Response root = get("/static");
        assertEquals(301, root.status());
        assertEquals("http://localhost/static/", header(root, "Location"));
    }

    @Test
    void directoryIndexIsServed() throws Exception {
        Http.Response index = get("/static/withindex/");
        assertEquals(200, index.status());
        assertEquals("<h1>index</h1>\n", index.text());
        assertTrue(header(index, "Content-Type").startsWith("text/html"));
        assertEquals("<h1>spaced</h1>\n", get("/static/with%20space/").text());
    }

    @Test
    void directoryWithoutIndexIsForbidden() throws Exception {
        assertEquals(403, get("/static/sub/").status());
        assertEquals(403, get("/static/").status());
    }

    @Test
    void missingFileIsNotFound() throws Exception {
        Http.Response missing = get("/static/nope.txt");
        assertEquals(404, missing.status());
        assertTrue(missing.text().contains("<h1>Not Found</h1>"), missing.text());
    }

    /** Apache's default handler would answer POST like GET; wsgi4j refuses it (a choice of the project). */
    @Test
    void postToStaticFileIsNotAllowed() throws Exception {
        try (Http.Connection connection = new Http.Connection(server.port())) {
            connection.send("POST /static/file.txt HTTP/1.1\r\nHost: localhost\r\nContent-Length: 5\r\n\r\nhello");
            Http.Response post = connection.read();
            assertEquals(405, post.status());
            assertEquals("GET, HEAD, OPTIONS", header(post, "Allow"));
            connection.send("GET /static/file.txt HTTP/1.1\r\nHost: localhost\r\n\r\n");
            assertEquals("hello static\n", connection.read().text(), "the connection is still usable");
        }
        Http.Response options = request("OPTIONS", "/static/file.txt");
        assertEquals(200, options.status());
        assertEquals("GET, HEAD, OPTIONS", header(options, "Allow"));
    }

    // --- --document-root

    @Test
    void documentRootFileIsServedBeforeTheApplication() throws Exception {
        Http.Response hello = get("/app/hello.txt");
        assertEquals(200, hello.status());
        assertEquals("hello from the document root\n", hello.text());
        assertTrue(hello.header("ETag").isPresent());
        assertEquals("hello from the document root\n", get("/app//hello.txt").text());
    }

    @Test
    void whatIsNotARegularFileGoesToTheApplication() throws Exception {
        assertEquals("app /app /missing", get("/app/missing").text());
        assertEquals("app /app /dir", get("/app/dir").text(), "a directory is not a file: no redirect");
        assertEquals("app /app /dir/", get("/app/dir/").text(), "nor an index");
        assertEquals("app /app -", get("/app").text());
        assertEquals("app /app /", get("/app/").text());
        Http.Response post = request("POST", "/app/missing", "Content-Length: 0");
        assertEquals("app /app /missing", post.text());
        assertEquals("app /app /link.txt", get("/app/link.txt").text(), "a link out of the document root is no file");
    }

    @Test
    void encodedPercentAndRepeatedSlashesReachTheApplicationAsApacheGivesThem() throws Exception {
        assertEquals("app /app /100%", get("/app/100%25").text());
        assertEquals("app /app /a/b", get("/app//a//b").text());
        assertEquals("app /app /%2e%2e", get("/app/%252e%252e").text(), "decoded once only");
    }

    @Test
    void documentRootOutsideTheMountPointIsNotServed() throws Exception {
        assertEquals(404, get("/top.txt").status());
        assertEquals(404, get("/nothing").status());
    }

    @Test
    void fileWithPathInfoInDocumentRootIsNotFound() throws Exception {
        assertEquals(404, get("/app/hello.txt/").status());
        assertEquals(404, get("/app/hello.txt/more").status());
    }

    // --- validators, ranges, HEAD

    @Test
    void validatorsAndConditionalRequests() throws Exception {
        Http.Response full = get("/static/range.txt");
        assertEquals(200, full.status());
        String etag = header(full, "ETag");
        long micros = ChronoUnit.MICROS.between(Instant.EPOCH,
                Files.getLastModifiedTime(base.resolve("static/range.txt")).toInstant());
        assertEquals("\"24:" + Long.toHexString(micros) + "\"", etag, "strong, from size and mtime as Apache's");
        String lastModified = header(full, "Last-Modified");
        assertEquals("bytes", header(full, "Accept-Ranges"));

        Http.Response byEtag = get("/static/range.txt", "If-None-Match: " + etag);
        assertEquals(304, byEtag.status());
        assertEquals(0, byEtag.body().length);
        assertEquals(etag, header(byEtag, "ETag"));
        assertEquals(lastModified, header(byEtag, "Last-Modified"));
        assertTrue(byEtag.header("Cache-Control").isEmpty(), "a 304 must not make caches drop the file");
        assertEquals("36", byEtag.header("Content-Length").orElse("36"), "if sent, the 200's length");

        Http.Response byDate = get("/static/range.txt", "If-Modified-Since: " + lastModified);
        assertEquals(304, byDate.status());
        assertEquals(0, byDate.body().length);
        assertEquals(etag, header(byDate, "ETag"));

        assertEquals(304, get("/static/range.txt", "If-None-Match: \"x\", " + etag).status());
        assertEquals(304, get("/static/range.txt", "If-None-Match: W/" + etag).status(), "weak comparison");
        assertEquals(304, get("/static/range.txt", "If-None-Match: *").status());
        String older = DateTimeFormatter.RFC_1123_DATE_TIME.format(ZonedDateTime.now(ZoneOffset.UTC).minusYears(1));
        assertEquals(200, get("/static/range.txt", "If-Modified-Since: " + older).status());
        assertEquals(200, get("/static/range.txt", "If-None-Match: \"other\"").status());
        assertEquals(200, get("/static/range.txt", "If-None-Match: \"other\"", "If-Modified-Since: " + lastModified)
                .status(), "If-None-Match wins over If-Modified-Since");
        assertEquals(412, get("/static/range.txt", "If-Match: \"other\"").status());
        assertEquals(200, get("/static/range.txt", "If-Match: " + etag).status());
    }

    @Test
    void notModifiedHasNoBodyOnAKeptAliveConnection() throws Exception {
        String etag = header(get("/static/range.txt"), "ETag");
        try (Http.Connection connection = new Http.Connection(server.port())) {
            connection.send("GET /static/range.txt HTTP/1.1\r\nHost: localhost\r\nIf-None-Match: " + etag + "\r\n\r\n"
                    + "GET /static/file.txt HTTP/1.1\r\nHost: localhost\r\n\r\n");
            assertEquals(304, connection.read().status());
            assertEquals("hello static\n", connection.read().text());
        }
    }

    @Test
    void singleRange() throws Exception {
        Http.Response range = get("/static/range.txt", "Range: bytes=10-19");
        assertEquals(206, range.status());
        assertEquals("bytes 10-19/36", header(range, "Content-Range"));
        assertEquals("10", header(range, "Content-Length"));
        assertEquals("abcdefghij", range.text());
        Http.Response suffix = get("/static/range.txt", "Range: bytes=-3");
        assertEquals("bytes 33-35/36", header(suffix, "Content-Range"));
        assertEquals("xyz", suffix.text());
    }

    @Test
    void multipleRanges() throws Exception {
        Http.Response range = get("/static/range.txt", "Range: bytes=0-1,30-31");
        assertEquals(206, range.status());
        String type = header(range, "Content-Type");
        assertTrue(type.startsWith("multipart/byteranges; boundary="), type);
        String boundary = type.substring(type.indexOf("boundary=") + 9);
        String body = range.latin1();
        assertTrue(body.contains("--" + boundary + "\r\n"), body);
        assertTrue(body.contains("Content-Range: bytes 0-1/36\r\n\r\n01\r\n"), body);
        assertTrue(body.contains("Content-Range: bytes 30-31/36\r\n\r\nuv\r\n"), body);
        assertTrue(body.endsWith("--" + boundary + "--\r\n"), body);
    }

    @Test
    void unsatisfiableRange() throws Exception {
        Http.Response range = get("/static/range.txt", "Range: bytes=100-200");
        assertEquals(416, range.status());
        assertEquals("bytes */36", header(range, "Content-Range"));
    }

    @Test
    void invalidRangeIsIgnored() throws Exception {
        for (String value : new String[]{"bytes=abc", "bytes=5-2", "items=0-5", "bytes=",
                "bytes=" + "0-0,".repeat(RequestConditions.MAX_RANGES + 1)}) {
            Http.Response response = get("/static/range.txt", "Range: " + value);
            assertEquals(200, response.status(), value);
            assertEquals(ALPHABET, response.text(), value);
        }
    }

    @Test
    void ifRangeResumesOnlyTheSameFile() throws Exception {
        Http.Response full = get("/static/range.txt");
        String etag = header(full, "ETag");
        Http.Response same = get("/static/range.txt", "Range: bytes=10-19", "If-Range: " + etag);
        assertEquals(206, same.status());
        assertEquals("abcdefghij", same.text());
        Http.Response byDate = get("/static/range.txt", "Range: bytes=10-19",
                "If-Range: " + header(full, "Last-Modified"));
        assertEquals(206, byDate.status());
        Http.Response changed = get("/static/range.txt", "Range: bytes=10-19", "If-Range: \"older\"");
        assertEquals(200, changed.status());
        assertEquals(ALPHABET, changed.text());
        assertEquals(200, get("/static/range.txt", "Range: bytes=10-19", "If-Range: W/" + etag).status());
    }

    @Test
    void headHasHeadersAndNoBody() throws Exception {
        Http.Response get = get("/static/range.txt");
        try (Http.Connection connection = new Http.Connection(server.port())) {
            connection.send("HEAD /static/range.txt HTTP/1.1\r\nHost: localhost\r\n\r\n"
                    + "GET /static/file.txt HTTP/1.1\r\nHost: localhost\r\n\r\n");
            Http.Response head = connection.read(true);
            assertEquals(200, head.status());
            assertEquals("36", header(head, "Content-Length"));
            assertEquals(header(get, "ETag"), header(head, "ETag"));
            assertEquals(header(get, "Content-Type"), header(head, "Content-Type"));
            assertEquals("hello static\n", connection.read().text(), "no body bytes came after the HEAD response");
        }
    }

    // --- precompressed variants

    @Test
    void gzipVariantIsSentToClientsThatAcceptIt() throws Exception {
        Http.Response gz = get("/static/foo.js", "Accept-Encoding: gzip, deflate");
        assertEquals(200, gz.status());
        assertEquals("gzip", header(gz, "Content-Encoding"));
        assertEquals("Accept-Encoding", header(gz, "Vary"));
        assertTrue(header(gz, "Content-Type").startsWith("text/javascript"), header(gz, "Content-Type"));
        assertArrayEquals(fooGz, gz.body());

        Http.Response plain = get("/static/foo.js");
        assertEquals(200, plain.status());
        assertTrue(plain.header("Content-Encoding").isEmpty());
        assertEquals("Accept-Encoding", header(plain, "Vary"));
        assertEquals("console.log('plain');\n", plain.text());
        assertNotEquals(header(gz, "ETag"), header(plain, "ETag"));

        Http.Response refused = get("/static/foo.js", "Accept-Encoding: gzip;q=0, identity");
        assertEquals("console.log('plain');\n", refused.text());

        Http.Response notModified = get("/static/foo.js", "Accept-Encoding: gzip", "If-None-Match: " + header(gz, "ETag"));
        assertEquals(304, notModified.status());
        assertEquals(header(gz, "ETag"), header(notModified, "ETag"));
        assertEquals("Accept-Encoding", header(notModified, "Vary"));
    }

    // --- content types

    @Test
    void contentTypes() throws Exception {
        assertEquals("text/html", type("/static/page.html"));
        assertEquals("text/css", type("/static/style.css"));
        assertEquals("text/javascript", type("/static/app.js"));
        assertEquals("application/json", type("/static/data.json"));
        assertEquals("image/png", type("/static/pic.png"));
        assertEquals("image/svg+xml", type("/static/icon.svg"));
        assertEquals("text/plain", type("/static/notes.txt"));
        assertEquals("", type("/static/blob.unknownext"));
    }

    @Test
    void systemMimeTypesFileIsUsedAsApacheDoes() throws Exception {
        Path system = Path.of("/etc/mime.types");
        Assumptions.assumeTrue(Files.isReadable(system) && Files.readString(system).contains("video/webm"),
                "no /etc/mime.types with video/webm here");
        assertEquals("video/webm", type("/static/clip.webm"), "Jetty's own table has no .webm");
    }

    private static String type(String target) throws IOException {
        Http.Response response = get(target);
        assertEquals(200, response.status(), target);
        return response.header("Content-Type").orElse("");
    }

    // --- no way out

    /**
     * Each request target, the status it gets, and whether the connection stays open after it: Jetty closes
     * it after a request it could not parse at all (NUL, a path above the root). No answer shows the secret.
     */
    @Test
    void nothingEscapesTheServedDirectories() throws Exception {
        String[][] cases = {
                // dot segments are resolved within the URL before routing: /secret.txt is nobody's
                {"/static/../secret.txt", "404", "open"},
                {"/static/./../secret.txt", "404", "open"},
                {"/robots.txt/../secret.txt", "404", "open"},
                {"/app/../secret.txt", "404", "open"},
                {"http://localhost/static/../secret.txt", "404", "open"},
                {"//static/../secret.txt", "404", "open"},
                {"/static//../secret.txt", "404", "open"},
                {"/static/../../../../../../../etc/passwd", "400", "closed"},
                {"/app/%2e%2e/%2e%2e/secret.txt", "400", "closed"},
                // encoded dots, slashes and backslashes are ambiguous: refused
                {"/static/%2e%2e/secret.txt", "400", "open"},
                {"/static/%2E%2e/secret.txt", "400", "open"},
                {"/static/.%2e/secret.txt", "400", "open"},
                {"/robots.txt/%2e%2e/other.txt", "400", "open"},
                {"/static/%2e%2e%2fsecret.txt", "400", "open"},
                {"/static/..%2fsecret.txt", "400", "open"},
                {"/static/..%2Fsecret.txt", "400", "open"},
                {"/static/..\\secret.txt", "400", "open"},
                {"/static/..%5csecret.txt", "400", "open"},
                {"/static/..%5Csecret.txt", "400", "open"},
                // an overlong UTF-8 "." is not a dot: its bytes name a file that does not exist (Apache: 404 too)
                {"/static/%c0%ae%c0%ae/secret.txt", "404", "open"},
                {"/static/file.txt%00", "400", "closed"},
                {"/static/%00/../secret.txt", "400", "closed"},
                // decoded once only: "%2e%2e" is then a name, and there is no such file
                {"/static/%252e%252e/secret.txt", "404", "open"},
                {"/static/file.txt/", "404", "open"},
                // symbolic links are followed only while they stay inside the served directory
                {"/static/escape.txt", "404", "open"},
                {"/static/escapedir/secret.txt", "404", "open"},
                {"/static/escapedir/static/file.txt", "200", "open"},
                {"/app/link.txt", "200", "open"},
        };
        List<String> failures = new ArrayList<>();
        for (String[] c : cases) {
            try (Http.Connection connection = new Http.Connection(server.port())) {
                connection.send("GET " + c[0] + " HTTP/1.1\r\nHost: localhost\r\n\r\n");
                Http.Response response = connection.read();
                if (response.latin1().contains(SECRET) || response.latin1().contains("root:")) {
                    failures.add(c[0] + " showed the secret: " + response.latin1());
                }
                if (!String.valueOf(response.status()).equals(c[1])) {
                    failures.add(c[0] + ": expected " + c[1] + ", got " + response.status());
                }
                if (c[2].equals("closed")) {
                    if (!connection.closedByServer(10_000)) {
                        failures.add(c[0] + ": the connection stayed open");
                    }
                    continue;
                }
                connection.send("GET /static/file.txt HTTP/1.1\r\nHost: localhost\r\n\r\n");
                Http.Response next = connection.read();
                if (next.status() != 200) {
                    failures.add(c[0] + ": the next request on the connection got " + next.status());
                }
            } catch (IOException e) {
                failures.add(c[0] + ": " + e);
            }
        }
        assertTrue(failures.isEmpty(), String.join("\n", failures));
        assertFalse(server.errorLogText().contains(SECRET));
    }

    // --- size and logging

    @Test
    void largeFileIsServedCompletelyAndIntact() throws Exception {
        Http.Response response = get("/static/big.bin");
        assertEquals(200, response.status());
        assertEquals(String.valueOf(BIG), header(response, "Content-Length"));
        assertEquals(BIG, response.body().length);
        assertEquals(sha256(big), sha256(response.body()));
        Http.Response middle = get("/static/big.bin", "Range: bytes=10485760-10485775");
        assertEquals(206, middle.status());
        assertArrayEquals(Arrays.copyOfRange(big, 10485760, 10485776), middle.body());
    }

    private static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }

    @Test
    void staticRequestsAreInTheAccessLog() throws Exception {
        String marker = "static-log-" + System.nanoTime();
        get("/static/file.txt?" + marker);
        get("/static/nope.txt?" + marker);
        get("/app/hello.txt?" + marker);
        Path log = server.root().resolve("access_log");
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        List<String> lines;
        do {
            lines = Files.exists(log) ? Files.readAllLines(log).stream().filter(l -> l.contains(marker)).toList()
                    : List.of();
            if (lines.size() >= 3 || System.nanoTime() > deadline) {
                break;
            }
            Thread.sleep(20);
        } while (true);
        assertEquals(3, lines.size(), String.valueOf(lines));
        assertTrue(lines.stream().anyMatch(l -> l.contains("\"GET /static/file.txt?" + marker + " HTTP/1.1\" 200 13 ")),
                String.valueOf(lines));
        assertTrue(lines.stream().anyMatch(l -> l.contains("\"GET /static/nope.txt?" + marker + " HTTP/1.1\" 404 ")),
                String.valueOf(lines));
        assertTrue(lines.stream().anyMatch(l -> l.contains("\"GET /app/hello.txt?" + marker + " HTTP/1.1\" 200 29 ")),
                String.valueOf(lines));
        assertFalse(lines.stream().anyMatch(l -> l.contains(SECRET)));
    }
}
