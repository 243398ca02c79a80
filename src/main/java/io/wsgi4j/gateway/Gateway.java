package io.wsgi4j.gateway;

/** Something that runs WSGI requests: a daemon process group (or, later, an embedded interpreter). */
public interface Gateway {
    /**
     * Runs the application for one exchange and completes it, whatever happens.
     * Called on the request's own virtual thread; may block.
     */
    void serve(Exchange exchange);
}
