package io.wsgi4j.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wsgi4j.testing.EveryPythonEveryMode;
import io.wsgi4j.testing.Http;
import io.wsgi4j.testing.Json;
import io.wsgi4j.testing.Pythons;
import io.wsgi4j.testing.TestServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;

/** wsgi.input: every read method, Content-Length and chunked bodies, 100-continue, and the body size limit. */
class InputIT extends EveryPythonEveryMode {
    private static final int LIMIT = 4 * 1024 * 1024;
    private static final String BODY = "alpha\nbravo charlie\ndelta\n\necho foxtrot\nlast-no-newline";

    private static TestServer server;

    @BeforeParameterizedClassInvocation
    static void start(Pythons.Python python) throws Exception {
        server = startOn(python, "input.wsgi", "--limit-request-body", Integer.toString(LIMIT));
    }

    @AfterParameterizedClassInvocation
    static void stop() {
        stop(server);
    }

    private static Map<String, Object> post(String target, byte[] body) throws IOException {
        Http.Response response = Http.exchange(server.port(), concat(("POST " + target + " HTTP/1.1\r\nHost: localhost\r\n"
                + "Content-Type: application/octet-stream\r\nContent-Length: " + body.length
                + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1), body));
        assertEquals(200, response.status(), response.text());
        return Json.object(response.text());
    }

