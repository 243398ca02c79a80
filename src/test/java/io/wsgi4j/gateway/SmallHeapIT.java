package io.wsgi4j.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wsgi4j.testing.Await;
import io.wsgi4j.testing.Http;
import io.wsgi4j.testing.Json;
import io.wsgi4j.testing.ServerProcess;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A server whose heap is 64 MiB, run as its own process with a GC log, and one Python thread: a
 * 1 GiB upload goes through a spool file in bounded pieces with the heap flat; bodies small enough
 * for memory go to disk too once the memory budget (a quarter of the heap) is spent, and a response
 * waits for its client once it has spent the budget, whatever --response-buffer-size says.
 */
class SmallHeapIT {
    private static final long GIBIBYTE = 1L << 30;
    private static final int MEBIBYTE = 1 << 20;
    /** What the server's heap holds after a collection, at most, if no body lingers in it. */
    private static final int FLAT_HEAP_MIB = 32;
    private static final Pattern AFTER_GC = Pattern.compile("Pause \\w+ \\(.*\\) \\d+M->(\\d+)M\\(");
    private static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    static Path shared;
    private static ServerProcess server;
    private static int port;

    @BeforeAll
    static void start() throws Exception {
        server = ServerProcess.startWithJvmOptions(List.of("-Xmx64m", "-Xlog:gc:file=" + shared.resolve("gc.log")),
                "smallheap.wsgi", "--limit-request-body", "0", "--processes", "1", "--threads", "1",
                "--response-buffer-size", "64M", "--setenv", "TEST_DIR", shared.toString());
        port = server.port();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void aGibibyteUploadReachesTheApplicationWithTheHeapFlat() throws Exception {
        AtomicBoolean spooled = new AtomicBoolean();
        Thread watcher = Thread.ofVirtual().start(() -> watchForSpool(spooled));
        String expected;
        Http.Response response;
        try (Http.Connection connection = new Http.Connection(port)) {
            connection.socket().setSoTimeout(300_000);
            connection.send(head("/digest?how=read&size=1048576", GIBIBYTE));
            expected = sendBody(connection);
            response = connection.read();
        } finally {
            watcher.interrupt();
            watcher.join();
        }
        assertEquals(200, response.status(), response.text());
        Map<String, Object> answer = Json.object(response.text());
        assertEquals(GIBIBYTE, answer.get("total"));
        assertEquals(expected, answer.get("sha256"));
        assertTrue(spooled.get(), "the body went through a spool file in the server root's run directory");
        awaitNoSpoolFile();
        assertHeapFlat();
    }

    @Test
    void bodiesBeyondTheMemoryBudgetAreSpooledThoughSmall() throws Exception {
        int count = 24;
        byte[] body = new byte[MEBIBYTE];
        new Random(3).nextBytes(body);
        String digest = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body));
        String tag = "budget-" + System.nanoTime();
        try (ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor()) {
            // The only Python thread is held, so every body below stays received, waiting for it.
            Future<Http.Response> holder = clients.submit(() -> Http.get(port, "/hold?tag=" + tag));
            Await.file(shared.resolve("spools-" + tag), WAIT);
            List<Future<Http.Response>> uploads = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                uploads.add(clients.submit(() -> Http.exchange(port, InputIT.concat(head("/digest", body.length), body))));
            }
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (spoolFiles().size() < 8) {
                assertTrue(System.nanoTime() < deadline, "bodies past the budget were not spooled: " + spoolFiles());
                Thread.sleep(20);
            }
            Files.createFile(shared.resolve("release-" + tag));
            assertEquals(200, holder.get(WAIT.toSeconds(), TimeUnit.SECONDS).status());
            int spooled = 0;
            for (Future<Http.Response> upload : uploads) {
                Http.Response response = upload.get(WAIT.toSeconds(), TimeUnit.SECONDS);
                assertEquals(200, response.status(), response.text());
                Map<String, Object> answer = Json.object(response.text());
                assertEquals(digest, answer.get("sha256"));
                if (!((List<?>) answer.get("spools")).isEmpty()) {
                    spooled++;
                }
            }
            // A quarter of a 64 MiB heap holds at most 15 bodies of 1 MiB.
            assertTrue(spooled >= count - 15 && spooled < count, spooled + " of " + count + " bodies were spooled");
        }
        awaitNoSpoolFile();
        assertHeapFlat();
    }

    @Test
    void aResponseWaitsForItsClientOnceTheMemoryBudgetIsSpent() throws Exception {
        String tag = "response-" + System.nanoTime();
        int size = 32 * MEBIBYTE;
        try (Http.Connection slow = new Http.Connection(port, 4096)) {
            slow.send("GET /big?size=" + size + "&tag=" + tag + " HTTP/1.1\r\nHost: localhost\r\n\r\n");
            assertEquals(200, slow.readHead().status());
            // A 64 MiB response buffer would take it all; the budget of about 16 MiB does not.
            Thread.sleep(3000);
            assertTrue(Files.notExists(shared.resolve("closed-" + tag)), "32 MiB were buffered for a client reading nothing");
            long received = 0;
            byte[] chunk;
            while ((chunk = slow.readChunk()) != null) {
                received += chunk.length;
            }
            assertEquals(size, received);
        }
        assertEquals(Integer.toString(size), Await.file(shared.resolve("closed-" + tag), WAIT).split(" ")[0]);
        assertHeapFlat();
    }

    private static byte[] head(String target, long length) {
        return ("POST " + target + " HTTP/1.1\r\nHost: localhost\r\nContent-Length: " + length
                + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1);
    }

    /** Sends 1 GiB made of one random block, each copy stamped with its index; its SHA-256. */
    private static String sendBody(Http.Connection connection) throws Exception {
        byte[] block = new byte[MEBIBYTE];
        new Random(1).nextBytes(block);
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        for (long i = 0; i < GIBIBYTE / MEBIBYTE; i++) {
            for (int b = 0; b < 8; b++) {
                block[b] = (byte) (i >>> (8 * b));
            }
            digest.update(block);
            connection.send(block);
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    private static List<Path> spoolFiles() throws IOException {
        try (Stream<Path> files = Files.list(server.root().resolve("run"))) {
            return files.filter(f -> f.getFileName().toString().startsWith("wsgi4j-body-")).toList();
        }
    }

    private static void watchForSpool(AtomicBoolean seen) {
        try {
            while (!seen.get()) {
                if (!spoolFiles().isEmpty()) {
                    seen.set(true);
                }
                Thread.sleep(20);
            }
        } catch (IOException | InterruptedException e) {
            // the upload is over
        }
    }

    private static void awaitNoSpoolFile() throws Exception {
        for (int i = 0; i < 1500 && !spoolFiles().isEmpty(); i++) {
            Thread.sleep(20);
        }
        assertEquals(List.of(), spoolFiles(), "the spool files are removed after the requests");
    }

    private static void assertHeapFlat() throws IOException {
        Matcher m = AFTER_GC.matcher(Files.readString(shared.resolve("gc.log")));
        int largest = 0;
        while (m.find()) {
            largest = Math.max(largest, Integer.parseInt(m.group(1)));
        }
        assertTrue(largest <= FLAT_HEAP_MIB, "the heap held " + largest + " MiB after a collection");
    }
}
