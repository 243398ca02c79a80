package io.wsgi4j.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wsgi4j.testing.Await;
import io.wsgi4j.testing.EveryPython;
import io.wsgi4j.testing.Http;
import io.wsgi4j.testing.Json;
import io.wsgi4j.testing.Pythons;
import io.wsgi4j.testing.TestServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;

/**
 * The request body is received before the application runs: up to 1 MiB it travels with the request,
 * beyond that it is spooled to a file in the server root that the worker reads directly, and the file
 * is gone when the request is over, however it ended.
 */
class SpoolIT extends EveryPython {
    private static final int MEMORY_LIMIT = 1024 * 1024;
    private static final Duration WAIT = Duration.ofSeconds(30);

    private static TestServer server;
    @TempDir
    static Path shared;

    @BeforeParameterizedClassInvocation
    static void start(Pythons.Python python) throws Exception {
        server = startOn(python, "body.wsgi", "--setenv", "TEST_DIR", shared.toString(),
                "--limit-request-body", "0");
    }

    @AfterParameterizedClassInvocation
    static void stop() {
        stop(server);
    }

    private static byte[] head(String target, long length) {
        return ("POST " + target + " HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/octet-stream\r\n"
                + "Content-Length: " + length + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1);
    }

    private static Http.Response post(String target, byte[] body) throws IOException {
        return Http.exchange(server.port(), InputIT.concat(head(target, body.length), body));
    }

    private static Map<String, Object> postOk(String target, byte[] body) throws IOException {
        Http.Response response = post(target, body);
        assertEquals(200, response.status(), response.text());
        return Json.object(response.text());
    }

    /** Text with lines of many lengths, some far longer than any read buffer. */
    private static byte[] lines(int size, long seed) {
        Random random = new Random(seed);
        StringBuilder text = new StringBuilder(size + 100_000);
        while (text.length() < size) {
            text.append("y".repeat(random.nextInt(random.nextInt(10) == 0 ? 200_000 : 200))).append('\n');
        }
        text.setLength(size);
        return text.toString().getBytes(StandardCharsets.ISO_8859_1);
    }

