package io.wsgi4j.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wsgi4j.testing.EveryPythonEveryMode;
import io.wsgi4j.testing.Http;
import io.wsgi4j.testing.Json;
import io.wsgi4j.testing.Pythons;
import io.wsgi4j.testing.TestServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;

/**
 * Applications wrapped in the standard library's {@code wsgiref.validate.validator}, which checks
 * the server's side of PEP 3333 (environ, wsgi.input, wsgi.errors, start_response, iteration,
 * close()). Warnings are errors in the application, so any complaint fails its request or is logged.
 */
class ValidatorIT extends EveryPythonEveryMode {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final String BODY = "first line\nsecond line\nthird\nfourth\nlast";

    private static TestServer server;

    @BeforeParameterizedClassInvocation
    static void start(Pythons.Python python) throws Exception {
        // One thread: a request's after-effects (the validator checks close() when its iterator is
        // freed) are logged before the next request runs, so a marker request can flush them.
        server = startOn(python, "validator.wsgi", "--threads", "1");
    }

    @AfterParameterizedClassInvocation
    static void stop() {
        stop(server);
    }

    private static Http.Response send(String request) throws Exception {
        return Http.exchange(server.port(), request);
    }

    /** Waits until everything logged before now has reached the error log. */
    private static void flushLog() throws Exception {
        String tag = Long.toString(System.nanoTime());
        assertEquals(200, server.get("/marker?" + tag).status());
        server.awaitLogLine(line -> line.endsWith("validator marker " + tag), WAIT);
    }

    @Test
    void theValidatorFindsNothingWrong() throws Exception {
        List<String> ids = new ArrayList<>();
        List<String> requests = List.of(
                "GET /simple HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n",
                "HEAD /simple HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n",
                "GET /streaming?a=b HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n",
                "GET /lazy HTTP/1.0\r\n\r\n",
                "POST /reading HTTP/1.1\r\nHost: localhost\r\nContent-Type: text/plain\r\nContent-Length: "
                        + BODY.length() + "\r\nConnection: close\r\n\r\n" + BODY,
                "PUT /reading HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
                        + Integer.toHexString(BODY.length()) + "\r\n" + BODY + "\r\n0\r\n\r\n",
                "GET /writing HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n",
                "GET /file-wrapper HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n",
                "GET /errors HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n",
                "DELETE /simple HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n",
                "OPTIONS /simple HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
        for (String request : requests) {
            Http.Response response = send(request);
            String line = request.substring(0, request.indexOf('\r'));
            assertEquals(200, response.status(), line + ": " + response.text());
            ids.add(response.header("X-Request-Id").orElseThrow());
            if (line.startsWith("POST /reading") || line.startsWith("PUT /reading")) {
                assertEquals(List.of("first line\n", "sec", "ond ", "line\n", "third\n", "fourth\n", "last", ""),
                        Json.parse(response.text()), line);
            }
        }
        Http.Response replaced = send("GET /exc-info HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
        assertEquals(500, replaced.status());
        assertEquals("replaced", replaced.text());
        ids.add(replaced.header("X-Request-Id").orElseThrow());

        flushLog();
        String log = server.errorLogText();
        for (String id : ids) {
            for (String line : server.logLinesOf(id)) {
                assertTrue(line.contains("validator: "), "the validator objected to request " + id + ":\n" + log);
            }
        }
        for (String word : List.of("AssertionError", "Warning", "Traceback", "Exception ignored", "garbage collected")) {
            // Lines of other requests belong to other tests; untagged lines could be anyone's.
            assertTrue(log.lines().noneMatch(line -> line.contains(word) && !line.contains("[request ")),
                    word + " in the error log:\n" + log);
        }
    }

    @Test
    void theValidatorIsWatching() throws Exception {
        // The control: an application that breaks the rules is caught, so silence above means something.
        Http.Response response = server.get("/invalid");
        assertEquals(500, response.status());
        String id = ErrorPage.requestId(response);
        server.awaitLogLine(line -> line.contains("[request " + id + "]") && line.contains("AssertionError"), WAIT);
    }
}
