package io.wsgi4j.gateway;

import io.wsgi4j.config.LogLevel;
import io.wsgi4j.log.ErrorLog;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.Locale;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Blocker;
import org.eclipse.jetty.util.Callback;

/**
 * One HTTP request on its way through a gateway: reads the request body for the application,
 * writes its response, and completes the exchange exactly once, whatever happens.
 *
 * <p>Used from the request's own virtual thread only; every method may block.
 */
public final class Exchange {
    /** The request body could not be read; the message is for the application and the log. */
    public static final class BodyException extends IOException {
        private final int status;

        BodyException(int status, String message) {
            super(message);
            this.status = status;
        }

        /** The status the response gets if the application has not sent one. */
        public int status() {
            return status;
        }
    }

    private static final int FILE_BUFFER = 128 * 1024;
    /** The most body bytes gathered for one read of the application. */
    private static final int GATHER_MAX = 256 * 1024;

    private final Request request;
    private final Response response;
    private final Callback callback;
    private final String id;
    private final String client;
    private final RequestPath path;
    private final ErrorLog log;
    private final long bodyLimit;
    private final boolean head;

    private Content.Chunk pending;
    private ByteBuffer gathered;
    private boolean bodyEnded;
    private long bodyRead;
    private int bodyFailureStatus;

    private boolean started;
    private ReasonPhrase reasonPhrase;
    private boolean bodyless;
    private long declaredLength = -1;
    private long written;
    private boolean truncationLogged;
    private boolean completed;

    public Exchange(Request request, Response response, Callback callback, String id, RequestPath path,
                    ErrorLog log, long bodyLimit) {
        this.request = request;
        this.response = response;
        this.callback = callback;
        this.id = id;
        this.path = path;
        this.log = log;
        this.bodyLimit = bodyLimit;
        this.client = Request.getRemoteAddr(request) + ":" + Request.getRemotePort(request);
        this.head = HttpMethod.HEAD.is(request.getMethod());
        this.bodyEnded = !hasBody(request);
    }

    public Request request() {
        return request;
    }

    public String id() {
        return id;
    }

    /** The client as {@code ip:port}, for log lines. */
    public String client() {
        return client;
    }

    public RequestPath path() {
        return path;
    }

    /** "GET /path?query", for log lines. */
    public String describe() {
        String query = request.getHttpURI().getQuery();
        return request.getMethod() + " " + request.getHttpURI().getPath() + (query == null ? "" : "?" + query);
    }

    /** Logs a line about this request. */
    public void log(LogLevel level, String message) {
        log.log(level, client, id, message);
    }

    private static boolean hasBody(Request request) {
        long length = request.getHeaders().getLongField(HttpHeader.CONTENT_LENGTH);
        return length > 0 || request.getHeaders().contains(HttpHeader.TRANSFER_ENCODING);
    }

    // -- the request body ---------------------------------------------------

    /** Whether the whole body has been read (or there is none). */
    public boolean bodyComplete() {
        return bodyEnded && (pending == null || !pending.hasRemaining());
    }

    /**
     * Up to {@code max} bytes of the body that have already arrived, without waiting.
     * Never asks for more, so an {@code Expect: 100-continue} is not answered by it.
     *
     * @return the bytes (valid until the next read), empty when none are available yet
     */
    public ByteBuffer readAvailable(int max) throws BodyException {
        if (request.getHeaders().contains(HttpHeader.EXPECT)) {
            return ByteBuffer.allocate(0);
        }
        return read(max, false);
    }

