package io.wsgi4j.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wsgi4j.testing.Command;
import io.wsgi4j.testing.Http;
import io.wsgi4j.testing.Json;
import io.wsgi4j.testing.Pythons;
import io.wsgi4j.testing.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.ArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The application's Python, in daemon processes and embedded in the server: --python-home with a real virtual
 * environment, --python-path, --working-directory, and --application-type module with package.module:callable or
 * --callable-object.
 */
@ParameterizedClass(name = "embedded mode: {0}")
@ValueSource(booleans = {false, true})
class PythonEnvironmentIT {
    private static final String REPORT = """
            import json, os, sys
            import workmod


            def _report(which, environ, start_response):
                body = json.dumps({
                    'callable': which,
                    'prefix': sys.prefix,
                    'base_prefix': getattr(sys, 'base_prefix', sys.prefix),
                    'cwd': os.getcwd(),
                    'path': sys.path,
                    'workmod': workmod.__file__,
                    'module': __name__,
                }).encode('utf-8')
                start_response('200 OK', [('Content-Type', 'application/json')])
                return [body]


            def app(environ, start_response):
                return _report('app', environ, start_response)


            def other(environ, start_response):
                return _report('other', environ, start_response)
            """;

    @TempDir
    static Path dir;
    private static Path venv;
    private static Path work;
    private static Path extra;
    private static TestServer server;
    private static TestServer byCallableObject;

    @Parameter
    boolean embedded;

    @BeforeParameterizedClassInvocation
    static void start(boolean embedded) throws Exception {
        Path base = Files.createDirectories(dir.resolve(embedded ? "embedded" : "daemon"));
        venv = base.resolve("venv");
        Command.Result created = Command.run(List.of(Pythons.defaultPython().toString(), "-m", "venv", "--without-pip",
                venv.toString()), dir, Map.of(), Duration.ofSeconds(120));
        assertEquals(0, created.exitCode(), created.toString());
        // The working directory holds a module imported by its bare name (it is sys.path[0]);
        // the python-path directory holds the package the application is loaded from.
        work = Files.createDirectories(base.resolve("work"));
        Files.writeString(work.resolve("workmod.py"), "VALUE = 1\n");
        extra = Files.createDirectories(base.resolve("extra/pkg"));
        Files.writeString(extra.resolve("__init__.py"), "");
        Files.writeString(extra.resolve("mod.py"), REPORT);
        extra = extra.getParent();

        server = TestServer.start("pkg.mod:app", mode(embedded, "--application-type", "module", "--python-home",
                venv.toString(), "--python-path", extra.toString(), "--working-directory", work.toString()));
        byCallableObject = TestServer.start("pkg.mod", mode(embedded, "--application-type", "module",
                "--callable-object", "other", "--python-path", extra.toString(), "--working-directory", work.toString()));
    }

    private static String[] mode(boolean embedded, String... options) {
        List<String> all = new ArrayList<>(List.of(options));
        if (embedded) {
            all.add("--embedded-mode");
        }
        return all.toArray(String[]::new);
    }

    @AfterParameterizedClassInvocation
    static void stop() {
        if (server != null) {
            server.close();
        }
        if (byCallableObject != null) {
            byCallableObject.close();
        }
    }

    private static Map<String, Object> report(TestServer target) throws Exception {
        Http.Response response = target.get("/");
        assertEquals(200, response.status(), response.text() + "\n" + target.errorLogText());
        return Json.object(response.text());
    }

    @Test
    void pythonHomeRunsTheVirtualEnvironment() throws Exception {
        Map<String, Object> report = report(server);
        assertEquals(venv.toRealPath().toString(), Path.of((String) report.get("prefix")).toRealPath().toString());
        assertTrue(!report.get("base_prefix").equals(report.get("prefix")), "not a virtual environment: " + report);
    }

    @Test
    void workingDirectoryIsTheCurrentDirectoryAndFirstOnSysPath() throws Exception {
        Map<String, Object> report = report(server);
        assertEquals(work.toString(), report.get("cwd"));
        assertEquals(work.toString(), ((List<?>) report.get("path")).getFirst());
        assertEquals(work.resolve("workmod.py").toString(), report.get("workmod"));
    }

    @Test
    void pythonPathDirectoryIsImportable() throws Exception {
        Map<String, Object> report = report(server);
        assertTrue(((List<?>) report.get("path")).contains(extra.toString()), report.toString());
        assertEquals("pkg.mod", report.get("module"));
    }

    @Test
    void moduleWithCallableAfterTheColon() throws Exception {
        assertEquals("app", report(server).get("callable"));
    }

    @Test
    void moduleWithCallableObjectOption() throws Exception {
        Map<String, Object> report = report(byCallableObject);
        assertEquals("other", report.get("callable"));
        // Without --python-home the processes run the python3 on PATH, not the virtual environment.
        assertTrue(!Path.of((String) report.get("prefix")).startsWith(venv), report.toString());
    }
}
