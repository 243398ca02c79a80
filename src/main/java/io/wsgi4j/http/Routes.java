package io.wsgi4j.http;

import io.wsgi4j.config.LogLevel;
import io.wsgi4j.config.ServerConfig;
import io.wsgi4j.config.UrlAlias;
import io.wsgi4j.gateway.Exchange;
import io.wsgi4j.gateway.ExchangeSettings;
import io.wsgi4j.gateway.Gateway;
import io.wsgi4j.gateway.RequestIds;
import io.wsgi4j.gateway.RequestPath;
import io.wsgi4j.log.ErrorLog;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadFactory;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.http.MimeTypes;
import org.eclipse.jetty.http.content.HttpContent;
import org.eclipse.jetty.io.ByteBufferPool;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * Decides what serves each request, as mod_wsgi-express's configuration does: URL aliases first,
 * then a file of the document root if one exists, then the WSGI application at its mount point.
 *
 * <p>Static files are served on Jetty's own threads. A WSGI request goes where the gateway says
 * ({@link Gateway.Dispatch}): for a daemon process group, a virtual thread (it only waits, for the
 * client and for the daemon process); in embedded mode under the event MPM, the Jetty thread that
 * read it, which runs Python itself (so this handler blocks, and Jetty has another thread take over
 * reading); under the worker and prefork MPMs, the selector thread that read it, when the gateway
 * can serve it there without waiting, else a Jetty pool thread. An embedded request whose body is
 * still arriving receives it on a virtual thread first, so that a slow client holds no platform
 * thread, then goes to a pool thread.
 */
final class Routes extends Handler.Abstract {
    private record Alias(String url, StaticFiles files) {
    }

    private final ServerConfig config;
    private final Gateway gateway;
    private final ErrorLog log;
    private final String serverSoftware;
    private final List<Alias> aliases = new ArrayList<>();
    private final DocumentRoot documentRoot;
    private final RequestIds ids = new RequestIds();
    private final ExchangeSettings exchangeSettings;
    private final ThreadFactory requestThreads = Thread.ofVirtual().name("wsgi4j-request").factory();

    Routes(ServerConfig config, Gateway gateway, ErrorLog log, String serverSoftware, ByteBufferPool pool)
            throws IOException {
        super(gateway.dispatch() == Gateway.Dispatch.READING_THREAD ? InvocationType.BLOCKING
                : InvocationType.NON_BLOCKING);
        this.config = config;
        this.gateway = gateway;
        this.log = log;
        this.serverSoftware = serverSoftware;
        this.exchangeSettings = ExchangeSettings.of(config);
        MimeTypes types = ContentTypes.system();
        for (UrlAlias alias : config.urlAliases()) {
            aliases.add(new Alias(StaticFiles.routingForm(alias.url()), new StaticFiles(alias.path(), types, pool)));
        }
        // Longest prefix first, so that /static/images wins over /static.
        aliases.sort(Comparator.comparingInt((Alias a) -> a.url().length()).reversed());
        documentRoot = config.documentRoot().isPresent()
                ? new DocumentRoot(config.documentRoot().get(), config.application().mountPoint(), types, pool)
                : null;
        aliases.forEach(a -> addBean(a.files().service()));
        if (documentRoot != null) {
            addBean(documentRoot.files().service());
        }
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        response.getHeaders().put(HttpHeader.SERVER, serverSoftware);
        String canonical = StaticFiles.routingPath(request);
        if (canonical == null) {
            Response.writeError(request, response, callback, HttpStatus.BAD_REQUEST_400);
            return true;
        }
        for (Alias alias : aliases) {
            if (canonical.equals(alias.url()) || canonical.startsWith(alias.url() + "/")) {
                HttpContent content = alias.files().find(canonical.substring(alias.url().length()), request);
                if (content == null) {
                    Response.writeError(request, response, callback, HttpStatus.NOT_FOUND_404);
                } else {
                    alias.files().serve(request, response, callback, content);
                }
                return true;
            }
        }
        if (documentRoot != null && documentRoot.handle(canonical, request, response, callback)) {
            return true;
        }
        Optional<String> decoded = RequestPath.decode(request.getHttpURI().getPath());
        if (decoded.isEmpty()) {
            Response.writeError(request, response, callback, HttpStatus.BAD_REQUEST_400);
            return true;
        }
        Optional<RequestPath> path = RequestPath.split(decoded.get(), config.application().mountPoint());
        if (path.isEmpty()) {
            Response.writeError(request, response, callback, HttpStatus.NOT_FOUND_404);
            return true;
        }
        String id = ids.next();
        long limit = config.http().limitRequestBody();
        long length = request.getHeaders().getLongField(HttpHeader.CONTENT_LENGTH);
        if (limit > 0 && length > limit) {
            log.log(LogLevel.ERROR, Request.getRemoteAddr(request) + ":" + Request.getRemotePort(request), id,
                    "wsgi4j: request body of " + length + " bytes is larger than the limit of " + limit
                            + " bytes (--limit-request-body); answered 413");
            response.getHeaders().put(HttpHeader.CONNECTION, "close");
            Response.writeError(request, response, callback, HttpStatus.PAYLOAD_TOO_LARGE_413);
            return true;
        }
        Callback done = duringRequest(request, callback);
        Exchange exchange = new Exchange(request, response, done, id, path.get(), log, exchangeSettings);
        Gateway.Dispatch dispatch = gateway.dispatch();
        if (dispatch == Gateway.Dispatch.VIRTUAL_THREAD) {
            requestThreads.newThread(() -> run(exchange)).start();
        } else if (dispatch == Gateway.Dispatch.SELECTOR_THREAD && serveHere(exchange)) {
            return true;
        } else if (!exchange.bodyToReceive()) {
            if (dispatch == Gateway.Dispatch.READING_THREAD) {
                run(exchange);
            } else {
                request.getConnectionMetaData().getConnector().getExecutor().execute(() -> run(exchange));
            }
        } else {
            Executor platformThreads = request.getConnectionMetaData().getConnector().getExecutor();
            requestThreads.newThread(() -> {
                exchange.receiveEarly();
                platformThreads.execute(() -> run(exchange));
            }).start();
        }
        return true;
    }

    /** The gateway serves the exchange on this thread if it can without waiting; false if not. */
    private boolean serveHere(Exchange exchange) {
        try {
            return gateway.serveWithoutWaiting(exchange);
        } catch (Throwable e) {
            exchange.fail(HttpStatus.INTERNAL_SERVER_ERROR_500, "wsgi4j: internal error: " + e);
            return true;
        }
    }

    private void run(Exchange exchange) {
        try {
            gateway.serve(exchange);
        } catch (Throwable e) {
            exchange.fail(HttpStatus.INTERNAL_SERVER_ERROR_500, "wsgi4j: internal error: " + e);
        }
    }

    /** The connection has the socket timeout while the request runs, and the keep-alive timeout again once it is done. */
    private static Callback duringRequest(Request request, Callback callback) {
        TimedEndPoint endPoint = (TimedEndPoint) request.getConnectionMetaData().getConnection().getEndPoint();
        endPoint.requestStarted();
        return Callback.from(endPoint::requestDone, callback);
    }
}
