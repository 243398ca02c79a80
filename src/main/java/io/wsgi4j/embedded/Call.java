package io.wsgi4j.embedded;

import io.wsgi4j.config.LogLevel;
import io.wsgi4j.gateway.Exchange;
import io.wsgi4j.gateway.ResponseHead;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * One request's response as Python gives it to the {@link Transport}: applied to the exchange at
 * once for the blocks of a streamed body (without the GIL), or, for a body given whole at the
 * end, after Python has returned ({@link #finish}).
 */
final class Call {
    private final Exchange exchange;
    private byte[] deferredHead;
    private byte[] deferredData;
    private boolean deferredEnd;
    /** A file the server sends ended the response. */
    private boolean fileSent;
    private boolean aborted;
    /** The exchange was failed already (a head the server could not send). */
    private boolean failed;
    private IOException clientGone;
    private String internalError;

    Call(Exchange exchange) {
        this.exchange = exchange;
    }

    Exchange exchange() {
        return exchange;
    }

    // -- from the transport, holding the GIL --------------------------------------------------

    /** The response ends with these bytes: they go out after Python returns. */
    void deferEnd(byte[] head, byte[] data) {
        deferredHead = head;
        deferredData = data;
        deferredEnd = true;
    }

    void abort() {
        aborted = true;
    }

    // -- from the transport, without the GIL ----------------------------------------------------

    /** Sends the head (if not null) and a block of the body now, waiting while the response buffer is full. */
    void respond(byte[] head, ByteBuffer data, boolean last) throws IOException {
        if (failed) {
            return;
        }
        if (head != null && !start(head)) {
            return;
        }
        try {
            exchange.write(data, last);
        } catch (IOException e) {
            clientGone = e;
            throw e;
        }
    }

    /**
     * Sends the head (if not null), then queues the open file {@code fd} of this process (opened
     * again through /proc, so that it outlives the application's handle); false when it cannot be
     * opened, and Python then iterates it itself.
     */
    boolean sendFile(byte[] head, int fd, long offset, long count) throws IOException {
        if (failed) {
            return true;
        }
        if (head != null && !start(head)) {
            return true;
        }
        FileChannel file;
        try {
            file = FileChannel.open(Path.of("/proc/self/fd/" + fd), StandardOpenOption.READ);
        } catch (IOException | SecurityException e) {
            return false;
        }
        try {
            exchange.sendFile(file, offset, count);
        } catch (IOException e) {
            clientGone = e;
            throw e;
        }
        fileSent = true;
        return true;
    }

    /** The status and headers; false (the exchange failed with 500, logged) when they cannot be sent. */
    private boolean start(byte[] head) {
        try {
            exchange.start(ResponseHead.parse(head, 0, head.length));
            return true;
        } catch (ResponseHead.InvalidHeadException e) {
            failed = true;
            exchange.fail(500, "wsgi4j: the application's response cannot be sent: " + e.getMessage());
            return false;
        }
    }

    // -- after Python has returned, without the GIL -----------------------------------------------

    /** Python's call ended with the client gone (the application was stopped). */
    void clientGone(String why) {
        if (clientGone == null) {
            clientGone = new IOException(why);
        }
    }

    /** Python's call ended with an unexpected exception (printed to the error log). */
    void internalError(String what) {
        internalError = what;
    }

    /** Completes the exchange as Python left it. */
    void finish() {
        if (failed) {
            return;
        }
        if (clientGone != null) {
            exchange.log(LogLevel.INFO, "wsgi4j: the client went away during the response ("
                    + clientGone.getMessage() + "); the application was stopped");
            exchange.abort(clientGone);
            return;
        }
        if (internalError != null) {
            exchange.fail(500, "wsgi4j: " + internalError);
            return;
        }
        if (aborted) {
            exchange.fail(500, null);
            return;
        }
        try {
            if (deferredEnd) {
                if (deferredHead != null && !start(deferredHead)) {
                    return;
                }
                exchange.write(ByteBuffer.wrap(deferredData), true);
            } else if (!fileSent && !exchange.isCommitted() && !exchange.hasEnded()) {
                exchange.fail(500, "wsgi4j: the application's response did not end");
                return;
            }
            exchange.finish();
        } catch (IOException e) {
            exchange.log(LogLevel.INFO, "wsgi4j: the client went away during the response (" + e.getMessage() + ")");
            exchange.abort(e);
        } catch (RuntimeException e) {
            // Jetty refusing the head (over 64 KiB of headers, say): one line, one 500.
            exchange.fail(500, "wsgi4j: the response to " + exchange.describe() + " could not be sent: " + e);
        }
    }
}
