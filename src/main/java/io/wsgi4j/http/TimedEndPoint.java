package io.wsgi4j.http;

import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import org.eclipse.jetty.io.ManagedSelector;
import org.eclipse.jetty.io.SocketChannelEndPoint;
import org.eclipse.jetty.util.thread.Scheduler;

/**
 * A connection whose one Jetty idle timeout plays both of Apache's: the keep-alive timeout between
 * requests (the idle timeout the connector gives, or {@link HeadTimer} while a head arrives slowly),
 * the socket timeout while a request runs ({@link #requestStarted} to {@link #requestDone}).
 *
 * <p>Switching is a field write. Setting Jetty's idle timeout to a shorter value instead cancels and
 * reschedules the connection's check on the scheduler, once per request. Jetty's check reschedules
 * itself for when the timeout would next expire; here it never sleeps longer than the between-requests
 * timeout, so that a request that has ended is timed from its last byte exactly as before.
 */
final class TimedEndPoint extends SocketChannelEndPoint {
    private final long socketTimeoutMillis;
    private volatile boolean inRequest;

    TimedEndPoint(SocketChannel channel, ManagedSelector selector, SelectionKey key, Scheduler scheduler,
                  long socketTimeoutMillis) {
        super(channel, selector, key, scheduler);
        this.socketTimeoutMillis = socketTimeoutMillis;
    }

    /** From the request's head parsed until its exchange is done: the socket timeout applies. */
    void requestStarted() {
        inRequest = true;
    }

    /** Before the exchange completes: once it has, the connection may already be timing the next request. */
    void requestDone() {
        inRequest = false;
    }

    @Override
    public long getIdleTimeout() {
        return inRequest ? socketTimeoutMillis : super.getIdleTimeout();
    }

    @Override
    protected long checkIdleTimeout() {
        long left = super.checkIdleTimeout();
        long between = super.getIdleTimeout();
        if (left < 0 || between <= 0) {
            return left;
        }
        // 0: it has just expired, and Jetty waits a whole timeout for the next check.
        return Math.min(left == 0 ? getIdleTimeout() : left, between);
    }
}
