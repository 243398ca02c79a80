package io.wsgi4j.gateway;

import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.server.Request;

/** Waits for Jetty to have more request content, up to a deadline: Jetty's own {@code Blocker} would wait forever. */
final class DemandWait {
    private final Semaphore ready = new Semaphore(0);
    private final Runnable signal = ready::release;

    /**
     * Asks Jetty for content and waits for it.
     *
     * @return false when the time ran out first; the demand then stays pending, so the body must not be read again
     */
    boolean await(Request request, long nanos) throws InterruptedException {
        request.demand(signal);
        return ready.tryAcquire(nanos, TimeUnit.NANOSECONDS);
    }
}
