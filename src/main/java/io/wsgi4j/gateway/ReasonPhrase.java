package io.wsgi4j.gateway;

import java.nio.ByteBuffer;
import org.eclipse.jetty.http.MetaData;
import org.eclipse.jetty.server.HttpStream;
import org.eclipse.jetty.util.Callback;

/**
 * Puts the application's own reason phrase on the status line ("503 Try Later"), as Apache does
 * with the status a WSGI application gives; Jetty would send the standard phrase.
 */
final class ReasonPhrase extends HttpStream.Wrapper {
    private final int status;
    private volatile String reason;

    ReasonPhrase(HttpStream stream, int status, String reason) {
        super(stream);
        this.status = status;
        this.reason = reason;
    }

    /** Stops replacing the phrase: the response became one of the server's own (an error page). */
    void withdraw() {
        reason = null;
    }

    @Override
    public void send(MetaData.Request request, MetaData.Response response, boolean last, ByteBuffer content,
                     Callback callback) {
        String phrase = reason;
        if (response != null && phrase != null && response.getStatus() == status) {
            response = new MetaData.Response(status, phrase, response.getHttpVersion(), response.getHttpFields(),
                    response.getContentLength(), response.getTrailersSupplier());
        }
        super.send(request, response, last, content, callback);
    }
}