    /**
     * Up to {@code max} bytes of the body, waiting for at least one, with whatever else has
     * already arrived: Jetty hands the body over a network read at a time (a few KiB), and each
     * piece would otherwise cost the worker a round trip.
     *
     * @return the bytes (valid until the next read); empty at the end of the body
     */
    public ByteBuffer readBody(int max) throws BodyException {
        ByteBuffer piece = read(max, true);
        if (!piece.hasRemaining() || piece.remaining() >= max || bodyComplete()) {
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

    private ByteBuffer read(int max, boolean wait) throws BodyException {
        if (bodyFailureStatus != 0) {
            throw new BodyException(bodyFailureStatus, "the request body could not be read");
        }
        while (pending == null || !pending.hasRemaining()) {
            if (pending != null) {
                pending.release();
                pending = null;
            }
            if (bodyEnded) {
                return ByteBuffer.allocate(0);
            }
            Content.Chunk chunk = request.read();
            if (chunk == null) {
                if (!wait) {
                    return ByteBuffer.allocate(0);
                }
                try (Blocker.Runnable blocker = Blocker.runnable()) {
                    request.demand(blocker);
                    blocker.block();
                } catch (IOException e) {
                    throw failBody(HttpStatus.BAD_REQUEST_400, "reading the request body failed: " + e.getMessage());
                }
                continue;
            }
            if (Content.Chunk.isFailure(chunk)) {
                Throwable failure = chunk.getFailure();
                throw failBody(HttpStatus.BAD_REQUEST_400, "the client did not send the whole request body ("
                        + (failure == null ? "connection closed" : failure.getMessage()) + ")");
            }
            bodyEnded = chunk.isLast();
            bodyRead += chunk.remaining();
            if (bodyLimit > 0 && bodyRead > bodyLimit) {
                chunk.release();
                throw failBody(HttpStatus.PAYLOAD_TOO_LARGE_413, "the request body is larger than the limit of "
                        + bodyLimit + " bytes (--limit-request-body)");
            }
            pending = chunk;
        }
        ByteBuffer source = pending.getByteBuffer();
        int n = Math.min(max, source.remaining());
        ByteBuffer slice = source.slice(source.position(), n);
        source.position(source.position() + n);
        return slice;
    }

    private BodyException failBody(int status, String message) {
        bodyFailureStatus = status;
        bodyEnded = true;
        return new BodyException(status, message);
    }

    // -- the response -----------------------------------------------------

    /** Whether the response status and headers have been sent (nothing else can be sent now). */
    public boolean isCommitted() {
        return response.isCommitted();
    }

    public boolean isCompleted() {
        return completed;
    }

    /** Sets the status and headers the application gave; they are sent with the first body bytes. */
    public void start(ResponseHead head) throws ResponseHead.InvalidHeadException {
        started = true;
        response.setStatus(head.status());
        if (!head.reason().isEmpty() && reasonPhrase == null) {
            request.addHttpStreamWrapper(stream -> reasonPhrase = new ReasonPhrase(stream, head.status(), head.reason()));
        }
        var headers = response.getHeaders();
        for (ResponseHead.Header header : head.headers()) {
            String name = header.name();
            switch (name.toLowerCase(Locale.ROOT)) {
                case "content-length" -> {
                    try {
                        declaredLength = Long.parseLong(header.value().trim());
                    } catch (NumberFormatException e) {
                        declaredLength = -1;
                    }
                    if (declaredLength < 0) {
                        throw new ResponseHead.InvalidHeadException("invalid Content-Length " + header.value());
                    }
                    headers.put(HttpHeader.CONTENT_LENGTH, Long.toString(declaredLength));
                }
                case "connection" -> {
                    if (header.value().toLowerCase(Locale.ROOT).contains("close")) {
                        headers.put(HttpHeader.CONNECTION, "close");
                    }
                }
                // The server frames the response itself; these belong to the connection, not the application.
                case "transfer-encoding", "keep-alive", "upgrade", "proxy-connection", "te", "trailer" -> {
                }
                case "server", "date" -> headers.put(name, header.value());
                default -> headers.add(name, header.value());
            }
        }
        // A HEAD response without a Content-Length still goes through Jetty, which drops the bytes but
        // frames the head exactly as for GET (Content-Length when the body came at once, else chunked).
        bodyless = head.status() == 204 || head.status() == 304 || this.head && declaredLength >= 0;
    }

    /** Writes response body bytes, waiting until they are taken. */
    public void write(ByteBuffer data, boolean last) throws IOException {
        int length = data.remaining();
        if (declaredLength >= 0 && written + length > declaredLength) {
            if (!truncationLogged) {
                truncationLogged = true;
                log(LogLevel.WARN, "wsgi4j: the response body is longer than its Content-Length of "
                        + declaredLength + " bytes; the excess is not sent");
            }
            data = data.slice(data.position(), (int) Math.max(0, declaredLength - written));
            length = data.remaining();
        }
        written += length;
        if (bodyless) {
            return;
        }
        if (last && declaredLength >= 0 && written < declaredLength) {
            last = false;
        }
        if (length == 0 && !last) {
            return;
        }
        try (Blocker.Callback blocker = Blocker.callback()) {
            response.write(last, data, blocker);
            blocker.block();
        }
        if (last) {
            completed = true;
            callback.succeeded();
        }
    }

    /** Sends {@code count} bytes of an open file from {@code offset}, without them passing through Python. */
    public void sendFile(FileChannel file, long offset, long count) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocateDirect((int) Math.min(FILE_BUFFER, Math.max(count, 1)));
        long position = offset;
        long left = count;
        while (left > 0) {
            buffer.clear().limit((int) Math.min(buffer.capacity(), left));
            int n = file.read(buffer, position);
            if (n < 0) {
                break;
            }
            buffer.flip();
            position += n;
            left -= n;
            write(buffer, false);
        }
    }

    /** The application finished its response: completes the exchange. */
    public void finish() {
        if (completed) {
            return;
        }
        if (!started) {
            fail(HttpStatus.INTERNAL_SERVER_ERROR_500, null);
            return;
        }
        if (declaredLength >= 0 && written < declaredLength && !bodyless) {
            log(LogLevel.ERROR, "wsgi4j: the response body ended after " + written + " of the "
                    + declaredLength + " bytes its Content-Length promised; closing the connection");
            abort(new IOException("response shorter than its Content-Length"));
            return;
        }
        try {
            write(ByteBuffer.allocate(0), true);
            if (!completed) {
                completed = true;
                callback.succeeded();
            }
        } catch (IOException e) {
            abort(e);
        }
    }

    /**
     * Ends the exchange with an error: an error page with this status if nothing was sent yet,
     * else the connection is cut (the client sees a truncated response, never a wrong one).
     *
     * @param message logged at error level when not null
     */
    public void fail(int status, String message) {
        fail(status, message, 0);
    }

    /**
     * As {@link #fail(int, String)}, telling the client when to try again.
     *
     * @param retryAfterSeconds the {@code Retry-After} header's value; none when 0
     */
    public void fail(int status, String message, long retryAfterSeconds) {
        if (message != null) {
            log(LogLevel.ERROR, message);
        }
        if (completed) {
            return;
        }
        if (bodyFailureStatus != 0 && status == HttpStatus.INTERNAL_SERVER_ERROR_500) {
            status = bodyFailureStatus;
        }
        if (response.isCommitted()) {
            abort(new IOException("response failed after it was started"));
            return;
        }
        completed = true;
        if (reasonPhrase != null) {
            reasonPhrase.withdraw();
        }
        response.reset();
        if (retryAfterSeconds > 0) {
            response.getHeaders().put(HttpHeader.RETRY_AFTER, retryAfterSeconds);
        }
        request.setAttribute(ErrorPageAttributes.REQUEST_ID, id);
        Response.writeError(request, response, callback, status);
    }

    /** Cuts the connection: used when a response cannot be finished properly. */
    public void abort(Throwable cause) {
        if (completed) {
            return;
        }
        completed = true;
        callback.failed(cause);
    }

    /** Releases what the exchange still holds. */
    public void release() {
        if (pending != null) {
            pending.release();
            pending = null;
        }
    }
}
