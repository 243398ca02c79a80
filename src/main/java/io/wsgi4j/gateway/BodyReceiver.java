package io.wsgi4j.gateway;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Arrays;
import org.eclipse.jetty.http.HttpStatus;

/**
 * Receives a whole request body before the application is called, so that a slow client never holds
 * a Python thread: in memory up to {@link #MEMORY_LIMIT} while the memory budget allows, else
 * streamed into a spool file.
 *
 * <p>Memory grows with the bytes that actually arrive, never with what a Content-Length promises:
 * a client that declares a megabyte and sends nothing costs nothing.
 */
final class BodyReceiver {
    /** The largest body kept in memory (and sent to the worker with the request itself). */
    static final int MEMORY_LIMIT = 1024 * 1024;
    private static final int FIRST_CAPACITY = 16 * 1024;
    private static final byte[] NONE = new byte[0];

    private BodyReceiver() {
    }

    /**
     * Reads the body to its end. A body returned in memory holds {@code bytes().length} bytes of the
     * budget, for the caller to release when the request is over.
     *
     * @param spoolDirectory where a body over the memory limit goes
     * @param requestId      names the spool file
     */
    static ReceivedBody receive(BodyReader reader, Path spoolDirectory, String requestId, MemoryBudget memory)
            throws Exchange.BodyException {
        if (reader.complete()) {
            return new ReceivedBody.InMemory(NONE, 0);
        }
        long declared = reader.declaredLength();
        byte[] bytes = NONE;
        int size = 0;
        BodySpool spool = null;
        try {
            if (declared > MEMORY_LIMIT) {
                spool = BodySpool.create(spoolDirectory, requestId);
            }
            ByteBuffer piece;
            while ((piece = reader.next(Integer.MAX_VALUE)).hasRemaining()) {
                int n = piece.remaining();
                if (spool == null && size + n > bytes.length) {
                    int capacity = capacity(bytes.length, size + n, declared);
                    if (capacity > 0 && memory.tryReserve(capacity - bytes.length)) {
                        bytes = Arrays.copyOf(bytes, capacity);
                    } else {
                        spool = BodySpool.create(spoolDirectory, requestId);
                        spool.write(bytes, 0, size);
                        memory.release(bytes.length);
                        bytes = NONE;
                    }
                }
                if (spool != null) {
                    spool.write(piece);
                    continue;
                }
                piece.get(bytes, size, n);
                size += n;
            }
            if (spool == null) {
                return new ReceivedBody.InMemory(bytes, size);
            }
            spool.finish();
            return new ReceivedBody.Spooled(spool);
        } catch (Exchange.BodyException e) {
            memory.release(bytes.length);
            discard(spool);
            throw e;
        } catch (IOException e) {
            memory.release(bytes.length);
            discard(spool);
            throw new Exchange.BodyException(HttpStatus.INTERNAL_SERVER_ERROR_500,
                    "the request body could not be spooled to " + spoolDirectory + ": " + e.getMessage());
        }
    }

    /**
     * The next size of the in-memory body: doubling, at least what is needed, at most the declared
     * length (or the memory limit); 0 when the body no longer fits in memory.
     */
    private static int capacity(int current, int needed, long declared) {
        if (needed > MEMORY_LIMIT) {
            return 0;
        }
        long most = declared >= 0 ? declared : MEMORY_LIMIT;
        return (int) Math.min(most, Math.max(needed, Math.max(FIRST_CAPACITY, 2L * current)));
    }

    private static void discard(BodySpool spool) {
        if (spool == null) {
            return;
        }
        try {
            spool.close();
        } catch (IOException e) {
            // the server root is going away, or was never writable: nothing left to clean
        }
    }
}
