package io.wsgi4j.mpm;

import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongConsumer;
import org.eclipse.jetty.io.Connection;

/**
 * Counts the connections a server process accepts, for --maximum-requests in embedded mode: Apache's
 * MaxConnectionsPerChild, which mod_wsgi-express maps it to, counts connections, not requests (a
 * keep-alive connection's requests count once). Tells once when the limit is reached.
 */
public final class ConnectionCounter implements Connection.Listener {
    private final long limit;
    private final LongConsumer limitReached;
    private final AtomicLong opened = new AtomicLong();

    /**
     * @param limit        connections after which the process retires; 0 for never
     * @param limitReached given the count, once, when it reaches the limit
     */
    public ConnectionCounter(long limit, LongConsumer limitReached) {
        this.limit = limit;
        this.limitReached = limitReached;
    }

    @Override
    public void onOpened(Connection connection) {
        long count = opened.incrementAndGet();
        if (limit > 0 && count == limit) {
            limitReached.accept(count);
        }
    }

    public long opened() {
        return opened.get();
    }
}
