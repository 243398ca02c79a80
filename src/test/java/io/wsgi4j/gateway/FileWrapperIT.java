package io.wsgi4j.gateway;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wsgi4j.testing.Await;
import io.wsgi4j.testing.EveryPythonEveryMode;
import io.wsgi4j.testing.Http;
import io.wsgi4j.testing.Pythons;
import io.wsgi4j.testing.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;

/**
 * wsgi.file_wrapper: a real file is sent by the server without its bytes passing through Python,
 * from the file's current position, with a Content-Length computed when the application gave none
 * and honoured when it did; a file-like object without a descriptor is iterated instead.
 */
class FileWrapperIT extends EveryPythonEveryMode {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final int SIZE = 4 * 1024 * 1024 + 321;

    private static TestServer server;
    @TempDir
    static Path shared;
    private static byte[] data;

    @BeforeParameterizedClassInvocation
    static void start(Pythons.Python python) throws Exception {
        data = new byte[SIZE];
        new Random(42).nextBytes(data);
        Files.write(shared.resolve("data.bin"), data);
        server = startOn(python, "filewrapper.wsgi", "--setenv", "TEST_DIR", shared.toString());
    }

    @AfterParameterizedClassInvocation
    static void stop() {
        stop(server);
    }

    private static String newTag() {
        return "t" + System.nanoTime();
    }

    /** How many times Python read the file, as the application recorded when the server closed it. */
    private static int pythonReads(String tag) throws Exception {
        return Integer.parseInt(Await.file(shared.resolve("reads-" + tag), WAIT));
    }

    @Test
    void aRealFileIsSentByTheServerWithItsLength() throws Exception {
        String tag = newTag();
        Http.Response response = server.get("/file?name=data.bin&tag=" + tag);
        assertEquals(200, response.status());
        assertEquals(Integer.toString(SIZE), response.header("Content-Length").orElse(null));
        assertFalse(response.chunked());
        assertArrayEquals(data, response.body());
        assertEquals(0, pythonReads(tag), "the file's bytes did not pass through Python");
    }

    @Test
    void fromTheFilesCurrentPosition() throws Exception {
        String tag = newTag();
        Http.Response response = server.get("/file?name=data.bin&seek=1000000&tag=" + tag);
        assertEquals(Integer.toString(SIZE - 1_000_000), response.header("Content-Length").orElse(null));
        assertArrayEquals(Arrays.copyOfRange(data, 1_000_000, SIZE), response.body());
        assertEquals(0, pythonReads(tag));
    }

    @Test
    void fromABufferedFilesLogicalPosition() throws Exception {
        Http.Response response = server.get("/buffered-file?name=data.bin&consumed=10");
        assertEquals(Integer.toString(SIZE - 10), response.header("Content-Length").orElse(null));
        assertArrayEquals(Arrays.copyOfRange(data, 10, SIZE), response.body());
    }

    @Test
    void aContentLengthGivenIsHonoured() throws Exception {
        String tag = newTag();
        try (Http.Connection connection = new Http.Connection(server.port())) {
            connection.send("GET /file?name=data.bin&seek=5&length=1000&tag=" + tag + " HTTP/1.1\r\nHost: localhost\r\n\r\n");
            Http.Response response = connection.read();
            assertEquals("1000", response.header("Content-Length").orElse(null));
            assertArrayEquals(Arrays.copyOfRange(data, 5, 1005), response.body());
            // Exactly that many bytes were sent: the connection carries the next response cleanly.
            connection.send("GET /no-close HTTP/1.1\r\nHost: localhost\r\n\r\n");
            assertEquals("read() is all it has", connection.read().text());
        }
        assertEquals(0, pythonReads(tag));
    }

    @Test
    void aContentLengthBeyondTheFileCutsTheConnection() throws Exception {
        try (Http.Connection connection = new Http.Connection(server.port())) {
            connection.send("GET /file?name=data.bin&seek=" + (SIZE - 10) + "&length=100&tag=" + newTag()
                    + " HTTP/1.1\r\nHost: localhost\r\n\r\n");
            Http.Response head = connection.readHead();
            assertEquals("100", head.header("Content-Length").orElse(null));
            assertArrayEquals(Arrays.copyOfRange(data, SIZE - 10, SIZE), connection.readBytes(100));
            assertTrue(connection.closedByServer(10_000));
        }
        server.awaitLogLine(line -> line.contains("ended after 10 of the 100 bytes"), WAIT);
    }

    @Test
    void headGetsTheLengthAndNoBody() throws Exception {
        try (Http.Connection connection = new Http.Connection(server.port())) {
            connection.send("HEAD /file?name=data.bin&tag=" + newTag() + " HTTP/1.1\r\nHost: localhost\r\n\r\n");
            Http.Response head = connection.read(true);
            assertEquals(Integer.toString(SIZE), head.header("Content-Length").orElse(null));
            connection.send("GET /no-close HTTP/1.1\r\nHost: localhost\r\n\r\n");
            assertEquals("read() is all it has", connection.read().text());
        }
    }

    @Test
    void aFileLikeObjectWithoutDescriptorIsIterated() throws Exception {
        String tag = newTag();
        Http.Response response = server.get("/bytes?name=data.bin&tag=" + tag);
        assertEquals(200, response.status());
        assertArrayEquals(data, response.body());
        assertTrue(pythonReads(tag) > SIZE / 1000, "read in blocks of blksize (1000)");
    }

    @Test
    void aFileLikeObjectWithOnlyRead() throws Exception {
        Http.Response response = server.get("/no-close");
        assertEquals(200, response.status());
        assertEquals("read() is all it has", response.text());
    }

    @Test
    void aPipeIsIterated() throws Exception {
        Http.Response response = server.get("/pipe");
        assertEquals(200, response.status());
        assertEquals("from a pipe", response.text());
    }

    @Test
    void blksizeIsAccepted() throws Exception {
        String tag = newTag();
        Http.Response response = server.get("/file?name=data.bin&blksize=4096&tag=" + tag);
        assertArrayEquals(data, response.body());
        assertEquals(0, pythonReads(tag));
    }
}
