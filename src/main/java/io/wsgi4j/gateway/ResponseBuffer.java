package io.wsgi4j.gateway;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.ArrayDeque;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.Invocable.InvocationType;

/**
 * Hands a response's body to Jetty without waiting for each write, so that the application's thread
 * is free before a slow client has read it: one Jetty write outstanding, what comes meanwhile queued
 * (copied: the producer reuses its buffers) while less than the buffer's size waits and the shared
 * memory budget allows; beyond that the producer waits. The exchange completes when the last write
 * is done, or fails when a write fails or a queued {@link Cut} is reached.
 *
 * <p>The producer is the request's thread; writes complete on Jetty's threads, or inside
 * {@code Response.write}. All shared state is guarded by one lock. Jetty is called outside it, and by
 * one thread at a time: the one that set {@code pumping}, which issues writes until one is outstanding
 * or the queue is empty; a completion that finds another thread pumping leaves the next write to it.
 * A queued file is read by a virtual thread of its own, never by the request's thread or Jetty's.
 *
 * <p>A producer that may not wait (Python running on a selector thread: the write it would wait for
 * could only be completed by that selector) never does: what does not fit goes to a spool file of
 * the response's own (unlinked at once, mode 0600, in the spool directory), queued as regions of
 * that file, within a disk budget all responses share. Past that budget the response is cut.
 */
final class ResponseBuffer {
    /** Below this, bytes that can be written at once are copied to the heap rather than to a pooled buffer. */
    private static final int SMALL = 8 * 1024;

    private final Response response;
    private final Callback done;
    private final long capacity;
    private final MemoryBudget memory;
    private final Consumer<String> errors;
    /** Where a producer that may not wait spools what does not fit; null when it may wait. */
    private final Spool spool;
    /** The spool file, once something was spooled, and how many bytes it holds; guarded by the lock. */
    private FileChannel spoolFile;
    private long spoolEnd;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition drained = lock.newCondition();
    private final ArrayDeque<Part> queue = new ArrayDeque<>(4);
    private final Callback written = new Written();
    private long queuedBytes;
    private boolean writing;
    private boolean pumping;
    /** The last write is done: the exchange completes, by the completing thread or the pumping one. */
    private boolean lastWritten;
    /** The thread that reads the queued file pieces, while one does. */
    private Thread fileThread;
    private Throwable failure;

    /**
     * @param done     completed when the last write is done, failed when a write fails
     * @param capacity how many bytes may wait before the producer does
     * @param memory   the budget the waiting bytes are taken from
     * @param errors   receives a line for the error log when a file cannot be sent whole
     */
    ResponseBuffer(Response response, Callback done, int capacity, MemoryBudget memory, Consumer<String> errors) {
        this(response, done, capacity, memory, errors, null);
    }

    /** @param spool where what does not fit goes, for a producer that may not wait; null when it may */
    ResponseBuffer(Response response, Callback done, int capacity, MemoryBudget memory, Consumer<String> errors,
                   Spool spool) {
        this.response = response;
        this.done = done;
        this.capacity = capacity;
        this.memory = memory;
        this.errors = errors;
        this.spool = spool;
    }

    /**
     * A response's spool: its file is made when first needed, and goes (with its share of the disk
     * budget) when the response is over, whatever the end.
     *
     * @param directory where the file is made
     * @param disk      the budget all responses' spooled bytes share
     */
    record Spool(java.nio.file.Path directory, MemoryBudget disk, String name) {
    }

    /**
     * Queues body bytes, copying them, and starts writing them if no write is outstanding. Waits
     * while the buffer holds more than its size would with them.
     *
     * @param last no more bytes follow
     * @throws IOException a write failed (the client went away, or stopped reading for the socket timeout)
     */
    void write(ByteBuffer data, boolean last) throws IOException {
        int n = data.remaining();
        lock.lock();
        try {
            if (!awaitRoom(n)) {
                spoolLocked(data, last);
                return;
            }
            checkFailure();
            if (n < SMALL && !writing && queue.isEmpty()) {
                // Written at once, usually before this returns: a small exact copy (a hello world's body).
                queue.add(Bytes.copyOf(data, last));
            } else {
                gather(data.duplicate(), last);
            }
            queuedBytes += n;
        } finally {
            lock.unlock();
        }
        pump();
    }

