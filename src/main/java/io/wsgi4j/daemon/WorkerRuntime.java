package io.wsgi4j.daemon;

import io.wsgi4j.config.ApplicationConfig;
import io.wsgi4j.config.DaemonConfig;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

/** The Python worker runtime shipped inside the jar, unpacked into the server root for the daemon processes. */
public final class WorkerRuntime {
    /** The runtime's modules (python/wsgi4j_worker/ in the source tree). */
    static final List<String> MODULES = List.of(
            "__init__.py", "embedded.py", "gateway.py", "loader.py", "log.py", "main.py", "monitor.py", "proctitle.py", "protocol.py",
            "stacks.py", "streams.py");

    private static final String RESOURCE_DIR = "/io/wsgi4j/python/wsgi4j_worker/";

    /** The command line that starts a worker from a runtime unpacked in {@code directory}. */
    static List<String> command(Path interpreter, Path directory) {
        String bootstrap = "import sys; sys.path.insert(0, sys.argv[1]); "
                + "from wsgi4j_worker.main import main; del sys.path[0]; sys.argv[:] = ['wsgi4j']; main()";
        return List.of(interpreter.toString(), "-c", bootstrap, directory.toString());
    }

    private WorkerRuntime() {
    }

    /** The configuration a worker reads from stdin when it starts: one JSON line. */
    static String configLine(DaemonConfig config, ApplicationConfig application, Path socket, String token) {
        StringBuilder paths = new StringBuilder("[");
        for (Path path : config.python().paths()) {
            if (paths.length() > 1) {
                paths.append(',');
            }
            paths.append(Json.string(path.toString()));
        }
        paths.append(']');
        return "{" + "\"socket\":" + Json.string(socket.toString())
                + ",\"token\":" + Json.string(token)
                + ",\"group\":" + Json.string(config.name())
                + ",\"display_name\":" + Json.string(config.displayName())
                + ",\"threads\":" + config.threads()
                + ",\"application_type\":" + Json.string(application.type().key())
                + ",\"entry_point\":" + Json.string(application.entryPoint())
                + ",\"callable_object\":" + Json.string(application.callableObject())
                + ",\"working_directory\":" + Json.string(config.workingDirectory().toString())
                + ",\"reload_on_changes\":" + config.reloadOnChanges()
                + ",\"python_path\":" + paths + "}";
    }

    /** Unpacks the runtime into {@code directory} (its package goes in a subdirectory); returns the directory. */
    public static Path install(Path directory) throws IOException {
        Path target = directory.resolve("wsgi4j_worker");
        Files.createDirectories(target);
        for (String module : MODULES) {
            try (InputStream in = WorkerRuntime.class.getResourceAsStream(RESOURCE_DIR + module)) {
                if (in == null) {
                    throw new IOException("the worker runtime module " + module + " is missing from the wsgi4j jar");
                }
                Path tmp = Files.createTempFile(target, module, ".tmp");
                Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
                Files.move(tmp, target.resolve(module), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            }
        }
        return directory;
    }
}
