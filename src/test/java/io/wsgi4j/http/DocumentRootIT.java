package io.wsgi4j.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wsgi4j.testing.Http;
import io.wsgi4j.testing.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code --document-root} with the application at the root, mod_wsgi-express's usual layout: files of the
 * document root first, every other URL to the application; a URL alias before both.
 */
class DocumentRootIT {
    private static Path base;
    private static TestServer server;

    @BeforeAll
    static void start() throws Exception {
        base = Files.createTempDirectory("w4j-docroot");
        Files.writeString(base.resolve("secret.txt"), "outside the document root\n");
        Path docroot = Files.createDirectory(base.resolve("htdocs"));
        Files.writeString(docroot.resolve("robots.txt"), "User-agent: *\n");
        Files.writeString(docroot.resolve("index.html"), "<p>not a DirectoryIndex here</p>\n");
        Path dir = Files.createDirectory(docroot.resolve("dir"));
        Files.writeString(dir.resolve("file.css"), "p {}\n");
        Files.writeString(Files.createDirectory(docroot.resolve("assets")).resolve("app.js"), "docroot js\n");
        Files.createSymbolicLink(docroot.resolve("out.txt"), Path.of("../secret.txt"));
        Path assets = Files.createDirectory(base.resolve("assets"));
        Files.writeString(assets.resolve("app.js"), "alias js\n");
        server = TestServer.start("pathinfo.wsgi", "--document-root", docroot.toString(),
                "--url-alias", "/assets", assets.toString());
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            server.close();
        }
        StaticFilesIT.deleteTree(base);
    }

    @Test
    void filesOfTheDocumentRootAreServed() throws Exception {
        Http.Response robots = server.get("/robots.txt");
        assertEquals(200, robots.status());
        assertEquals("User-agent: *\n", robots.text());
        assertEquals("text/plain", robots.header("Content-Type").orElse(""));
        Http.Response css = server.get("/dir/file.css");
        assertEquals("p {}\n", css.text());
        assertEquals("text/css", css.header("Content-Type").orElse(""));
        assertEquals("<p>not a DirectoryIndex here</p>\n", server.get("/index.html").text());
    }

    @Test
    void everythingElseIsTheApplications() throws Exception {
        assertEquals("app - /", server.get("/").text(), "the root directory is not a file: no index, no 403");
        assertEquals("app - /dir", server.get("/dir").text(), "no redirect to /dir/");
        assertEquals("app - /dir/", server.get("/dir/").text());
        assertEquals("app - /missing.css", server.get("/missing.css").text());
        assertEquals("app - /out.txt", server.get("/out.txt").text(), "a link out of the root is not a file");
        Http.Response query = server.get("/robots.txt.bak?x=1");
        assertEquals("app - /robots.txt.bak", query.text());
    }

    @Test
    void pathBelowAFileIsNotFound() throws Exception {
        assertEquals(404, server.get("/robots.txt/").status());
        assertEquals(404, server.get("/dir/file.css/x").status());
    }

    @Test
    void aliasComesFirst() throws Exception {
        assertEquals("alias js\n", server.get("/assets/app.js").text());
        assertEquals(404, server.get("/assets/missing.js").status(), "an alias never falls through to the app");
    }

    @Test
    void onlyGetHeadAndOptionsOnFiles() throws Exception {
        Http.Response head = server.exchange("HEAD /robots.txt HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
        assertEquals(200, head.status());
        assertEquals("14", head.header("Content-Length").orElse(""));
        Http.Response post = server.exchange("POST /robots.txt HTTP/1.1\r\nHost: localhost\r\nContent-Length: 2\r\n"
                + "Connection: close\r\n\r\nab");
        assertEquals(405, post.status());
        assertTrue(post.header("Allow").orElse("").contains("GET"));
        Http.Response postToApp = server.exchange("POST /form HTTP/1.1\r\nHost: localhost\r\nContent-Length: 2\r\n"
                + "Connection: close\r\n\r\nab");
        assertEquals("app - /form", postToApp.text());
    }
}
