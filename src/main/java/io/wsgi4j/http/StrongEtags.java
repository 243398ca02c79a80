package io.wsgi4j.http;

import java.io.IOException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.PreEncodedHttpField;
import org.eclipse.jetty.http.content.HttpContent;

/**
 * Strong ETags made as Apache's default ({@code FileETag MTime Size}) makes them, from the size and the
 * modification time in microseconds, both in hex, instead of Jetty's weak ones, which If-Range may never
 * match (RFC 9110 13.1.5): an interrupted download of a static file can then be resumed.
 */
final class StrongEtags implements HttpContent.Factory {
    private final HttpContent.Factory files;

    StrongEtags(HttpContent.Factory files) {
        this.files = files;
    }

    @Override
    public HttpContent getContent(String path) throws IOException {
        HttpContent content = files.getContent(path);
        return content == null ? null : new Tagged(content);
    }

    /** The ETag of a file of this size and modification time. */
    static String etag(long size, Instant modified) {
        long micros = ChronoUnit.MICROS.between(Instant.EPOCH, modified);
        // Apache joins the two with "-", which Jetty takes for the start of a "--gzip" suffix.
        return "\"" + Long.toHexString(size) + ":" + Long.toHexString(micros) + "\"";
    }

    private static final class Tagged extends HttpContent.Wrapper {
        private final HttpField etag;

        Tagged(HttpContent content) {
            super(content);
            Instant modified = content.getLastModifiedInstant();
            etag = new PreEncodedHttpField(HttpHeader.ETAG,
                    etag(Math.max(0, content.getContentLengthValue()), modified == null ? Instant.EPOCH : modified));
        }

        @Override
        public HttpField getETag() {
            return etag;
        }

        @Override
        public String getETagValue() {
            return etag.getValue();
        }
    }
}
