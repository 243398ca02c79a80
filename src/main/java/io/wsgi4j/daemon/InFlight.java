package io.wsgi4j.daemon;

/**
 * A request a worker thread is running.
 *
 * @param description "GET /path?query"
 * @param id          the request id
 * @param client      the client's ip:port
 * @param startNanos  when it was handed to the thread ({@link System#nanoTime()})
 */
record InFlight(String description, String id, String client, long startNanos) {
    /** "GET /path [request ID]", as log lines list requests. */
    @Override
    public String toString() {
        return description + " [request " + id + "]";
    }

    /** How long it has run, in seconds with one decimal ("2.0"). */
    String elapsed(long nowNanos) {
        return String.format(java.util.Locale.ROOT, "%.1f", (nowNanos - startNanos) / 1e9);
    }
}
