package io.wsgi4j.gateway;

/**
 * What runs WSGI requests: a daemon process group (frames over UNIX sockets), or the interpreter
 * inside the server process (embedded mode). Both give the application the same gateway.
 */
public interface Gateway {
    /** Which thread serves a request. */
    enum Dispatch {
        /** A virtual thread of its own (daemon mode: the request only waits, for the client and the daemon process). */
        VIRTUAL_THREAD,
        /**
         * The thread that read the request, a platform thread, allowed to block (Jetty has another
         * thread take over its selector): embedded mode under the event MPM.
         */
        READING_THREAD,
        /**
         * The selector thread that read the request, when the gateway can serve it there without
         * waiting ({@link #serveWithoutWaiting}); else a pool thread: embedded mode under the worker
         * and prefork MPMs, where each connection has a request thread of its own, as in Apache.
         */
        SELECTOR_THREAD
    }

    /**
     * Runs the application for one exchange and completes it, whatever happens. May block. Called on
     * the request's own virtual thread, or, unless {@link #dispatch} is VIRTUAL_THREAD, on a platform
     * thread: then a request whose body is still arriving is received on a virtual thread first.
     */
    void serve(Exchange exchange);

    default Dispatch dispatch() {
        return Dispatch.VIRTUAL_THREAD;
    }

    /**
     * Serves the exchange on the calling (selector) thread if that needs no waiting but for Python;
     * false, with nothing done, when it would (then {@link #serve} is called on another thread).
     */
    default boolean serveWithoutWaiting(Exchange exchange) {
        return false;
    }

    /**
     * The stack size, in bytes, of the server threads that may serve a request, or 0 for the JVM's
     * (-Xss): a gateway that runs Python on them needs the stack CPython's own threads have, or
     * code that recurses up to Python's recursion limit overflows it and the process dies.
     */
    default long threadStackSize() {
        return 0;
    }

    /** A server thread that may have served a request ends: what it holds for the gateway is released. */
    default void threadEnded() {
    }
}
