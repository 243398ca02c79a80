package io.wsgi4j.testing;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.Parameter;

/**
 * What the tests that run once per CPython have in common: the Python of the run, set by the
 * subclass's {@code @ParameterizedClass} source, and starting and stopping servers on it.
 *
 * <p>A subclass starts its server(s) in a static {@code @BeforeParameterizedClassInvocation}
 * method taking the {@link Pythons.Python}, through {@link #startOn}, and stops them in an
 * {@code @AfterParameterizedClassInvocation} method. When a version is absent no server is
 * started and every test of that run reports itself skipped, saying which version is missing
 * (an aborted class-level method would vanish from the Maven reports instead).
 */
public abstract class PythonRuns {
    @Parameter
    protected Pythons.Python python;

    @BeforeEach
    final void requirePython() {
        python.require();
    }

    /** Starts a server running this Python (in its mode); null when it is absent (the tests then skip themselves). */
    protected static TestServer startOn(Pythons.Python python, String script, String... options) throws Exception {
        return python.executable().isPresent() ? TestServer.start(python, script, options) : null;
    }

    /** Stops a server started by {@link #startOn}, if there is one. */
    protected static void stop(TestServer server) {
        if (server != null) {
            server.close();
        }
    }
}
