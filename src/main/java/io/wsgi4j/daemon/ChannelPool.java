package io.wsgi4j.daemon;

import java.util.ArrayDeque;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The idle connections of a process group's request threads.
 *
 * <p>A request gets a thread of the least busy process: with one GIL per process, two requests
 * on two processes run in parallel where two on one process would take turns. Within a process
 * the most recently used thread goes first. Waiting requests are served in arrival order.
 */
final class ChannelPool {
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition available = lock.newCondition();
    private final Map<WorkerProcess, ArrayDeque<WorkerChannel>> idle = new LinkedHashMap<>();
    private int size;

    /** Takes a connection, waiting up to {@code nanos}; null if none became free in time. */
    WorkerChannel take(long nanos) throws InterruptedException {
        lock.lock();
        try {
            while (size == 0) {
                if (nanos <= 0) {
                    return null;
                }
                nanos = available.awaitNanos(nanos);
            }
            ArrayDeque<WorkerChannel> best = null;
            for (ArrayDeque<WorkerChannel> channels : idle.values()) {
                if (best == null || channels.size() > best.size()) {
                    best = channels;
                }
            }
            size--;
            WorkerChannel channel = best.pop();
            if (size > 0) {
                available.signal();
            }
            return channel;
        } finally {
            lock.unlock();
        }
    }

    /** Puts a connection (back) in the pool. */
    void put(WorkerChannel channel) {
        lock.lock();
        try {
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
                size--;
            }
        } finally {
            lock.unlock();
        }
    }

    /** Removes every idle connection of a process. */
    void removeAll(WorkerProcess worker) {
        lock.lock();
        try {
            ArrayDeque<WorkerChannel> channels = idle.remove(worker);
            if (channels != null) {
                size -= channels.size();
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

    void clear() {
        lock.lock();
        try {
            idle.clear();
            size = 0;
        } finally {
            lock.unlock();
        }
    }
}
