package io.wsgi4j.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.wsgi4j.testing.EveryPython;
import io.wsgi4j.testing.Http;
import io.wsgi4j.testing.Json;
import io.wsgi4j.testing.Pythons;
import io.wsgi4j.testing.TestServer;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;

/**
 * What daemon options show in the environ, by mod_wsgi's daemon-mode rules: wsgi.multithread is
 * threads != 1, wsgi.multiprocess is true whenever --processes was given (even 1), wsgi.run_once
 * is false; --pass-authorization passes HTTP_AUTHORIZATION. (The defaults are in EnvironIT.)
 */
class DaemonOptionsIT extends EveryPython {
    private static TestServer oneByOne;
    private static TestServer twoByTwo;

    @BeforeParameterizedClassInvocation
    static void start(Pythons.Python python) throws Exception {
        oneByOne = startOn(python, "environ.wsgi", "--processes", "1", "--threads", "1", "--pass-authorization");
        twoByTwo = startOn(python, "environ.wsgi", "--processes", "2", "--threads", "2");
    }

    @AfterParameterizedClassInvocation
    static void stop() {
        stop(oneByOne);
        stop(twoByTwo);
    }

    private static Map<String, Object> environ(TestServer server) throws Exception {
        Http.Response response = server.exchange("GET / HTTP/1.1\r\nHost: localhost\r\n"
                + "Authorization: Basic dXNlcjpwYXNz\r\nConnection: close\r\n\r\n");
        assertEquals(200, response.status(), response.text());
        return Json.object(response.text());
    }

    @Test
    void oneProcessGivenOneThread() throws Exception {
        Map<String, Object> env = environ(oneByOne);
        assertEquals(Boolean.FALSE, env.get("wsgi.multithread"));
        assertEquals(Boolean.TRUE, env.get("wsgi.multiprocess"), "--processes 1 given explicitly");
        assertEquals(Boolean.FALSE, env.get("wsgi.run_once"));
    }

    @Test
    void twoProcessesTwoThreads() throws Exception {
        Map<String, Object> env = environ(twoByTwo);
        assertEquals(Boolean.TRUE, env.get("wsgi.multithread"));
        assertEquals(Boolean.TRUE, env.get("wsgi.multiprocess"));
        assertEquals(Boolean.FALSE, env.get("wsgi.run_once"));
    }

    @Test
    void passAuthorization() throws Exception {
        assertEquals("Basic dXNlcjpwYXNz", environ(oneByOne).get("HTTP_AUTHORIZATION"));
        assertEquals(null, environ(twoByTwo).get("HTTP_AUTHORIZATION"));
    }
}
