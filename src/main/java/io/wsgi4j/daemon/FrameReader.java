package io.wsgi4j.daemon;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;

/**
 * Reads frames from a worker connection through one reusable buffer.
 *
 * <p>Call {@link #next()} for a frame's header, then take its payload with {@link #payload()}
 * (whole, copied out) or {@link #payloadPart()} (in pieces, for large bodies) before the next frame.
 */
final class FrameReader {
    private final ReadableByteChannel channel;
    private final ByteBuffer buffer;
    private int type;
    private long remaining;

    FrameReader(ReadableByteChannel channel, int bufferSize) {
        this.channel = channel;
        this.buffer = ByteBuffer.allocateDirect(bufferSize);
        buffer.flip();
    }

    /** Reads the next frame header; returns its type. The previous frame's payload must have been consumed. */
    int next() throws IOException {
        if (remaining > 0) {
            throw new IllegalStateException("the payload of the previous frame was not read");
        }
        fill(Frame.HEADER_SIZE);
        type = buffer.get();
        remaining = Integer.toUnsignedLong(buffer.getInt());
        return type;
    }

    /** The payload length left to read of the current frame. */
    long remaining() {
        return remaining;
    }

    /** The whole payload of the current frame. */
    byte[] payload() throws IOException {
        if (remaining > Integer.MAX_VALUE - 16) {
            throw new IOException("frame of " + remaining + " bytes is too large");
        }
        byte[] bytes = new byte[(int) remaining];
        int at = 0;
        while (at < bytes.length) {
            ByteBuffer part = payloadPart();
            int n = part.remaining();
            part.get(bytes, at, n);
            at += n;
        }
        return bytes;
    }

    /** The next piece of the current payload, valid until the next call on this reader. */
    ByteBuffer payloadPart() throws IOException {
        if (remaining == 0) {
            return ByteBuffer.allocate(0);
        }
        if (!buffer.hasRemaining()) {
            fill(1);
        }
        int n = (int) Math.min(remaining, buffer.remaining());
        ByteBuffer part = buffer.slice(buffer.position(), n);
        buffer.position(buffer.position() + n);
        remaining -= n;
        return part;
    }

    /** Whether a complete END frame header is already buffered right after the current payload. */
    boolean endFrameBuffered() {
        return remaining == 0 && buffer.remaining() >= Frame.HEADER_SIZE
                && buffer.get(buffer.position()) == Frame.END && buffer.getInt(buffer.position() + 1) == 0;
    }

    /** Ensures at least {@code n} bytes are buffered, reading as much as the channel offers. */
    private void fill(int n) throws IOException {
        if (buffer.remaining() >= n) {
            return;
        }
        buffer.compact();
        while (buffer.position() < n) {
            if (channel.read(buffer) < 0) {
                buffer.flip();
                throw new EOFException("the worker closed the connection");
            }
        }
        buffer.flip();
    }
}
