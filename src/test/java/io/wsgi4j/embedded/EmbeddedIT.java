package io.wsgi4j.embedded;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wsgi4j.testing.Http;
import io.wsgi4j.testing.Json;
import io.wsgi4j.testing.PythonRuns;
import io.wsgi4j.testing.Pythons;
import io.wsgi4j.testing.TestServer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What is particular to embedded mode, on every CPython 3.8-3.13: the application runs inside the
 * server's own process, its C extensions load there (libpython loaded with RTLD_GLOBAL), it
 * may not take the process's signals from the JVM, and it has the stack depth CPython's own threads have.
 */
@ParameterizedClass(name = "{0}")
@MethodSource("io.wsgi4j.testing.Pythons#allEmbedded")
class EmbeddedIT extends PythonRuns {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static TestServer server;

    @BeforeParameterizedClassInvocation
    static void start(Pythons.Python python) throws Exception {
        server = startOn(python, "embedded.wsgi", "--threads", "3");
    }

    @AfterParameterizedClassInvocation
    static void stop() {
        stop(server);
    }

    private static Map<String, Object> get(String target) throws Exception {
        Http.Response response = server.get(target);
        assertEquals(200, response.status(), response.text());
        return Json.object(response.text());
    }

    @Test
    void theApplicationRunsInsideTheServerProcess() throws Exception {
        Map<String, Object> env = get("/");
        // The JVM started is the control process; the application runs in its server process.
        long serverProcess = ((Number) env.get("pid")).longValue();
        ProcessHandle control = ProcessHandle.of(server.pid()).orElseThrow();
        assertEquals(List.of(serverProcess), control.children().map(ProcessHandle::pid).toList());
        assertEquals(List.of("wsgi4j"), env.get("argv"));
        assertTrue(ProcessHandle.of(serverProcess).orElseThrow().children().findAny().isEmpty(),
                "no Python process of its own");
    }

    @Test
    void cExtensionsLoad() throws Exception {
        Map<String, Object> ext = get("/extensions");
        assertEquals(Boolean.TRUE, ext.get("json"));
        assertEquals("0.1428571428571428571428571429", ext.get("decimal"));
        assertEquals(Boolean.TRUE, ext.get("decimal_is_c"), "decimal is the C _decimal");
        assertEquals(6L, ((Number) ext.get("sqlite3")).longValue());
        assertEquals("OpenSSL", ext.get("ssl"));
        assertEquals(Boolean.TRUE, ext.get("ssl_verify"));
        assertEquals("8c0cbd5b2d3ec6da".length(), ((String) ext.get("sha256")).length());
        assertEquals(Boolean.TRUE, ext.get("zlib"));
    }

    @Test
    void theApplicationMayNotTakeTheProcessSignals() throws Exception {
        Map<String, Object> result = get("/signal");
        assertEquals(Boolean.TRUE, result.get("returned_previous"), "signal.signal returns the handler in place");
        server.awaitLogLine(line -> line.contains("signal.signal(SIGTERM) was ignored: in embedded mode the server "
                + "process owns its signals"), WAIT);
        assertFalse((Boolean) get("/faulthandler").get("enabled"), "faulthandler would take the JVM's SIGSEGV");
        server.awaitLogLine(line -> line.contains("faulthandler.enable() was ignored"), WAIT);
    }

    @Test
    void requestsRunOnTheRequestThreads() throws Exception {
        String thread = (String) get("/").get("thread");
        assertTrue(thread.matches("wsgi4j-request-[0-2]"), "named as in a daemon process: " + thread);
    }

    @Test
    void recursionToPythonsLimitIsARecursionErrorNotACrash() throws Exception {
        long before = ((Number) get("/").get("pid")).longValue();
        // On the JVM's default thread stack this overflowed it: SIGSEGV, and the server process died.
        assertEquals(Map.of("python", "RecursionError", "repr", "RecursionError", "nested", "RecursionError"),
                get("/recursion"));
        assertEquals(before, ((Number) get("/").get("pid")).longValue(), "the same server process");
    }
}
