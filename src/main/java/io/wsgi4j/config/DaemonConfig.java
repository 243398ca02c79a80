package io.wsgi4j.config;

import java.nio.file.Path;
import java.time.Duration;

/**
 * A daemon process group ({@code WSGIDaemonProcess}).
 *
 * @param name             the group's name, shown in the error log and in environ
 * @param displayName      what {@code ps} shows for its processes
 * @param processes        how many worker processes
 * @param processesGiven   whether {@code processes} was given explicitly (then {@code wsgi.multiprocess} is true)
 * @param threads          request threads per process
 * @param python           the interpreter the processes run
 * @param workingDirectory the processes' current directory, also first on {@code sys.path}
 * @param gracefulTimeout  how long in-flight requests may run on after a stop is asked for
 * @param shutdownTimeout  how long a process may take to exit before it is killed
 */
public record DaemonConfig(
        String name,
        String displayName,
        int processes,
        boolean processesGiven,
        int threads,
        PythonConfig python,
        Path workingDirectory,
        Duration gracefulTimeout,
        Duration shutdownTimeout) {

    /** {@code wsgi.multithread} under mod_wsgi's daemon-mode rule. */
    public boolean multithread() {
        return threads != 1;
    }

    /** {@code wsgi.multiprocess} under mod_wsgi's daemon-mode rule. */
    public boolean multiprocess() {
        return processesGiven;
    }

    /** How many requests the group runs at once. */
    public int capacity() {
        return processes * threads;
    }
}
