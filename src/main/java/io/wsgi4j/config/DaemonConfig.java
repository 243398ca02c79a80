package io.wsgi4j.config;

import java.nio.file.Path;

/**
 * A daemon process group ({@code WSGIDaemonProcess}).
 *
 * @param name             the group's name, shown in the error log and in environ
 * @param displayName      what {@code ps} shows for its processes
 * @param model            how many processes and threads: the server's one model (in embedded mode, the
 *                         threads of each server process)
 * @param python           the interpreter the processes run
 * @param workingDirectory the processes' current directory, also first on {@code sys.path}
 * @param listenBacklog    how many requests may wait for a free thread; more are refused at once with 503
 * @param timeouts         how long things may take before the group steps in
 * @param recycling        when a process is replaced by a fresh one
 * @param reloadOnChanges  whether a change to any module the application loaded restarts the group
 */
public record DaemonConfig(
        String name,
        String displayName,
        ServerModel model,
        PythonConfig python,
        Path workingDirectory,
        int listenBacklog,
        DaemonTimeouts timeouts,
        RecyclePolicy recycling,
        boolean reloadOnChanges) {

    /** How many worker processes. */
    public int processes() {
        return model.processes();
    }

    /** Request threads per process. */
    public int threads() {
        return model.threads();
    }

    /** {@code wsgi.run_once}: one thread, and a fresh process for every request. */
    public boolean runOnce() {
        return threads() == 1 && recycling.maximumRequests() == 1;
    }
}
