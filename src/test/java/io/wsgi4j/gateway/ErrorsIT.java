package io.wsgi4j.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wsgi4j.testing.EveryPythonEveryMode;
import io.wsgi4j.testing.Http;
import io.wsgi4j.testing.Json;
import io.wsgi4j.testing.Pythons;
import io.wsgi4j.testing.TestServer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;

/** wsgi.errors and stdout reach the error log tagged with their request; application exceptions give 500 and a traceback. */
class ErrorsIT extends EveryPythonEveryMode {
    private static final Duration WAIT = Duration.ofSeconds(10);

    private static TestServer server;

    @BeforeParameterizedClassInvocation
    static void start(Pythons.Python python) throws Exception {
        server = startOn(python, "errors.wsgi");
    }

    @AfterParameterizedClassInvocation
    static void stop() {
        stop(server);
    }

    @Test
    void wsgiErrorsGoToTheErrorLogTaggedWithClientAndRequest() throws Exception {
        String tag = "tag" + System.nanoTime();
        Http.Response response = server.get("/log?tag=" + tag);
        assertEquals(200, response.status(), response.text());
        Map<String, Object> answer = Json.object(response.text());
        String prefix = "[client " + answer.get("client") + "] [request " + answer.get("request_id") + "] ";
        server.awaitLogLine(line -> line.endsWith(tag + " to stdout"), WAIT);
        List<String> lines = server.errorLogText().lines().filter(line -> line.contains(tag)).toList();
        List<String> expected = List.of(tag + " line one", tag + " partial then the rest", tag + " from writelines 1",
                tag + " from writelines 2", tag + " printed", tag + " flushed without newline", tag + " to stdout");
        assertEquals(expected.size(), lines.size(), "one log line per line written: " + lines);
        for (int i = 0; i < expected.size(); i++) {
            String line = lines.get(i);
            assertTrue(line.endsWith(prefix + expected.get(i)), "expected '" + prefix + expected.get(i) + "' in: " + line);
            assertTrue(line.contains("[wsgi:error]"), line);
        }
    }

    @Test
    void exceptionBeforeTheResponseGives500WithTheTraceback() throws Exception {
        Http.Response response = server.get("/raise");
        assertEquals(500, response.status());
        String id = ErrorPage.requestId(response);
        server.awaitLogLine(line -> line.contains("[request " + id + "]") && line.contains("ValueError: boom from the application"), WAIT);
        List<String> lines = server.logLinesOf(id);
        String script = TestServer.APPS.resolve("errors.wsgi").toString();
        assertTrue(lines.get(0).endsWith("Exception occurred processing WSGI script '" + script + "'."), lines.get(0));
        int traceback = indexOf(lines, "Traceback (most recent call last):");
        assertTrue(traceback > 0, "a traceback is logged: " + lines);
        assertTrue(lines.get(traceback + 1).contains("File \"" + script + "\", line"), "the traceback starts at the application's frame: " + lines);
        assertTrue(lines.get(traceback + 1).endsWith("in application"), lines.get(traceback + 1));
        assertTrue(lines.stream().anyMatch(l -> l.endsWith("in fail_deeper")), lines.toString());
        assertTrue(lines.stream().noneMatch(l -> l.contains("wsgi4j_worker")), "no frames of the worker runtime: " + lines);
        assertTrue(lines.getLast().endsWith("ValueError: boom from the application"), lines.getLast());
        assertTrue(lines.stream().allMatch(l -> l.contains("[client 127.0.0.1:")), "every line names the client");
    }

    @Test
    void exceptionInAGeneratorBeforeItsFirstChunkGives500() throws Exception {
        for (String path : List.of("/raise-in-generator", "/raise-lazily")) {
            Http.Response response = server.get(path);
            assertEquals(500, response.status(), path);
            String id = ErrorPage.requestId(response);
            server.awaitLogLine(line -> line.contains("[request " + id + "]") && line.contains("ValueError: boom"), WAIT);
            assertTrue(server.logLinesOf(id).stream().anyMatch(l -> l.endsWith("Traceback (most recent call last):")));
        }
    }

    @Test
    void systemExitFailsTheRequestNotTheProcess() throws Exception {
        Http.Response response = server.get("/system-exit");
        assertEquals(500, response.status());
        String id = ErrorPage.requestId(response);
        server.awaitLogLine(line -> line.contains("[request " + id + "]") && line.contains("SystemExit: 3"), WAIT);
        assertEquals(200, server.get("/after-exit").status());
    }

    private static int indexOf(List<String> lines, String suffix) {
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).endsWith(suffix)) {
                return i;
            }
        }
        return -1;
    }
}
