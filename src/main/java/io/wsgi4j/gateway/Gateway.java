package io.wsgi4j.gateway;

/**
 * What runs WSGI requests: a daemon process group (frames over UNIX sockets), or the interpreter
 * inside the server process (embedded mode). Both give the application the same gateway.
 */
public interface Gateway {
    /**
     * Runs the application for one exchange and completes it, whatever happens. May block. Called on
     * the request's own virtual thread, or, when {@link #needsPlatformThread}, on a platform thread.
     */
    void serve(Exchange exchange);

    /**
     * Whether {@link #serve} runs Python on the calling thread (embedded mode), which must then be a
     * platform thread: the request is served on the server thread that read it, and one whose body is
     * still arriving is received on a virtual thread first, then handed to a platform thread.
     */
    default boolean needsPlatformThread() {
        return false;
    }

    /** A server thread that may have called {@link #serve} ends: what it holds for the gateway is released. */
    default void threadEnded() {
    }
}
