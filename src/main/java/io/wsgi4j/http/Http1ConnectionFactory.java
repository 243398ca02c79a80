package io.wsgi4j.http;

import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;

/** Makes {@link Http1Connection}s: Jetty's HTTP/1.1 with wsgi4j's request checks. */
final class Http1ConnectionFactory extends HttpConnectionFactory {
    private final RequestLimits limits;

    Http1ConnectionFactory(HttpConfiguration configuration, RequestLimits limits) {
        super(configuration);
        this.limits = limits;
    }

    @Override
    public Connection newConnection(Connector connector, EndPoint endPoint) {
        Http1Connection connection = new Http1Connection(getHttpConfiguration(), connector, endPoint, limits);
        connection.setTransferEncodingChunkMaxLength(getTransferEncodingChunkMaxLength());
        return configure(connection, connector, endPoint);
    }
}
