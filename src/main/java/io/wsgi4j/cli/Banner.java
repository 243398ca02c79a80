package io.wsgi4j.cli;

import io.wsgi4j.config.ServerConfig;
import io.wsgi4j.config.UrlAlias;
import io.wsgi4j.python.PythonInterpreter;
import java.util.ArrayList;
import java.util.List;

/** The start-up summary, in mod_wsgi-express's layout ("Server URL         : http://localhost:8000/"). */
public final class Banner {
    private Banner() {
    }

    /** The banner's lines for a server listening on {@code port}. */
    public static List<String> lines(ServerConfig config, PythonInterpreter python, String serverSoftware, int port) {
        List<String> lines = new ArrayList<>();
        var daemon = config.daemon();
        var http = config.http();
        add(lines, "Server URL", "http://" + config.serverName() + ":" + port + config.application().mountPoint() + "/");
        add(lines, "Server Root", config.serverRoot().toString());
        add(lines, "Server Version", serverSoftware);
        add(lines, "Python", python.executable() + " (Python " + python.version() + ")");
        add(lines, "Application", config.application().entryPoint() + " (" + config.application().type().key()
                + ", callable '" + config.application().callableObject() + "')");
        for (UrlAlias alias : config.urlAliases()) {
            add(lines, "URL Alias", alias.url() + " -> " + alias.path());
        }
        config.documentRoot().ifPresent(root -> add(lines, "Document Root", root.toString()));
        add(lines, "Error Log File", config.logging().errorLogFile().map(Object::toString).orElse("(terminal)")
                + " (" + config.logging().level().key() + ")");
        if (config.logging().accessLog()) {
            add(lines, "Access Log File", config.logging().accessLogFile().map(Object::toString).orElse("(terminal)"));
        }
        var model = config.model();
        add(lines, "Operating Mode", model.mode().key());
        add(lines, "Server MPM", model.mpm().key());
        add(lines, "Request Capacity", model.capacity() + " (" + model.processes() + " process"
                + (model.processes() == 1 ? "" : "es") + " * " + model.threads() + " thread"
                + (model.threads() == 1 ? "" : "s") + ")");
        add(lines, "Socket Timeout", http.socketTimeout().toSeconds() + " (seconds)");
        add(lines, "Keep Alive Timeout", http.keepAliveTimeout().toSeconds() + " (seconds)");
        if (!model.embedded()) {
            // Watched by the daemon process group's supervisor, which embedded mode does not have.
            add(lines, "Request Timeout", daemon.timeouts().request().toSeconds() + " (seconds)");
            add(lines, "Startup Timeout", daemon.timeouts().startup().toSeconds() + " (seconds)");
        }
        add(lines, "Queue Backlog", daemon.listenBacklog() + " (requests)");
        add(lines, "Queue Timeout", daemon.timeouts().queue().toSeconds() + " (seconds)");
        add(lines, "Graceful Timeout", daemon.timeouts().graceful().toSeconds() + " (seconds)");
        add(lines, "Shutdown Timeout", daemon.timeouts().shutdown().toSeconds() + " (seconds)");
        add(lines, "Request Body Limit", http.limitRequestBody() + " (bytes)");
        return lines;
    }

    private static void add(List<String> lines, String label, String value) {
        lines.add(String.format("%-19s: %s", label, value));
    }
}
