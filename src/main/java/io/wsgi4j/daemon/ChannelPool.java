package io.wsgi4j.daemon;

import java.util.ArrayDeque;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The idle connections of a process group's request threads, and the requests waiting for one.
 *
 * <p>A request gets a thread of the least busy process: with one GIL per process, two requests
 * on two processes run in parallel where two on one process would take turns. Within a process
 * the most recently used thread goes first. At most {@code backlog} requests wait; more are
 * refused at once, as are all of them while the group has no process able to serve.
 */
final class ChannelPool {
    /** Why a request got no thread. */
    enum Refusal { BACKLOG_FULL, TIMED_OUT, UNAVAILABLE }

    /** A request got no thread; {@link #reason()} says why. */
    static final class Refused extends Exception {
        private final Refusal reason;

        Refused(Refusal reason) {
            super(reason.name(), null, false, false);
            this.reason = reason;
        }

        Refusal reason() {
            return reason;
        }
    }

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition available = lock.newCondition();
    private final Map<WorkerProcess, ArrayDeque<WorkerChannel>> idle = new LinkedHashMap<>();
    private final int backlog;
    private int size;
    private int waiting;
    private boolean unavailable;

    /** @param backlog how many requests may wait at once */
    ChannelPool(int backlog) {
        this.backlog = backlog;
    }

    /**
     * Takes a connection, waiting up to {@code nanos} for one.
     *
     * @throws Refused when the wait queue is full, the time ran out, or the group cannot serve now
     */
    WorkerChannel take(long nanos) throws InterruptedException, Refused {
        lock.lock();
        try {
            if (size == 0) {
                if (unavailable) {
                    throw new Refused(Refusal.UNAVAILABLE);
                }
                if (waiting >= backlog) {
                    throw new Refused(Refusal.BACKLOG_FULL);
                }
                waiting++;
                try {
                    while (size == 0) {
                        if (unavailable) {
                            throw new Refused(Refusal.UNAVAILABLE);
                        }
                        if (nanos <= 0) {
                            throw new Refused(Refusal.TIMED_OUT);
                        }
                        nanos = available.awaitNanos(nanos);
                    }
                } finally {
                    waiting--;
                }
            }
            ArrayDeque<WorkerChannel> best = null;
            for (ArrayDeque<WorkerChannel> channels : idle.values()) {
                if (best == null || channels.size() > best.size()) {
                    best = channels;
                }
            }
            size--;
            WorkerChannel channel = best.pop();
            channel.pooled = false;
            if (size > 0) {
                available.signal();
            }
            return channel;
        } finally {
            lock.unlock();
        }
    }

    /** Puts a connection (back) in the pool; a connection already there stays there once. */
    void put(WorkerChannel channel) {
        lock.lock();
        try {
            if (channel.pooled) {
                return;
            }
            channel.pooled = true;
            idle.computeIfAbsent(channel.worker(), w -> new ArrayDeque<>()).push(channel);
            size++;
            available.signal();
        } finally {
            lock.unlock();
        }
    }

    /** Removes one connection if it is idle here. */
    void remove(WorkerChannel channel) {
        lock.lock();
        try {
            ArrayDeque<WorkerChannel> channels = idle.get(channel.worker());
            if (channels != null && channels.remove(channel)) {
                channel.pooled = false;
                size--;
            }
        } finally {
            lock.unlock();
        }
    }

    /** Removes every idle connection of a process (they stay open). */
    void removeAll(WorkerProcess worker) {
        lock.lock();
        try {
            ArrayDeque<WorkerChannel> channels = idle.remove(worker);
            if (channels != null) {
                channels.forEach(c -> c.pooled = false);
                size -= channels.size();
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Whether requests are refused at once rather than queued: while no process can serve and
     * none is about to (a start-up that timed out, processes that keep dying).
     */
    void unavailable(boolean refuse) {
        lock.lock();
        try {
            unavailable = refuse;
            if (refuse) {
                available.signalAll();
            }
        } finally {
            lock.unlock();
        }
    }

    /** How many connections are idle. */
    int size() {
        lock.lock();
        try {
            return size;
        } finally {
            lock.unlock();
        }
    }

    /** How many requests are waiting for a connection. */
    int waiting() {
        lock.lock();
        try {
            return waiting;
        } finally {
            lock.unlock();
        }
    }

    void clear() {
        lock.lock();
        try {
            idle.values().forEach(channels -> channels.forEach(c -> c.pooled = false));
            idle.clear();
            size = 0;
        } finally {
            lock.unlock();
        }
    }
}
