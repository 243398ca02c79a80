package io.wsgi4j.http;

import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongConsumer;
import org.eclipse.jetty.http.HttpParser;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.util.thread.Scheduler;

/**
 * The header read timeout of one connection: from the first byte of each request's head until the
 * head is complete, the client has {@link HeadAllowance} time; after that the connection is answered 408.
 *
 * <p>No thread waits for a slow head: the deadline is a task on Jetty's scheduler, and the clock is
 * only started when a parse leaves a head incomplete (a head that arrives in one read costs a lock and
 * a few field reads). The deadline fires on another thread than the parse, so one lock is held around
 * each fill-and-parse of the connection ({@link #parse}) and around the check of the deadline: the
 * check sees the parser only between two parses, and a head completed by a parse has stopped the clock
 * ({@link #complete}) before the lock is released, so a 408 is never answered to a request being processed.
 */
final class HeadTimer {
    private final ReentrantLock lock = new ReentrantLock();
    private final HeadAllowance allowance;
    private final Scheduler scheduler;
    private final Executor executor;
    private final EndPoint endPoint;
    private final HttpParser parser;
    private final long socketTimeoutMillis;
    private final long keepAliveMillis;
    private final LongConsumer expiry;

    // All guarded by lock.
    private boolean timing;
    private boolean expired;
    private long startNanos;
    private int generation;
    private Scheduler.Task task;

    /**
     * @param socketTimeoutMillis the idle timeout while a head arrives (a pause inside a request is a
     *                            stalled read, as in Apache; the keep-alive timeout is for between requests)
     * @param keepAliveMillis     the idle timeout between requests, given back when the head is complete
     * @param expiry              answers the 408, given the bytes of the head received; runs with the
     *                            lock held, between two parses
     */
    HeadTimer(HeadAllowance allowance, Scheduler scheduler, Executor executor, EndPoint endPoint, HttpParser parser,
              long socketTimeoutMillis, long keepAliveMillis, LongConsumer expiry) {
        this.allowance = allowance;
        this.scheduler = scheduler;
        this.executor = executor;
        this.endPoint = endPoint;
        this.parser = parser;
        this.socketTimeoutMillis = socketTimeoutMillis;
        this.keepAliveMillis = keepAliveMillis;
        this.expiry = expiry;
    }

    /** Runs one fill-and-parse of the connection; starts the clock if it leaves a head begun and incomplete. */
    void parse(Runnable fillAndParse) {
        lock.lock();
        try {
            fillAndParse.run();
            // The parser counts every byte it takes in a head, blank lines before the request line included.
            if (!timing && !expired && parser.inHeaderState() && parser.getHeaderLength() > 0 && endPoint.isOpen()) {
                start();
            }
        } finally {
            lock.unlock();
        }
    }

    /** Whether the head has been answered 408; for the fill-and-parse given to {@link #parse}. */
    boolean expired() {
        lock.lock();
        try {
            return expired;
        } finally {
            lock.unlock();
        }
    }

    /** The head is complete, or refused by the parser: stops the clock and restores the keep-alive timeout. */
    void complete() {
        lock.lock();
        try {
            if (timing) {
                stop();
                endPoint.setIdleTimeout(keepAliveMillis);
            }
        } finally {
            lock.unlock();
        }
    }

    /** The connection has closed. */
    void close() {
        lock.lock();
        try {
            if (timing) {
                stop();
            }
        } finally {
            lock.unlock();
        }
    }

    private void start() {
        timing = true;
        // Set when the parser took the head's first bytes, in this parse.
        startNanos = parser.getBeginNanoTime();
        endPoint.setIdleTimeout(socketTimeoutMillis);
        schedule(allowance.nanosLeft(startNanos, System.nanoTime(), parser.getHeaderLength()));
    }

    private void stop() {
        timing = false;
        generation++;
        if (task != null) {
            task.cancel();
            task = null;
        }
    }

    private void schedule(long nanos) {
        int scheduled = generation;
        task = scheduler.schedule(() -> fire(scheduled), Math.max(nanos, 0), TimeUnit.NANOSECONDS);
    }

    /**
     * On the scheduler's thread, like Jetty's idle timeouts: the pool's queue stays free for the other
     * connections however many heads expire at once. A parse in progress holds the lock; the scheduler
     * does not wait for it, a pool thread does.
     */
    private void fire(int scheduled) {
        if (lock.tryLock()) {
            try {
                check(scheduled);
            } finally {
                lock.unlock();
            }
            return;
        }
        try {
            executor.execute(() -> {
                lock.lock();
                try {
                    check(scheduled);
                } finally {
                    lock.unlock();
                }
            });
        } catch (RejectedExecutionException stopping) {
            // The server is stopping and closes the connection itself.
        }
    }

    /** With the lock held. */
    private void check(int scheduled) {
        if (!timing || scheduled != generation || !endPoint.isOpen()) {
            return;
        }
        long bytes = parser.getHeaderLength();
        long left = allowance.nanosLeft(startNanos, System.nanoTime(), bytes);
        if (left > 0) {
            // The bytes that arrived since earned more time (--header-min-rate).
            schedule(left);
            return;
        }
        stop();
        expired = true;
        expiry.accept(bytes);
    }
}
