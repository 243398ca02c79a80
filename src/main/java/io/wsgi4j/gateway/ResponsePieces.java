package io.wsgi4j.gateway;

import java.nio.ByteBuffer;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Buffers for response bytes queued in a {@link ResponseBuffer}: direct ones, kept for reuse, since
 * copying into them costs one memory copy where heap arrays would cost another in the socket write,
 * and garbage for every piece of a large response. Direct memory is bounded: beyond
 * {@link #DIRECT_MAX} buffers in use, pieces are heap buffers.
 *
 * <p>A buffer comes back for reuse only when Jetty has reported its write done (or never had it);
 * one whose write failed is left to the garbage collector, so that no connection's bytes can ever
 * reach another's write.
 */
final class ResponsePieces {
    static final int SIZE = 64 * 1024;
    /** At most this many direct buffers exist, in use or kept (16 MiB). */
    private static final int DIRECT_MAX = 256;
    /** At most this many idle buffers are kept (4 MiB). */
    private static final int KEPT = 64;
    private static final ArrayBlockingQueue<ByteBuffer> FREE = new ArrayBlockingQueue<>(KEPT);
    private static final AtomicInteger DIRECT = new AtomicInteger();

    private ResponsePieces() {
    }

    /** An empty buffer of {@link #SIZE} bytes. */
    static ByteBuffer take() {
        ByteBuffer buffer = FREE.poll();
        if (buffer != null) {
            return buffer.clear();
        }
        if (DIRECT.incrementAndGet() <= DIRECT_MAX) {
            return ByteBuffer.allocateDirect(SIZE);
        }
        DIRECT.decrementAndGet();
        return ByteBuffer.allocate(SIZE);
    }

    /**
     * Hands a buffer back.
     *
     * @param reusable nobody will read it any more: it may serve another response
     */
    static void give(ByteBuffer buffer, boolean reusable) {
        if (!buffer.isDirect()) {
            return;
        }
        if (!reusable || !FREE.offer(buffer)) {
            DIRECT.decrementAndGet();
        }
    }
}
