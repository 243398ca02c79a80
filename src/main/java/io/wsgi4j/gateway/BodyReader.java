package io.wsgi4j.gateway;

import io.wsgi4j.config.ReadTimeouts;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeoutException;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;

/**
 * Reads one request body from Jetty: never past its end, within {@code --limit-request-body} and the
 * body timeout. Once a read fails, every later read fails the same way.
 */
final class BodyReader {
    /** The most bytes gathered for one read of the application. */
    private static final int GATHER_MAX = 256 * 1024;
    private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);

    private final Request request;
    private final long limit;
    private final BodyTimer timer;
    private DemandWait demand;
    private final long declared;
    private Content.Chunk pending;
    private ByteBuffer gathered;
    private boolean ended;
    private long received;
    private Exchange.BodyException failure;

    BodyReader(Request request, long limit, ReadTimeouts timeouts) {
        this.request = request;
        this.limit = limit;
        this.timer = new BodyTimer(timeouts);
        this.declared = request.getHeaders().getLongField(HttpHeader.CONTENT_LENGTH);
        this.ended = declared <= 0 && !request.getHeaders().contains(HttpHeader.TRANSFER_ENCODING);
    }

    /** The Content-Length, or -1 for a chunked body. */
    long declaredLength() {
        return declared;
    }

    /** Whether the whole body has been read (or there is none). */
    boolean complete() {
        return ended && (pending == null || !pending.hasRemaining());
    }

    /** The status a failed read gave the request (400, 408, 413), or 0. */
    int failureStatus() {
        return failure == null ? 0 : failure.status();
    }

    /**
     * The next bytes of the body as they arrived, up to {@code max}, waiting for at least one.
     *
     * @return the bytes, valid until the next call; empty at the end of the body
     */
    ByteBuffer next(int max) throws Exchange.BodyException {
        return read(max, true);
    }

    /**
     * Up to {@code max} bytes for one read of the application: at least one, with whatever else has
     * already arrived, since Jetty hands the body over a network read at a time (a few KiB) and each
     * piece would otherwise cost the worker a round trip.
     *
     * @return the bytes, valid until the next call; empty at the end of the body
     */
    ByteBuffer gather(int max) throws Exchange.BodyException {
        ByteBuffer piece = read(max, true);
        if (!piece.hasRemaining() || piece.remaining() >= max || complete()) {
            return piece;
        }
        if (gathered == null || gathered.capacity() < max) {
            gathered = ByteBuffer.allocate(Math.min(max, GATHER_MAX));
        }
        gathered.clear().limit(Math.min(max, gathered.capacity()));
        // Copied before the next read, which may release the chunk this piece belongs to.
        gathered.put(piece.limit(piece.position() + Math.min(piece.remaining(), gathered.remaining())));
        while (gathered.hasRemaining()) {
            piece = read(gathered.remaining(), false);
            if (!piece.hasRemaining()) {
                break;
            }
            gathered.put(piece);
        }
        return gathered.flip();
    }

    private ByteBuffer read(int max, boolean wait) throws Exchange.BodyException {
        if (failure != null) {
            throw failure;
        }
        timer.start();
        while (pending == null || !pending.hasRemaining()) {
            if (pending != null) {
                pending.release();
                pending = null;
            }
            if (ended) {
                return EMPTY;
            }
            Content.Chunk chunk = request.read();
            if (chunk == null) {
                if (!wait) {
                    return EMPTY;
                }
                await();
                continue;
            }
            if (Content.Chunk.isFailure(chunk)) {
                Throwable cause = chunk.getFailure();
                throw fail(cause instanceof TimeoutException ? HttpStatus.REQUEST_TIMEOUT_408 : HttpStatus.BAD_REQUEST_400,
                        "the client did not send the whole request body ("
                                + (cause == null ? "connection closed" : cause.getMessage()) + ")");
            }
            ended = chunk.isLast();
            received += chunk.remaining();
            if (limit > 0 && received > limit) {
                chunk.release();
                throw fail(HttpStatus.PAYLOAD_TOO_LARGE_413, "the request body is larger than the limit of "
                        + limit + " bytes (--limit-request-body)");
            }
            pending = chunk;
        }
        ByteBuffer source = pending.getByteBuffer();
        int n = Math.min(max, source.remaining());
        ByteBuffer slice = source.slice(source.position(), n);
        source.position(source.position() + n);
        return slice;
    }

    /** Waits for more of the body within the time the client has earned so far. */
    private void await() throws Exchange.BodyException {
        long left = timer.nanosLeft(received);
        if (demand == null) {
            demand = new DemandWait();
        }
        try {
            if (left > 0 && demand.await(request, left)) {
                return;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw fail(HttpStatus.SERVICE_UNAVAILABLE_503, "interrupted while reading the request body");
        }
        throw fail(HttpStatus.REQUEST_TIMEOUT_408, timer.timedOut(received, declared));
    }

    private Exchange.BodyException fail(int status, String message) {
        ended = true;
        failure = new Exchange.BodyException(status, message);
        return failure;
    }

    /** Gives back the chunk still held. */
    void release() {
        if (pending != null) {
            pending.release();
            pending = null;
        }
    }
}
