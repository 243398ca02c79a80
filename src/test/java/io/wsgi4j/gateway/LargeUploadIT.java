package io.wsgi4j.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wsgi4j.testing.Http;
import io.wsgi4j.testing.Json;
import io.wsgi4j.testing.ServerProcess;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A 1 GiB upload read by the application, through a server whose heap is 64 MiB: the body goes to
 * a spool file in bounded pieces, the heap stays flat, and the file is gone afterwards.
 */
class LargeUploadIT {
    private static final long SIZE = 1L << 30;
    private static final int BLOCK = 1 << 20;
    /** What the server's heap holds after a collection, at most, if no body piece lingers in it. */
    private static final int FLAT_HEAP_MIB = 32;
    private static final Pattern AFTER_GC = Pattern.compile("Pause \\w+ \\(.*\\) \\d+M->(\\d+)M\\(");

    @TempDir
    Path logs;

    @Test
    void aGibibyteUploadReachesTheApplicationWithTheHeapFlat() throws Exception {
        Path gcLog = logs.resolve("gc.log");
        try (ServerProcess server = ServerProcess.startWithJvmOptions(
                List.of("-Xmx64m", "-Xlog:gc:file=" + gcLog), "body.wsgi", "--limit-request-body", "0",
                "--processes", "1", "--threads", "1")) {
            int port = server.port();
            AtomicBoolean spooled = new AtomicBoolean();
            Thread watcher = Thread.ofVirtual().start(() -> watchForSpool(server.root(), spooled));
            String expected;
            Http.Response response;
            try (Http.Connection connection = new Http.Connection(port)) {
                connection.socket().setSoTimeout(300_000);
                connection.send(("POST /digest?how=read&size=1048576 HTTP/1.1\r\nHost: localhost\r\n"
                        + "Content-Length: " + SIZE + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
                expected = sendBody(connection);
                response = connection.read();
            } finally {
                watcher.interrupt();
                watcher.join();
            }
            assertEquals(200, response.status(), response.text());
            Map<String, Object> answer = Json.object(response.text());
            assertEquals(SIZE, answer.get("total"));
            assertEquals(expected, answer.get("sha256"));
            assertTrue(spooled.get(), "the body went through a spool file in the server root");
            awaitNoSpoolFile(server.root());
            int largest = largestHeapAfterCollection(Files.readString(gcLog));
            assertTrue(largest <= FLAT_HEAP_MIB, "the heap held " + largest + " MiB after a collection");
        }
    }

    /** Sends 1 GiB made of one random block, each copy stamped with its index; its SHA-256. */
    private static String sendBody(Http.Connection connection) throws Exception {
        byte[] block = new byte[BLOCK];
        new Random(1).nextBytes(block);
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        for (long i = 0; i < SIZE / BLOCK; i++) {
            for (int b = 0; b < 8; b++) {
                block[b] = (byte) (i >>> (8 * b));
            }
            digest.update(block);
            connection.send(block);
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    private static List<Path> spoolFiles(Path root) throws IOException {
        try (Stream<Path> files = Files.list(root)) {
            return files.filter(f -> f.getFileName().toString().startsWith("wsgi4j-body-")).toList();
        }
    }

    private static void watchForSpool(Path root, AtomicBoolean seen) {
        try {
            while (!seen.get()) {
                if (!spoolFiles(root).isEmpty()) {
                    seen.set(true);
                }
                Thread.sleep(20);
            }
        } catch (IOException | InterruptedException e) {
            // the upload is over
        }
    }

    private static void awaitNoSpoolFile(Path root) throws Exception {
        for (int i = 0; i < 1500 && !spoolFiles(root).isEmpty(); i++) {
            Thread.sleep(20);
        }
        assertEquals(List.of(), spoolFiles(root), "the spool file is removed after the request");
    }

    private static int largestHeapAfterCollection(String log) {
        Matcher m = AFTER_GC.matcher(log);
        int largest = 0;
        int collections = 0;
        while (m.find()) {
            collections++;
            largest = Math.max(largest, Integer.parseInt(m.group(1)));
        }
        assertTrue(collections > 0, "the GC log shows no collection: " + log);
        return largest;
    }
}
