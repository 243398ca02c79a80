package io.wsgi4j.http;

import io.wsgi4j.config.LogLevel;
import io.wsgi4j.gateway.RequestTarget;
import io.wsgi4j.log.ErrorLog;
import io.wsgi4j.log.ParsingClient;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.function.Supplier;
import org.eclipse.jetty.http.BadMessageException;
import org.eclipse.jetty.http.HttpException;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.internal.HttpConnection;

/**
 * Jetty's HTTP/1.1 connection with what its parser does not offer: Apache's per-line head limits,
 * the raw request target kept for REQUEST_URI, a few refusals of ambiguous requests, and the
 * header read timeout ({@link HeadTimer}).
 *
 * <p>Hooks into Jetty's parser callbacks ({@code HttpConnection.RequestHandler}); each check
 * throws the {@link BadMessageException} that Jetty turns into the error response.
 */
final class Http1Connection extends HttpConnection {
    private final RequestLimits limits;
    private final HeadAllowance allowance;
    private final ErrorLog log;
    private final HeadTimer headTimer;
    private final Runnable fillAndParse = this::fillAndParse;
    private final Supplier<String> client = this::client;
    private final Runnable parse = super::onFillable;

    Http1Connection(HttpConfiguration configuration, Connector connector, EndPoint endPoint, RequestLimits limits,
                    HeadAllowance allowance, long socketTimeoutMillis, ErrorLog log) {
        super(configuration, connector, endPoint);
        this.limits = limits;
        this.allowance = allowance;
        this.log = log;
        this.headTimer = new HeadTimer(allowance, connector.getScheduler(), connector.getExecutor(), endPoint,
                getParser(), socketTimeoutMillis, connector.getIdleTimeout(), this::headTimedOut);
    }

    @Override
    public void onFillable() {
        headTimer.parse(fillAndParse);
    }

    private void fillAndParse() {
        // After a 408 the parser is closed, and a parse makes Jetty close the connection: not while the
        // 408 is still on its way (its exchange is not done), so the bytes that woke us stay unread.
        // Once it is written, Jetty calls onFillable again (and closes), or closes at once.
        if (headTimer.expired() && getHttpChannel().getRequest() != null) {
            return;
        }
        // Jetty's parser logs some malformed heads, quoting them, without saying whose they are.
        ParsingClient.run(client, parse);
    }

    /** Answers 408 as Jetty answers a head its parser refuses: the parser stops, the handler sends the error. */
    private void headTimedOut(long bytes) {
        log.log(LogLevel.INFO, client(), null, allowance.expired(bytes));
        getParser().close();
        getParser().getHandler().badMessage(
                new BadMessageException(HttpStatus.REQUEST_TIMEOUT_408, "request head not received in time"));
    }

    private String client() {
        SocketAddress address = getEndPoint().getRemoteSocketAddress();
        if (address instanceof InetSocketAddress inet && inet.getAddress() != null) {
            return inet.getAddress().getHostAddress() + ":" + inet.getPort();
        }
        return String.valueOf(address);
    }

    @Override
    public void onClose(Throwable cause) {
        headTimer.close();
        super.onClose(cause);
    }

    @Override
    protected RequestHandler newRequestHandler() {
        // Called from the super constructor: the handler must not read this class's fields before parsing starts.
        return new CheckingHandler();
    }

    private final class CheckingHandler extends RequestHandler {
        private String target;
        private HttpVersion version;
        private int fields;
        private boolean contentType;

        @Override
        public void startRequest(String method, String uri, HttpVersion version) {
            this.target = uri;
            this.version = version;
            fields = 0;
            contentType = false;
            // The parser decodes the request line as UTF-8 and puts U+FFFD for bytes that are not:
            // passed on, the application would see other bytes than were sent.
            if (uri.indexOf('\uFFFD') >= 0) {
                throw new BadMessageException(HttpStatus.BAD_REQUEST_400,
                        "request target with raw bytes that are not UTF-8 (percent-encode them)");
            }
            long line = method.length() + 1L + uri.getBytes(StandardCharsets.UTF_8).length + 1
                    + version.asString().length();
            if (line > limits.line()) {
                throw new BadMessageException(HttpStatus.URI_TOO_LONG_414,
                        "request line of " + line + " bytes, longer than " + limits.line());
            }
            super.startRequest(method, uri, version);
        }

        @Override
        public void parsedHeader(HttpField field) {
            if (++fields > limits.fields()) {
                throw new BadMessageException(HttpStatus.REQUEST_HEADER_FIELDS_TOO_LARGE_431,
                        "more than " + limits.fields() + " header fields");
            }
            String value = field.getValue();
            int size = field.getName().length() + 1 + (value == null ? 0 : value.length());
            if (size > limits.fieldSize()) {
                throw new BadMessageException(HttpStatus.REQUEST_HEADER_FIELDS_TOO_LARGE_431,
                        "header field " + field.getName() + " of " + size + " bytes, longer than " + limits.fieldSize());
            }
            HttpHeader header = field.getHeader();
            if (header == HttpHeader.CONTENT_TYPE) {
                // A singleton field (RFC 9110 section 8.3): two values leave the content's type ambiguous.
                if (contentType) {
                    throw new BadMessageException(HttpStatus.BAD_REQUEST_400, "more than one Content-Type");
                }
                contentType = true;
            }
            if (header == HttpHeader.TRANSFER_ENCODING && version == HttpVersion.HTTP_1_0) {
                // HTTP/1.0 has no transfer codings: its framing is faulty (RFC 9112 section 6.1).
                throw new BadMessageException(HttpStatus.BAD_REQUEST_400, "Transfer-Encoding in an HTTP/1.0 request");
            }
            super.parsedHeader(field);
        }

        @Override
        public boolean headerComplete() {
            headTimer.complete();
            boolean handle = super.headerComplete();
            Request request = getHttpChannel().getRequest();
            if (request != null) {
                request.setAttribute(RequestTarget.ATTRIBUTE, target);
            }
            return handle;
        }

        @Override
        public void badMessage(HttpException failure) {
            headTimer.complete();
            // Jetty answers a request line without a valid HTTP/1.x version with 505 (taking it for
            // HTTP/0.9) or 426; it is a malformed request line, which gets 400 (RFC 9112 section 3).
            int code = failure.getCode();
            if (code == HttpStatus.HTTP_VERSION_NOT_SUPPORTED_505 || code == HttpStatus.UPGRADE_REQUIRED_426) {
                failure = new BadMessageException(HttpStatus.BAD_REQUEST_400, failure.getReason());
            }
            super.badMessage(failure);
        }
    }
}
