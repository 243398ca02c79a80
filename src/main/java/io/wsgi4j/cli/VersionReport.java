package io.wsgi4j.cli;

import io.wsgi4j.config.DaemonConfig;
import io.wsgi4j.config.Mpm;
import io.wsgi4j.config.ServerModel;
import io.wsgi4j.python.PythonInterpreter;
import io.wsgi4j.server.BuildInfo;
import java.util.ArrayList;
import java.util.List;

/** {@code wsgi4j -v} and {@code wsgi4j -V}, in the exact layout of {@code httpd -v} and {@code httpd -V}. */
public final class VersionReport {
    /** The version of the frame protocol between the server and its workers: wsgi4j's module magic number. */
    static final String PROTOCOL_VERSION = "1:0";

    private VersionReport() {
    }

    /** {@code -v}: the version and the build time. */
    public static List<String> version(BuildInfo build) {
        return List.of(
                "Server version: " + build.serverSoftware() + " (" + System.getProperty("os.name") + ")",
                "Server built:   " + build.built());
    }

    /**
     * {@code -V}: the version, the process and thread model, and the compile-time facts.
     *
     * @param python the interpreter the daemon processes would run, or null when none could be found
     */
    public static List<String> report(BuildInfo build, ServerModel model, DaemonConfig daemon,
                                      PythonInterpreter python) {
        List<String> lines = new ArrayList<>(version(build));
        String java = Runtime.version().toString();
        lines.add("Server's Module Magic Number: " + PROTOCOL_VERSION);
        lines.add("Server loaded:  Jetty " + build.jetty() + ", Java " + java
                + (python == null ? "" : ", Python " + python.version()));
        lines.add("Compiled using: Jetty " + build.jetty() + ", Java " + Runtime.version().feature());
        lines.add("Architecture:   " + System.getProperty("sun.arch.data.model", "64") + "-bit");
        Mpm mpm = model.mpm();
        lines.add("Server MPM:     " + mpm.key());
        lines.add("  threaded:     " + (mpm.threaded() ? "yes (fixed thread count)" : "no"));
        lines.add("    forked:     yes (variable process count)");
        lines.add("Server compiled with....");
        lines.add(" -D WSGI4J_OPERATING_MODE=\"" + model.mode().key() + "\"");
        if (model.embedded()) {
            lines.add(" -D WSGI4J_SERVER_PROCESSES=" + model.processes());
            lines.add(" -D WSGI4J_SERVER_THREADS=" + model.threads());
        } else {
            lines.add(" -D WSGI4J_DAEMON_PROCESSES=" + daemon.processes());
            lines.add(" -D WSGI4J_DAEMON_THREADS=" + daemon.threads());
        }
        lines.add(" -D WSGI4J_WSGI_MULTITHREAD=" + (model.multithread() ? "True" : "False"));
        lines.add(" -D WSGI4J_WSGI_MULTIPROCESS=" + (model.multiprocess() ? "True" : "False"));
        if (python != null) {
            lines.add(" -D PYTHON_EXECUTABLE=\"" + python.executable() + "\"");
            lines.add(" -D PYTHON_VERSION=\"" + python.version() + "\"");
            python.sharedLibrary().ifPresent(lib -> lines.add(" -D PYTHON_SHARED_LIBRARY=\"" + lib + "\""));
        }
        lines.add(" -D JAVA_VERSION=\"" + java + "\"");
        lines.add(" -D JAVA_HOME=\"" + System.getProperty("java.home") + "\"");
        lines.add(" -D JAVA_VM=\"" + System.getProperty("java.vm.name") + " " + java + "\"");
        lines.add(" -D VIRTUAL_THREADS");
        lines.add(" -D HTTP_COMPLIANCE=\"RFC9110\"");
        lines.add(" -D DAEMON_IPC=\"unix-socket+marshal\"");
        return lines;
    }
}
