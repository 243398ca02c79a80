package io.wsgi4j.gateway;

import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.jetty.util.Callback;

/**
 * An exchange's Jetty callback, completed exactly once: by the last write, a failed write, an error
 * page or an abort, whichever comes first, on whichever thread it happens.
 */
final class Completion implements Callback {
    private final Callback callback;
    private final AtomicBoolean done = new AtomicBoolean();

    Completion(Callback callback) {
        this.callback = callback;
    }

    /** Takes the right to complete; true for the first caller only, who must then complete {@link #target()}. */
    boolean claim() {
        return done.compareAndSet(false, true);
    }

    boolean isDone() {
        return done.get();
    }

    /** The callback itself, for the caller that {@linkplain #claim() claimed} it. */
    Callback target() {
        return callback;
    }

    @Override
    public void succeeded() {
        if (claim()) {
            callback.succeeded();
        }
    }

    @Override
    public void failed(Throwable cause) {
        if (claim()) {
            callback.failed(cause);
        }
    }
}
