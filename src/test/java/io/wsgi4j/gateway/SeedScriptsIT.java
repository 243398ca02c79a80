package io.wsgi4j.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wsgi4j.testing.EveryPythonEveryMode;
import io.wsgi4j.testing.Http;
import io.wsgi4j.testing.Pythons;
import io.wsgi4j.testing.TestServer;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;

/**
 * The seed's diagnostic scripts (verbatim copies of shared/bench/seed.wsgi and hello.wsgi in
 * apps/seed): the str body fails as under mod_wsgi on Python 3, with a hint; the bytes version
 * reports wsgi.multithread under mod_wsgi-express's defaults and with one thread.
 */
class SeedScriptsIT extends EveryPythonEveryMode {
    private static final Duration WAIT = Duration.ofSeconds(10);

    private static TestServer seed;
    private static TestServer hello;
    private static TestServer helloOneThread;

    @BeforeParameterizedClassInvocation
    static void start(Pythons.Python python) throws Exception {
        seed = startOn(python, "seed/seed.wsgi");
        hello = startOn(python, "seed/hello.wsgi");
        helloOneThread = startOn(python, "seed/hello.wsgi", "--threads", "1");
    }

    @AfterParameterizedClassInvocation
    static void stop() {
        stop(seed);
        stop(hello);
        stop(helloOneThread);
    }

    @Test
    void aStrBodyGives500AndTheTypeErrorWithAHint() throws Exception {
        Http.Response response = seed.get("/");
        assertEquals(500, response.status());
        String id = ErrorPage.requestId(response);
        String error = "TypeError: sequence of byte string values expected, value of type str found";
        seed.awaitLogLine(line -> line.contains("[request " + id + "]") && line.contains("encode the body"), WAIT);
        List<String> lines = seed.logLinesOf(id);
        String script = TestServer.APPS.resolve("seed/seed.wsgi").toString();
        assertTrue(lines.stream().anyMatch(l -> l.endsWith("Exception occurred processing WSGI script '" + script + "'.")), lines.toString());
        assertTrue(lines.stream().anyMatch(l -> l.endsWith("] " + error)), "the line mod_wsgi logs: " + lines);
        assertTrue(lines.stream().anyMatch(l -> l.contains("encode the body, e.g. return [output.encode('utf-8')]")), lines.toString());
        assertTrue(lines.stream().noneMatch(l -> l.contains("wsgi4j_worker")), "no frames of the worker runtime: " + lines);
    }

    @Test
    void multithreadIsTrueWithTheDefaultFiveThreads() throws Exception {
        Http.Response response = hello.get("/");
        assertEquals(200, response.status());
        assertEquals("wsgi.multithread = True", response.text());
    }

    @Test
    void multithreadIsFalseWithOneThread() throws Exception {
        Http.Response response = helloOneThread.get("/");
        assertEquals(200, response.status());
        assertEquals("wsgi.multithread = False", response.text());
    }
}