    /**
     * Waits until {@code n} more bytes may be queued, and takes them from the memory budget: while
     * the buffer would hold more than its size, or the budget is spent. An empty buffer always
     * takes them, so that every response makes progress. A producer that may not wait gets false
     * instead of waiting: the bytes are to be spooled.
     */
    private boolean awaitRoom(int n) {
        while (failure == null) {
            if (queuedBytes == 0) {
                memory.reserve(n);
                return true;
            }
            if (queuedBytes + n <= capacity && memory.tryReserve(n)) {
                return true;
            }
            if (spool != null) {
                return false;
            }
            drained.awaitUninterruptibly();
        }
        return true;
    }

    /**
     * Appends the bytes to the response's spool file and queues them as a region of it (the end of
     * the response after them, if last). Under the lock, so that the queue keeps the bytes' order.
     */
    private void spoolLocked(ByteBuffer data, boolean last) throws IOException {
        checkFailure();
        int n = data.remaining();
        if (!spool.disk().tryReserve(n)) {
            IOException full = new IOException("the response outgrew its buffer while its client read slowly, and the "
                    + "responses spooled to disk already take " + spool.disk().used() + " bytes: it is cut");
            failLocked(full);
            throw full;
        }
        try {
            if (spoolFile == null) {
                java.nio.file.Path path = java.nio.file.Files.createTempFile(spool.directory(), spool.name(), ".tmp",
                        java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                                java.nio.file.attribute.PosixFilePermissions.fromString("rw-------")));
                spoolFile = FileChannel.open(path, java.nio.file.StandardOpenOption.READ,
                        java.nio.file.StandardOpenOption.WRITE);
                // Unlinked at once: the open file lives as long as a region of it is queued, and no one else sees it.
                java.nio.file.Files.delete(path);
            }
            long at = spoolEnd;
            ByteBuffer bytes = data.duplicate();
            while (bytes.hasRemaining()) {
                spoolFile.write(bytes, at + (n - bytes.remaining()));
            }
            spoolEnd += n;
            queue.add(new FileRegion(spoolFile, at, n, false));
            if (last) {
                queue.add(Bytes.copyOf(ByteBuffer.allocate(0), true));
            }
        } catch (IOException e) {
            spool.disk().release(n);
            failLocked(e);
            throw e;
        }
    }

    /** The response is over: its spool file and disk go. Under the lock. */
    private void releaseSpoolLocked() {
        if (spoolFile != null) {
            closeQuietly(spoolFile);
            spoolFile = null;
            spool.disk().release(spoolEnd);
        }
    }

    /** Copies into the last queued piece while it has room and is not being written, then into new ones. */
    private void gather(ByteBuffer data, boolean last) {
        Bytes tail = queue.peekLast() instanceof Bytes bytes && bytes.appendable() ? bytes : null;
        while (data.hasRemaining()) {
            if (tail == null || !tail.appendable()) {
                tail = Bytes.pooled();
                queue.add(tail);
            }
            tail.append(data);
        }
        if (last) {
            if (tail == null) {
                queue.add(Bytes.copyOf(data, true));
            } else {
                tail.markLast();
            }
        }
    }

    /** Queues {@code count} bytes of a file from {@code offset}; the file is closed once sent, or on failure. */
    void sendFile(FileChannel file, long offset, long count) throws IOException {
        lock.lock();
        try {
            if (failure != null) {
                closeQuietly(file);
                checkFailure();
            }
            queue.add(new FileRegion(file, offset, count, true));
        } finally {
            lock.unlock();
        }
        pump();
    }

    /** Queues the end of a response that cannot be finished: once what is queued is written, the exchange fails. */
    void cut(Throwable cause) {
        lock.lock();
        try {
            if (failure != null) {
                return;
            }
            queue.add(new Cut(cause));
        } finally {
            lock.unlock();
        }
        pump();
    }

    /** Drops what is queued (the exchange is being cut); a write already outstanding still completes or fails. */
    void abort(Throwable cause) {
        lock.lock();
        try {
            failLocked(cause);
        } finally {
            lock.unlock();
        }
    }

    private void checkFailure() throws IOException {
        if (failure != null) {
            throw new IOException(failure.getMessage() == null ? failure.toString() : failure.getMessage(), failure);
        }
    }

    /** Issues writes, unless another thread is doing so. */
    private void pump() {
        lock.lock();
        try {
            if (pumping) {
                return;
            }
            pumping = true;
        } finally {
            lock.unlock();
        }
        pumpLoop();
    }

    /** Issues writes until one is outstanding or nothing is left; the caller owns {@code pumping}. */
    private void pumpLoop() {
        while (true) {
            Part part = null;
            boolean finish = false;
            Thread handOff = null;
            lock.lock();
            try {
                if (writing || failure != null || queue.isEmpty()) {
                    pumping = false;
                    finish = lastWritten;
                } else {
                    part = queue.peek();
                    if (part instanceof FileRegion && Thread.currentThread() != fileThread) {
                        // Reading a file may block: neither the request's thread (whose worker is
                        // waiting to be freed) nor Jetty's threads do it. Pumping moves to a thread of its own.
                        fileThread = Thread.ofVirtual().name("wsgi4j-file").unstarted(this::pumpLoop);
                        handOff = fileThread;
                    } else if (part instanceof Cut cut) {
                        pumping = false;
                        failLocked(cut.cause);
                    } else {
                        part.take();
                        writing = true;
                    }
                }
            } finally {
                lock.unlock();
            }
            if (handOff != null) {
                handOff.start();
                return;
            }
            if (part == null) {
                if (finish) {
                    done.succeeded();
                }
                return;
            }
            if (part instanceof Cut cut) {
                // Everything before it is written: now the connection is cut.
                done.failed(cut.cause);
                return;
            }
            ByteBuffer piece;
            try {
                piece = part.nextPiece();
            } catch (IOException e) {
                boolean aborted;
                lock.lock();
                try {
                    aborted = failure != null;
                    writing = false;
                    pumping = false;
                    failLocked(e);
                } finally {
                    lock.unlock();
                }
                if (!aborted) {
                    errors.accept("wsgi4j: the file given to wsgi.file_wrapper could not be sent whole ("
                            + e.getMessage() + "); the response is cut short");
                    done.failed(e);
                }
                return;
            }
            try {
                response.write(part.last(), piece, written);
            } catch (RuntimeException e) {
                // Jetty refusing the write outright: nothing is outstanding, and nothing more will be written.
                lock.lock();
                try {
                    writing = false;
                    pumping = false;
                    failLocked(e);
                } finally {
                    lock.unlock();
                }
                done.failed(e);
                throw e;
            }
        }
    }

    private void failLocked(Throwable cause) {
        if (failure == null) {
            failure = cause;
        }
        for (Part part : queue) {
            part.release(false);
        }
        queue.clear();
        memory.release(queuedBytes);
        queuedBytes = 0;
        releaseSpoolLocked();
        drained.signalAll();
    }

    /**
     * The completion of the outstanding write. It only takes the lock and issues the next write
     * (files are read elsewhere), so Jetty may run it on its selector thread.
     */
    private final class Written implements Callback {
        @Override
        public InvocationType getInvocationType() {
            return InvocationType.NON_BLOCKING;
        }

        @Override
        public void succeeded() {
            boolean complete = false;
            lock.lock();
            try {
                writing = false;
                Part head = queue.peek();
                if (head != null && head.exhausted()) {
                    queue.poll();
                    queuedBytes -= head.memory();
                    memory.release(head.memory());
                    head.release(true);
                    lastWritten = head.last();
                    if (lastWritten) {
                        releaseSpoolLocked();
                    }
                    drained.signalAll();
                }
                // Inside Response.write (or beside a thread that is writing), the pumping thread
                // completes the exchange once Jetty has returned: as a handler does after its write.
                complete = lastWritten && !pumping;
            } finally {
                lock.unlock();
            }
            if (complete) {
                done.succeeded();
            } else {
                pump();
            }
        }

        @Override
        public void failed(Throwable cause) {
            lock.lock();
            try {
                writing = false;
                failLocked(cause);
            } finally {
                lock.unlock();
            }
            done.failed(cause);
        }
    }

    /** A queued piece of the response: the pump takes it, writes its pieces, then it leaves the queue. */
    private abstract static sealed class Part permits Bytes, FileRegion, Cut {
        /** Whether the pump has started on it (handed something of it to Jetty). */
        boolean taken;

        /** The pump starts on it: no more bytes may be added. Called under the lock. */
        void take() {
            taken = true;
        }

        /** The next bytes to write; called by the pumping thread only. */
        abstract ByteBuffer nextPiece() throws IOException;

        /** Whether everything of it has been handed to Jetty. */
        abstract boolean exhausted();

        abstract boolean last();

        /** The bytes it holds in memory. */
        abstract long memory();

        /**
         * Lets go of its buffer and file.
         *
         * @param written its writes completed, or it was never handed to Jetty: its buffer may be reused
         */
        abstract void release(boolean written);
    }

    /** Bytes in memory: a small exact copy, or a pooled buffer that gathers what is queued behind a write. */
    private static final class Bytes extends Part {
        /** Filled up to its position until taken, then flipped for Jetty to write. */
        private final ByteBuffer buffer;
        private final boolean pooled;
        private int length;
        private boolean last;

        private Bytes(ByteBuffer buffer, boolean pooled) {
            this.buffer = buffer;
            this.pooled = pooled;
        }

        static Bytes copyOf(ByteBuffer data, boolean last) {
            Bytes bytes = new Bytes(ByteBuffer.allocate(data.remaining()), false);
            bytes.append(data.duplicate());
            bytes.last = last;
            return bytes;
        }

        static Bytes pooled() {
            return new Bytes(ResponsePieces.take(), true);
        }

        boolean appendable() {
            return !taken && !last && buffer.hasRemaining();
        }

        /** Copies as much of {@code data} as fits, advancing it; called under the lock. */
        void append(ByteBuffer data) {
            int n = Math.min(data.remaining(), buffer.remaining());
            buffer.put(buffer.position(), data, data.position(), n);
            buffer.position(buffer.position() + n);
            data.position(data.position() + n);
            length += n;
        }

        void markLast() {
            last = true;
        }

        @Override
        void take() {
            super.take();
            buffer.flip();
        }

        @Override
        ByteBuffer nextPiece() {
            return buffer;
        }

        @Override
        boolean exhausted() {
            return true;
        }

        @Override
        boolean last() {
            return last;
        }

        @Override
        long memory() {
            return length;
        }

        @Override
        void release(boolean written) {
            if (pooled) {
                ResponsePieces.give(buffer, written || !taken);
            }
        }
    }

    /**
     * A region of an open file, read a piece at a time into one pooled buffer (one write is
     * outstanding at a time): a file given by the application, closed once sent, or a piece of the
     * response's spool file, which the buffer closes when the response is over.
     */
    private static final class FileRegion extends Part {
        private final FileChannel file;
        private final boolean owned;
        private final long count;
        private long position;
        /** Read by the completing thread, written by the pumping one. */
        private volatile long left;
        private ByteBuffer piece;

        FileRegion(FileChannel file, long offset, long count, boolean owned) {
            this.file = file;
            this.owned = owned;
            this.count = count;
            this.position = offset;
            this.left = count;
        }

        @Override
        ByteBuffer nextPiece() throws IOException {
            if (piece == null) {
                piece = ResponsePieces.take();
            }
            piece.clear().limit((int) Math.min(piece.capacity(), left));
            int n = file.read(piece, position);
            if (n < 0) {
                throw new EOFException("it ended after " + (count - left) + " of " + count + " bytes");
            }
            position += n;
            left -= n;
            return piece.flip();
        }

        @Override
        boolean exhausted() {
            return left == 0;
        }

        @Override
        boolean last() {
            return false;
        }

        @Override
        long memory() {
            return 0;
        }

        @Override
        void release(boolean written) {
            if (owned) {
                closeQuietly(file);
            }
            if (piece != null) {
                ResponsePieces.give(piece, written);
            }
        }
    }

    /** The end of a response cut short: the exchange fails when the pump reaches it. */
    private static final class Cut extends Part {
        private final Throwable cause;

        Cut(Throwable cause) {
            this.cause = cause;
        }

        @Override
        ByteBuffer nextPiece() {
            throw new IllegalStateException("a cut has nothing to write");
        }

        @Override
        boolean exhausted() {
            return true;
        }

        @Override
        boolean last() {
            return true;
        }

        @Override
        long memory() {
            return 0;
        }

        @Override
        void release(boolean written) {
        }
    }

    private static void closeQuietly(FileChannel file) {
        try {
            file.close();
        } catch (IOException e) {
            // a file opened for reading: nothing is lost
        }
    }
}
