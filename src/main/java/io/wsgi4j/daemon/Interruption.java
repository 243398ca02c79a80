package io.wsgi4j.daemon;

/** Why the server itself cut a worker connection in the middle of a request; the status the request then gets. */
enum Interruption {
    /** The request ran longer than --request-timeout. */
    TIMED_OUT(504),
    /** Its process was being replaced and the request outlived --graceful-timeout, or the server is stopping. */
    EVICTED(503);

    private final int status;

    Interruption(int status) {
        this.status = status;
    }

    int status() {
        return status;
    }
}
