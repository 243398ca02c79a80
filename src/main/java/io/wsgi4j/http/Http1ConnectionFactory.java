package io.wsgi4j.http;

import io.wsgi4j.log.ErrorLog;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;

/** Makes {@link Http1Connection}s: Jetty's HTTP/1.1 with wsgi4j's request checks and header read timeout. */
final class Http1ConnectionFactory extends HttpConnectionFactory {
    private final RequestLimits limits;
    private final HeadAllowance allowance;
    private final long socketTimeoutMillis;
    private final ErrorLog log;

    Http1ConnectionFactory(HttpConfiguration configuration, RequestLimits limits, HeadAllowance allowance,
                           long socketTimeoutMillis, ErrorLog log) {
        super(configuration);
        this.limits = limits;
        this.allowance = allowance;
        this.socketTimeoutMillis = socketTimeoutMillis;
        this.log = log;
    }

    @Override
    public Connection newConnection(Connector connector, EndPoint endPoint) {
        Http1Connection connection = new Http1Connection(getHttpConfiguration(), connector, endPoint, limits,
                allowance, socketTimeoutMillis, log);
        connection.setTransferEncodingChunkMaxLength(getTransferEncodingChunkMaxLength());
        return configure(connection, connector, endPoint);
    }
}