    private static Map<String, Object> postChunked(String target, byte[] body, int chunkSize) throws IOException {
        Http.Response response = Http.exchange(server.port(), concat(("POST " + target + " HTTP/1.1\r\nHost: localhost\r\n"
                + "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1),
                chunked(body, chunkSize)));
        assertEquals(200, response.status(), response.text());
        return Json.object(response.text());
    }

    /** Each step's result is what io.BufferedReader gives for the same steps over the same bytes. */
    private static void assertOps(String plan) throws IOException {
        Map<String, Object> answer = post("/ops?plan=" + plan, BODY.getBytes(StandardCharsets.ISO_8859_1));
        assertEquals(BODY, answer.get("data"), "the steps together read the whole body, no more");
        assertEquals(answer.get("reference"), answer.get("got"), "wsgi.input differs from io.BufferedReader for " + plan);
        assertEquals(Integer.toString(BODY.length()), answer.get("content_length"));
    }

    @Test
    void readAndReadSize() throws Exception {
        assertOps("read:3,read:0,read:5,read:1000,read:5,read");
        assertOps("read");
        assertOps("read:-1,read");
    }

    @Test
    void readlineWithAndWithoutSize() throws Exception {
        assertOps("readline,readline:4,readline,readline:1,readline:0,readline:100,readline,readline,readline,readline,readline");
    }

    @Test
    void readlinesWithAndWithoutHint() throws Exception {
        assertOps("readline:2,readlines:7,readlines");
        assertOps("readlines:1,readlines:6,readlines:-1");
        assertOps("readlines");
    }

    @Test
    void iteration() throws Exception {
        assertOps("read:3,iter,read");
        assertOps("iter");
    }

    @Test
    void mixedSteps() throws Exception {
        assertOps("read:3,readline,readline:4,readline,readlines:7,readline:0,iter,read,read:5,readline,readlines");
    }

    @Test
    void resultsAreBytes() throws Exception {
        Map<String, Object> answer = post("/echo", "data".getBytes(StandardCharsets.ISO_8859_1));
        assertEquals("bytes", answer.get("type"));
        assertEquals("data", answer.get("body"));
        assertEquals(List.of("b''", "b''", "b''", "[]"), answer.get("after_end"), "reads at the end of the body give nothing");
    }

    @Test
    void neverReadsPastTheBody() throws Exception {
        // Two pipelined requests in one write: the first body must not take bytes of the second request.
        try (Http.Connection connection = new Http.Connection(server.port())) {
            connection.send("POST /echo HTTP/1.1\r\nHost: localhost\r\nContent-Length: 5\r\n\r\nhello"
                    + "POST /echo HTTP/1.1\r\nHost: localhost\r\nContent-Length: 3\r\nConnection: close\r\n\r\nbye");
            Map<String, Object> first = Json.object(connection.read().text());
            Map<String, Object> second = Json.object(connection.read().text());
            assertEquals("hello", first.get("body"));
            assertEquals("bye", second.get("body"));
        }
    }

    @Test
    void aBodyTheApplicationLeftUnreadDoesNotSpillIntoTheNextRequest() throws Exception {
        try (Http.Connection connection = new Http.Connection(server.port())) {
            connection.send("POST /ops?plan=read:3 HTTP/1.1\r\nHost: localhost\r\nContent-Length: " + BODY.length()
                    + "\r\n\r\n" + BODY + "POST /echo HTTP/1.1\r\nHost: localhost\r\nContent-Length: 3\r\n"
                    + "Connection: close\r\n\r\nbye");
            assertEquals("alp", Json.object(connection.read().text()).get("data"));
            Http.Response second = connection.read();
            assertEquals(200, second.status());
            assertEquals("bye", Json.object(second.text()).get("body"));
        }
    }

    @Test
    void noBody() throws Exception {
        Map<String, Object> answer = Json.object(server.get("/echo").text());
        assertEquals("", answer.get("body"));
        assertNull(answer.get("content_length"));
    }

    @Test
    void largeBodyInPieces() throws Exception {
        byte[] body = random(3 * 1024 * 1024 + 17);
        for (int piece : new int[]{65536, 10007, 1}) {
            if (piece == 1) {
                body = random(200_003); // byte by byte is slow; a smaller body proves the same
            }
            Map<String, Object> answer = post("/digest?n=" + piece, body);
            assertEquals((long) body.length, answer.get("total"));
            assertEquals(sha256(body), answer.get("sha256"));
            assertTrue((Long) answer.get("largest") <= piece, "read(" + piece + ") gave " + answer.get("largest") + " bytes");
            assertEquals(List.of("bytes"), answer.get("types"));
        }
    }

    @Test
    void largeBodyByLines() throws Exception {
        StringBuilder text = new StringBuilder();
        Random random = new Random(7);
        while (text.length() < 2 * 1024 * 1024) {
            text.append("x".repeat(random.nextInt(20_000))).append('\n');
        }
        byte[] body = text.toString().getBytes(StandardCharsets.ISO_8859_1);
        Map<String, Object> answer = post("/lines?limit=8192", body);
        assertEquals((long) body.length, answer.get("total"));
        assertEquals(sha256(body), answer.get("sha256"));
        assertEquals(8192L, answer.get("longest"));
    }

    @Test
    void chunkedBodyIsDecodedWithoutContentLength() throws Exception {
        Map<String, Object> answer = postChunked("/ops?plan=readline,readlines:7,iter",
                BODY.getBytes(StandardCharsets.ISO_8859_1), 4);
        assertEquals(BODY, answer.get("data"));
        assertEquals(answer.get("reference"), answer.get("got"));
        assertNull(answer.get("content_length"), "a chunked body has no CONTENT_LENGTH");
    }

    @Test
    void largeChunkedBody() throws Exception {
        byte[] body = random(3 * 1024 * 1024 + 5);
        Map<String, Object> answer = postChunked("/digest?n=100000", body, 50_000);
        assertEquals((long) body.length, answer.get("total"));
        assertEquals(sha256(body), answer.get("sha256"));
        assertNull(answer.get("content_length"));
        assertEquals("chunked", answer.get("transfer_encoding"));
    }

    @Test
    void continueIsSentWhenTheApplicationReads() throws Exception {
        try (Http.Connection connection = new Http.Connection(server.port())) {
            connection.send("POST /echo HTTP/1.1\r\nHost: localhost\r\nContent-Length: 5\r\nExpect: 100-continue\r\n"
                    + "Connection: close\r\n\r\n");
            // Nothing of the body is sent until the interim response arrives.
            assertEquals("HTTP/1.1 100 Continue", connection.readLine());
            assertEquals("", connection.readLine());
            connection.send("hello");
            Http.Response response = connection.read();
            assertEquals(200, response.status());
            assertEquals("hello", Json.object(response.text()).get("body"));
        }
    }

    @Test
    void noContinueWhenTheApplicationDoesNotRead() throws Exception {
        try (Http.Connection connection = new Http.Connection(server.port())) {
            connection.send("POST /ignore HTTP/1.1\r\nHost: localhost\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n");
            Http.Response response = connection.read();
            assertEquals(200, response.status(), "the final response comes first, with no 100 Continue before it");
            assertEquals("ignored", response.text());
        }
    }

    @Test
    void declaredBodyOverTheLimitIsRefusedBeforeReading() throws Exception {
        try (Http.Connection connection = new Http.Connection(server.port())) {
            connection.send("POST /digest HTTP/1.1\r\nHost: localhost\r\nContent-Length: " + (LIMIT + 1) + "\r\n\r\n");
            Http.Response response = connection.read();
            assertEquals(413, response.status());
        }
        try (Http.Connection connection = new Http.Connection(server.port())) {
            connection.send("POST /digest HTTP/1.1\r\nHost: localhost\r\nContent-Length: " + (LIMIT + 1)
                    + "\r\nExpect: 100-continue\r\n\r\n");
            Http.Response response = connection.read();
            assertEquals(413, response.status(), "refused at once, without a 100 Continue");
        }
    }

    @Test
    void chunkedBodyOverTheLimitIsRefusedWhenTheLimitIsCrossed() throws Exception {
        byte[] body = random(LIMIT + 100_000);
        try (Http.Connection connection = new Http.Connection(server.port())) {
            connection.send("POST /digest HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: chunked\r\n\r\n");
            Thread sender = Thread.ofVirtual().start(() -> {
                try {
                    connection.send(chunked(body, 65536));
                } catch (IOException e) {
                    // the server stopped reading once the limit was crossed
                }
            });
            Http.Response response = connection.read();
            assertEquals(413, response.status());
            sender.join(Duration.ofSeconds(30));
        }
        server.awaitLogLine(line -> line.contains("larger than the limit of " + LIMIT), Duration.ofSeconds(10));
    }

    @Test
    void aBodyReadFailsLoudlyWhenTheClientGivesUp() throws Exception {
        // The client promises 100 bytes, sends 10 and half-closes: the application's read raises,
        // the request ends with 400 rather than with a silently short body.
        try (Http.Connection connection = new Http.Connection(server.port())) {
            connection.send("POST /digest HTTP/1.1\r\nHost: localhost\r\nContent-Length: 100\r\n\r\n0123456789");
            connection.socket().shutdownOutput();
            Http.Response response = connection.read();
            assertEquals(400, response.status(), "a short body must not look complete: " + response.text());
        }
    }

    private static byte[] random(int size) {
        byte[] bytes = new byte[size];
        new Random(size).nextBytes(bytes);
        return bytes;
    }

    private static String sha256(byte[] data) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
    }

    static byte[] concat(byte[] a, byte[] b) {
        byte[] all = new byte[a.length + b.length];
        System.arraycopy(a, 0, all, 0, a.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }

    static byte[] chunked(byte[] body, int chunkSize) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int at = 0; at < body.length; at += chunkSize) {
            int n = Math.min(chunkSize, body.length - at);
            out.writeBytes((Integer.toHexString(n) + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
            out.write(body, at, n);
            out.writeBytes("\r\n".getBytes(StandardCharsets.ISO_8859_1));
        }
        out.writeBytes("0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
        return out.toByteArray();
    }
}
