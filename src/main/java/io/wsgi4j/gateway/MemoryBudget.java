package io.wsgi4j.gateway;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The memory that request bodies held in memory and response buffers may take, all exchanges
 * together, so that many slow or hostile clients cannot exhaust the heap: beyond it, request bodies
 * are spooled to disk even when small, and responses wait for their client sooner.
 */
public final class MemoryBudget {
    private final long limit;
    private final AtomicLong used = new AtomicLong();

    public MemoryBudget(long limit) {
        this.limit = limit;
    }

    /** A quarter of the heap the JVM may grow to. */
    public static MemoryBudget quarterOfHeap() {
        return new MemoryBudget(Runtime.getRuntime().maxMemory() / 4);
    }

    /** Takes {@code bytes} if they are left; false (and nothing taken) if not. */
    boolean tryReserve(long bytes) {
        while (true) {
            long now = used.get();
            if (now + bytes > limit) {
                return false;
            }
            if (used.compareAndSet(now, now + bytes)) {
                return true;
            }
        }
    }

    /** Takes {@code bytes} even beyond the limit: for the one piece each exchange needs to make progress. */
    void reserve(long bytes) {
        used.addAndGet(bytes);
    }

    void release(long bytes) {
        used.addAndGet(-bytes);
    }

    /** The bytes taken now. */
    long used() {
        return used.get();
    }
}
