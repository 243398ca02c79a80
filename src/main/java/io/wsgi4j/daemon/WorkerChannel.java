package io.wsgi4j.daemon;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;

/** One connection to one request thread of a daemon process; carries one request at a time. */
final class WorkerChannel implements AutoCloseable {
    private static final int READ_BUFFER = 64 * 1024;

    private final SocketChannel socket;
    private final FrameReader reader;
    private final WorkerProcess worker;
    private final int thread;
    private final ByteBuffer header = ByteBuffer.allocate(Frame.HEADER_SIZE);
    private volatile InFlight current;
    private volatile Interruption interruption;
    private volatile boolean closed;
    /** Whether it is in the pool of idle connections; guarded by the pool's lock. */
    boolean pooled;

    WorkerChannel(SocketChannel socket, WorkerProcess worker, int thread) {
        this.socket = socket;
        this.reader = new FrameReader(socket, READ_BUFFER);
        this.worker = worker;
        this.thread = thread;
    }

    WorkerProcess worker() {
        return worker;
    }

    int thread() {
        return thread;
    }

    FrameReader reader() {
        return reader;
    }

    /** Marks the request this channel now carries, or null when idle. */
    void carry(InFlight request) {
        current = request;
        if (request != null) {
            interruption = null;
        }
    }

    /** The request this channel carries, or null. */
    InFlight carrying() {
        return current;
    }

    /** Cuts the connection in the middle of its request, for a reason the request's relay will report. */
    void interrupt(Interruption why) {
        interruption = why;
        close();
    }

    /** Why the server cut this connection, or null if it did not. */
    Interruption interruption() {
        return interruption;
    }

    boolean isOpen() {
        return !closed;
    }

    /** Sends a frame whose header space (5 bytes) is at the start of {@code frame}; fills the header in. */
    void sendPrepared(byte[] frame, int length, byte type) throws IOException {
        frame[0] = type;
        int payload = length - Frame.HEADER_SIZE;
        frame[1] = (byte) (payload >>> 24);
        frame[2] = (byte) (payload >>> 16);
        frame[3] = (byte) (payload >>> 8);
        frame[4] = (byte) payload;
        writeFully(ByteBuffer.wrap(frame, 0, length));
    }

    /** Sends a frame with the given payload (which is consumed). */
    void send(byte type, ByteBuffer payload) throws IOException {
        header.clear();
        header.put(type).putInt(payload.remaining()).flip();
        ByteBuffer[] both = {header, payload};
        long left = header.remaining() + payload.remaining();
        while (left > 0) {
            long n = socket.write(both);
            left -= n;
        }
    }

    void send(byte type, String payload) throws IOException {
        send(type, ByteBuffer.wrap(payload.getBytes(StandardCharsets.UTF_8)));
    }

    private void writeFully(ByteBuffer buffer) throws IOException {
        while (buffer.hasRemaining()) {
            socket.write(buffer);
        }
    }

    @Override
    public void close() {
        closed = true;
        try {
            socket.close();
        } catch (IOException e) {
            // already gone
        }
    }

    @Override
    public String toString() {
        return "thread " + thread + " of daemon process " + worker.pid();
    }
}