    private static String sha256(byte[] data) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
    }

    /** The spool files in the server root's run directory now. */
    private static List<Path> spoolFiles() throws IOException {
        try (Stream<Path> files = Files.list(server.root().resolve("run"))) {
            return files.filter(f -> f.getFileName().toString().startsWith("wsgi4j-body-")).toList();
        }
    }

    private static void awaitNoSpoolFile() throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!spoolFiles().isEmpty()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("spool files left in the server root: " + spoolFiles());
            }
            Thread.sleep(20);
        }
    }

    private static void assertSpooledInTheServerRoot(Object spools) throws IOException {
        assertTrue(spools instanceof List<?> list && list.size() == 1, "one spool file open: " + spools);
        Path file = Path.of((String) ((List<?>) spools).getFirst());
        assertEquals(server.root().resolve("run").toRealPath(), toRealParent(file),
                "spooled in the server root's run directory");
    }

    private static Path toRealParent(Path file) {
        try {
            return file.getParent().toRealPath();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void aBodyOfUpToOneMebibyteTravelsWithTheRequest() throws Exception {
        for (int size : new int[]{1, 65_537, MEMORY_LIMIT}) {
            byte[] body = lines(size, size);
            for (String how : List.of("read&size=65536", "readline&size=-1", "iter", "all")) {
                Map<String, Object> answer = postOk("/digest?how=" + how, body);
                assertEquals((long) size, answer.get("total"), how);
                assertEquals(sha256(body), answer.get("sha256"), how);
                assertEquals(List.of(), answer.get("spools"), "no spool file for " + size + " bytes");
                assertEquals("b''", answer.get("after_end"));
            }
        }
    }

    @Test
    void aLargerBodyIsSpooledAndReadFromTheFile() throws Exception {
        byte[] body = lines(MEMORY_LIMIT + 1, 3);
        for (String how : List.of("read&size=65536", "read&size=7", "readline&size=-1", "readline&size=1000",
                "readlines&size=100000", "iter", "all")) {
            Map<String, Object> answer = postOk("/digest?how=" + how, body);
            assertEquals((long) body.length, answer.get("total"), how);
            assertEquals(sha256(body), answer.get("sha256"), how);
            assertSpooledInTheServerRoot(answer.get("spools"));
            assertEquals("b''", answer.get("after_end"), "nothing past the end of the body");
            if (how.equals("readline&size=1000")) {
                assertEquals(1000L, answer.get("longest"), "readline(1000) returns at most 1000 bytes");
            }
        }
        awaitNoSpoolFile();
    }

    @Test
    void aSpooledBodyReadsAsABufferedReaderWould() throws Exception {
        byte[] body = lines(3 * MEMORY_LIMIT, 5);
        String plan = "read:3,readline,readline:4,readlines:300000,read:0,readline:0,read:70000,readline,read";
        Map<String, Object> answer = postOk("/ops?plan=" + plan, body);
        assertSpooledInTheServerRoot(answer.get("spools"));
        assertEquals(answer.get("reference"), answer.get("got"));
        assertEquals(sha256(body), answer.get("sha256"), "the steps together read the whole body");
        answer = postOk("/ops?plan=readline:2,iter,read", body);
        assertEquals(answer.get("reference"), answer.get("got"));
        assertEquals((long) body.length, answer.get("total"));
        awaitNoSpoolFile();
    }

    @Test
    void aChunkedBodyIsSpooledOnceItOutgrowsMemory() throws Exception {
        byte[] body = lines(2 * MEMORY_LIMIT + 11, 9);
        Http.Response response = Http.exchange(server.port(), InputIT.concat(("POST /digest?how=read&size=100000 HTTP/1.1\r\n"
                + "Host: localhost\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n")
                .getBytes(StandardCharsets.ISO_8859_1), InputIT.chunked(body, 30_000)));
        assertEquals(200, response.status(), response.text());
        Map<String, Object> answer = Json.object(response.text());
        assertEquals((long) body.length, answer.get("total"));
        assertEquals(sha256(body), answer.get("sha256"));
        assertSpooledInTheServerRoot(answer.get("spools"));
        awaitNoSpoolFile();
    }

    @Test
    void theSpoolFileIsTheOwnersOnlyAndGoneAfterTheRequest() throws Exception {
        String tag = "hold-" + System.nanoTime();
        byte[] body = lines(2 * MEMORY_LIMIT, 11);
        try (Http.Connection connection = new Http.Connection(server.port())) {
            connection.send(InputIT.concat(head("/hold?tag=" + tag, body.length), body));
            Path spool = Path.of(Await.file(shared.resolve("spools-" + tag), WAIT).trim());
            assertTrue(Files.exists(spool), "the spool file exists while the request runs");
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(spool)));
            assertEquals((long) body.length, Files.size(spool));
            Files.createFile(shared.resolve("release-" + tag));
            Http.Response response = connection.read();
            assertEquals(200, response.status());
            assertEquals((long) body.length, Json.object(response.text()).get("total"));
        }
        awaitNoSpoolFile();
    }

    @Test
    void theSpoolFileIsRemovedAfterAnApplicationError() throws Exception {
        Http.Response response = post("/fail", lines(2 * MEMORY_LIMIT, 13));
        assertEquals(500, response.status());
        server.awaitLogLine(line -> line.endsWith("RuntimeError: the application failed after reading the body"), WAIT);
        awaitNoSpoolFile();
    }

    @Test
    void theSpoolFileIsRemovedWhenTheClientGivesUpMidUpload() throws Exception {
        String tag = "gone-" + System.nanoTime();
        byte[] half = lines(4 * MEMORY_LIMIT, 17);
        try (Http.Connection connection = new Http.Connection(server.port())) {
            connection.send(head("/digest?ran=" + tag, 2L * half.length));
            connection.send(half);
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (spoolFiles().isEmpty()) {
                assertTrue(System.nanoTime() < deadline, "no spool file appeared during the upload");
                Thread.sleep(10);
            }
        }
        awaitNoSpoolFile();
        assertTrue(Files.notExists(shared.resolve("ran-" + tag)), "the application never ran");
    }

    @Test
    void theSpoolFileIsRemovedAfterAWorkerCrash() throws Exception {
        Http.Response response = post("/crash", lines(2 * MEMORY_LIMIT, 19));
        assertEquals(502, response.status());
        awaitNoSpoolFile();
    }
}
