package io.wsgi4j.http;

import io.wsgi4j.config.ServerConfig;
import io.wsgi4j.gateway.Gateway;
import io.wsgi4j.log.AccessLog;
import io.wsgi4j.log.ErrorLog;
import java.io.IOException;
import java.time.Duration;
import org.eclipse.jetty.http.UriCompliance;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.GracefulHandler;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/** The HTTP tier: Jetty's connector and parser, static files, and the hand-off of WSGI requests to a gateway. */
public final class HttpServer {
    private final Server server;
    private final ServerConnector connector;

    /**
     * @param accessLog where requests are logged, or null for no access log
     */
    public HttpServer(ServerConfig config, Gateway gateway, ErrorLog log, AccessLog accessLog, String serverSoftware)
            throws IOException {
        QueuedThreadPool threads = new QueuedThreadPool(64, 4);
        threads.setName("wsgi4j-http");
        server = new Server(threads);

        HttpConfiguration http = new HttpConfiguration();
        http.setSendServerVersion(false);
        http.setSendXPoweredBy(false);
        http.setSendDateHeader(true);
        http.setRequestHeaderSize(64 * 1024);
        // As Apache: "%25" in a path is decoded once (a file or PATH_INFO with a "%"), "//" is merged,
        // and escapes that are not UTF-8 reach the application as their bytes (PEP 3333: one char each).
        // Routing and RequestPath decode exactly once, so none of these is ambiguous here.
        http.setUriCompliance(UriCompliance.DEFAULT.with("wsgi4j", UriCompliance.Violation.AMBIGUOUS_PATH_ENCODING,
                UriCompliance.Violation.AMBIGUOUS_EMPTY_SEGMENT, UriCompliance.Violation.BAD_UTF8_ENCODING,
                UriCompliance.Violation.TRUNCATED_UTF8_ENCODING));
        boolean keepAlive = !config.http().keepAliveTimeout().isZero();
        http.setPersistentConnectionsEnabled(keepAlive);

        connector = new ServerConnector(server, 1, -1, new HttpConnectionFactory(http));
        connector.setHost(config.listenHost().isEmpty() ? null : config.listenHost());
        connector.setPort(config.port());
        connector.setIdleTimeout((keepAlive ? config.http().keepAliveTimeout() : config.http().socketTimeout()).toMillis());
        connector.setAcceptQueueSize(511);
        server.addConnector(connector);

        server.setErrorHandler(new ErrorPages());
        server.setHandler(new GracefulHandler(new Routes(config, gateway, log, serverSoftware, server.getByteBufferPool())));
        if (accessLog != null) {
            server.setRequestLog(accessLog.requestLog(config.logging().accessLogFormat(), config.serverName()));
        }
        server.setStopAtShutdown(false);
    }

    /** Binds the port and starts serving. */
    public void start() throws Exception {
        server.start();
    }

    /** The port actually bound (useful with port 0). */
    public int port() {
        return connector.getLocalPort();
    }

    /** Stops accepting connections, lets requests in progress finish for up to {@code graceful}, then stops. */
    public void stop(Duration graceful) throws Exception {
        server.setStopTimeout(graceful.toMillis());
        server.stop();
    }
}
