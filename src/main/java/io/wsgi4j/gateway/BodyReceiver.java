package io.wsgi4j.gateway;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Arrays;
import org.eclipse.jetty.http.HttpStatus;

/**
 * Receives a whole request body before the application is called, so that a slow client never holds
 * a Python thread: in memory up to {@link #MEMORY_LIMIT}, else streamed into a spool file.
 */
final class BodyReceiver {
    /** The largest body kept in memory (and sent to the worker with the request itself). */
    static final int MEMORY_LIMIT = 1024 * 1024;
    private static final int FIRST_CAPACITY = 16 * 1024;
    private static final byte[] NONE = new byte[0];

    private BodyReceiver() {
    }

    /**
     * Reads the body to its end.
     *
     * @param spoolDirectory where a body over the memory limit goes
     * @param requestId      names the spool file
     */
    static ReceivedBody receive(BodyReader reader, Path spoolDirectory, String requestId) throws Exchange.BodyException {
        if (reader.complete()) {
            return new ReceivedBody.InMemory(NONE, 0);
        }
        long declared = reader.declaredLength();
        byte[] memory = declared > MEMORY_LIMIT ? null
                : new byte[declared >= 0 ? (int) declared : FIRST_CAPACITY];
        int size = 0;
        BodySpool spool = null;
        try {
            if (memory == null) {
                spool = BodySpool.create(spoolDirectory, requestId);
            }
            ByteBuffer piece;
            while ((piece = reader.next(Integer.MAX_VALUE)).hasRemaining()) {
                int n = piece.remaining();
                if (spool == null && size + n > MEMORY_LIMIT) {
                    spool = BodySpool.create(spoolDirectory, requestId);
                    spool.write(memory, 0, size);
                    memory = null;
                }
                if (spool != null) {
                    spool.write(piece);
                    continue;
                }
                if (size + n > memory.length) {
                    memory = Arrays.copyOf(memory, Math.min(MEMORY_LIMIT, Math.max(memory.length * 2, size + n)));
                }
                piece.get(memory, size, n);
                size += n;
            }
            if (spool == null) {
                return new ReceivedBody.InMemory(memory, size);
            }
            spool.finish();
            return new ReceivedBody.Spooled(spool);
        } catch (Exchange.BodyException e) {
            discard(spool);
            throw e;
        } catch (IOException e) {
            discard(spool);
            throw new Exchange.BodyException(HttpStatus.INTERNAL_SERVER_ERROR_500,
                    "the request body could not be spooled to " + spoolDirectory + ": " + e.getMessage());
        }
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
