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
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * One HTTP request on its way through a gateway: receives the request body for the application,
 * buffers its response for the client, and completes the exchange exactly once, whatever happens.
 *
 * <p>Used from the request's own virtual thread; the reading methods may block, the writing ones
 * only while the response buffer is full. The exchange may complete later, on a Jetty thread, when
 * the client has taken the last buffered byte.
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

        /**
         * The level of its log line: a slow or vanished client is the client's business (info, as
         * Apache logs it), a body over the limit or a spool that cannot be written the site's (error).
         */
        public LogLevel level() {
            return status == HttpStatus.REQUEST_TIMEOUT_408 || status == HttpStatus.BAD_REQUEST_400
                    ? LogLevel.INFO : LogLevel.ERROR;
        }
    }

    private final Request request;
    private final Response response;
    private final Completion completion;
    private final String id;
    private final String client;
    private final RequestPath path;
    private final ErrorLog log;
    private final ExchangeSettings settings;
    private final boolean head;
    private final BodyReader body;
    /** The memory budget an in-memory body took, or 0. */
    private int reservedMemory;
    private BodySpool spool;
    /** The body {@link #receiveEarly} received for the gateway (or why it could not), until the gateway takes it. */
    private ReceivedBody early;
    private BodyException earlyFailure;
    private ResponseBuffer buffer;

    private boolean started;
    private ReasonPhrase reasonPhrase;
    private boolean bodyless;
    private long declaredLength = -1;
    private long written;
    private boolean truncationLogged;
    private boolean lastQueued;
    /** The producer runs where it must not wait for the client (a selector thread). */
    private boolean mayNotWait;

    public Exchange(Request request, Response response, Callback callback, String id, RequestPath path,
                    ErrorLog log, ExchangeSettings settings) {
        this.request = request;
        this.response = response;
        this.completion = new Completion(callback);
        this.id = id;
        this.path = path;
        this.log = log;
        this.settings = settings;
        this.client = Request.getRemoteAddr(request) + ":" + Request.getRemotePort(request);
        this.head = HttpMethod.HEAD.is(request.getMethod());
        this.body = new BodyReader(request, settings.limitRequestBody(), settings.readTimeouts());
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

    // -- the request body ---------------------------------------------------

    /**
     * Receives the whole request body before the application runs, within the body timeout and the
     * size limit: in memory up to 1 MiB (while the memory budget allows), else into a spool file that
     * {@link #release()} deletes. A request with {@code Expect: 100-continue} is left for the
     * application to read ({@code 100 Continue} goes out when it does, through {@link #readBody}).
     */
    public ReceivedBody receiveBody() throws BodyException {
        if (earlyFailure != null) {
            throw earlyFailure;
        }
        if (early != null) {
            ReceivedBody received = early;
            early = null;
            return received;
        }
        return receive();
    }

    /**
     * Receives the body as {@link #receiveBody} does, before the gateway is called, which then gets
     * it (or its failure) from its own {@link #receiveBody}: an embedded request receives its body on
     * a virtual thread before it takes a platform thread.
     */
    public void receiveEarly() {
        try {
            early = receive();
        } catch (BodyException e) {
            earlyFailure = e;
        }
    }

    /**
     * Whether the request has a body still to arrive: receiving it may wait for the client (an
     * embedded request then receives it on a virtual thread before taking a platform thread).
     */
    public boolean bodyToReceive() {
        return !body.complete() && !request.getHeaders().contains(HttpHeader.EXPECT);
    }

    /** Whether the application will read the body as it runs, from the client ({@code Expect: 100-continue}). */
    public boolean bodyReadAsItRuns() {
        return !body.complete() && request.getHeaders().contains(HttpHeader.EXPECT);
    }

    private ReceivedBody receive() throws BodyException {
        if (request.getHeaders().contains(HttpHeader.EXPECT) && !body.complete()) {
            return new ReceivedBody.Deferred();
        }
        ReceivedBody received = BodyReceiver.receive(body, settings.spoolDirectory(), id, settings.memory());
        // Only what to give back is kept: the bytes themselves are the caller's (copied into its request).
        switch (received) {
            case ReceivedBody.InMemory memory -> reservedMemory = memory.bytes().length;
            case ReceivedBody.Spooled spooled -> spool = spooled.spool();
            case ReceivedBody.Deferred deferred -> {
            }
        }
        return received;
    }

    /**
     * Up to {@code max} bytes of a body the application reads as it runs, waiting for at least one,
     * with whatever else has already arrived.
     *
     * @return the bytes (valid until the next read); empty at the end of the body
     */
    public ByteBuffer readBody(int max) throws BodyException {
        return body.gather(max);
    }

    // -- the response -----------------------------------------------------

    /** Whether the end of the response has been queued (it completes once the client has taken it). */
    public boolean hasEnded() {
        return lastQueued;
    }

    /** Whether the response status and headers have been sent (nothing else can be sent now). */
    public boolean isCommitted() {
        return response.isCommitted();
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

    /**
     * Queues response body bytes for the client (copied: {@code data} may be reused at once), waiting
     * only while the response buffer is full.
     *
     * @param last no more bytes follow; a body given whole this way gets a Content-Length
     * @throws IOException the client went away, or stopped reading for the socket timeout
     */
    public void write(ByteBuffer data, boolean last) throws IOException {
        int length = data.remaining();
        if (declaredLength >= 0 && written + length > declaredLength) {
            truncated();
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
        buffer().write(data, last);
        lastQueued = last;
    }

    /**
     * Queues {@code count} bytes of an open file from {@code offset}, which go to the client without
     * passing through Python; takes the file, which is closed once sent (or when the exchange fails).
     */
    public void sendFile(FileChannel file, long offset, long count) throws IOException {
        if (declaredLength >= 0 && written + count > declaredLength) {
            truncated();
            count = Math.max(0, declaredLength - written);
        }
        written += count;
        if (bodyless || count == 0) {
            file.close();
            return;
        }
        if (!response.isCommitted()) {
            // The head goes out now, from this thread: the file is read and written by another, and
            // an uncommitted response must mean that nothing is queued (see fail()).
            buffer().write(ByteBuffer.allocate(0), false);
        }
        buffer().sendFile(file, offset, count);
    }

    private void truncated() {
        if (!truncationLogged) {
            truncationLogged = true;
            log(LogLevel.WARN, "wsgi4j: the response body is longer than its Content-Length of "
                    + declaredLength + " bytes; the excess is not sent");
        }
    }

    private ResponseBuffer buffer() {
        if (buffer == null) {
            buffer = new ResponseBuffer(response, completion, settings.responseBufferSize(), settings.memory(),
                    message -> log(LogLevel.ERROR, message), mayNotWait
                    ? new ResponseBuffer.Spool(settings.spoolDirectory(), settings.responseSpool(), "wsgi4j-response-" + id + "-")
                    : null);
        }
        return buffer;
    }

    /**
     * The response will be produced on a thread that must not wait for the client (a selector
     * thread, whose own work would complete that wait): what does not fit the response buffer is
     * spooled to disk instead of waiting. Called before anything is written.
     */
    public void mayNotWait() {
        mayNotWait = true;
    }

    /**
     * The application finished its response: queues its end. The exchange completes when the client
     * has taken the last byte; the caller need not wait for that.
     */
    public void finish() {
        if (lastQueued || completion.isDone()) {
            return;
        }
        if (!started) {
            fail(HttpStatus.INTERNAL_SERVER_ERROR_500, null);
            return;
        }
        if (declaredLength >= 0 && written < declaredLength && !bodyless) {
            log(LogLevel.ERROR, "wsgi4j: the response body ended after " + written + " of the "
                    + declaredLength + " bytes its Content-Length promised; closing the connection");
            // What there was still goes out, then the connection is cut.
            buffer().cut(new IOException("response shorter than its Content-Length"));
            lastQueued = true;
            return;
        }
        try {
            buffer().write(ByteBuffer.allocate(0), true);
            lastQueued = true;
        } catch (IOException e) {
            abort(e);
        }
    }

    /**
     * Ends the exchange with an error: an error page with this status if nothing was sent yet,
     * else the connection is cut (the client sees a truncated response, never a wrong one).
     * A request whose body could not be read gets that failure's status instead of a 500.
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
        if (completion.isDone()) {
            return;
        }
        if (body.failureStatus() != 0 && status == HttpStatus.INTERNAL_SERVER_ERROR_500) {
            status = body.failureStatus();
        }
        if (response.isCommitted()) {
            abort(new IOException("response failed after it was started"));
            return;
        }
        if (!completion.claim()) {
            return;
        }
        if (reasonPhrase != null) {
            reasonPhrase.withdraw();
        }
        response.reset();
        if (retryAfterSeconds > 0) {
            response.getHeaders().put(HttpHeader.RETRY_AFTER, retryAfterSeconds);
        }
        if (body.failureStatus() != 0) {
            // What is left of the body cannot be told from the next request.
            response.getHeaders().put(HttpHeader.CONNECTION, "close");
        }
        request.setAttribute(ErrorPageAttributes.REQUEST_ID, id);
        Response.writeError(request, response, completion.target(), status);
    }

    /** Cuts the connection: used when a response cannot be finished properly. */
    public void abort(Throwable cause) {
        if (buffer != null) {
            buffer.abort(cause);
        }
        completion.failed(cause);
    }

    /**
     * Releases what the exchange holds for the request: the body's last chunk, its memory or its
     * spool file. Called when the application is done; the response may still be on its way to the client.
     */
    public void release() {
        body.release();
        settings.memory().release(reservedMemory);
        reservedMemory = 0;
        if (spool != null) {
            try {
                spool.close();
            } catch (IOException e) {
                log(LogLevel.WARN, "wsgi4j: the spooled request body " + spool.path()
                        + " could not be deleted: " + e.getMessage());
            }
        }
    }
}
