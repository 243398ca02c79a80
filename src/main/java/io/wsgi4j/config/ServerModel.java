package io.wsgi4j.config;

/**
 * The process and thread model: where the application runs, which MPM shapes the server
 * processes, and how many processes and threads run requests.
 *
 * @param mode           daemon or embedded
 * @param mpm            the MPM of the server processes
 * @param processes      in embedded mode the server processes; in daemon mode the daemon processes
 * @param threads        request threads in each of those processes (1 under prefork in embedded mode)
 * @param processesGiven whether {@code --processes} was given (daemon mode's {@code wsgi.multiprocess} rule)
 */
public record ServerModel(OperatingMode mode, Mpm mpm, int processes, int threads, boolean processesGiven) {

    /** Whether the application runs inside the server processes. */
    public boolean embedded() {
        return mode == OperatingMode.EMBEDDED;
    }

    /**
     * {@code wsgi.multithread}: in embedded mode, a threaded MPM with more than one thread per
     * process; in daemon mode, more than one thread per daemon process.
     */
    public boolean multithread() {
        return embedded() ? mpm.threaded() && threads != 1 : threads != 1;
    }

    /**
     * {@code wsgi.multiprocess}: in embedded mode, more than one server process; in daemon mode,
     * whether {@code processes} was given at all, as mod_wsgi does.
     */
    public boolean multiprocess() {
        return embedded() ? processes != 1 : processesGiven;
    }

    /** How many requests run at once. */
    public int capacity() {
        return processes * threads;
    }
}
