package io.wsgi4j.http;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.http.HttpURI;
import org.eclipse.jetty.http.PreEncodedHttpField;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * Apache's mod_dir answer to a directory asked for without its trailing slash: 301 to the slash form,
 * as an absolute URL built from the request's own scheme, host and port, query kept.
 */
final class DirectoryRedirect {
    private static final HttpField HTML = new PreEncodedHttpField(HttpHeader.CONTENT_TYPE, "text/html; charset=iso-8859-1");

    private DirectoryRedirect() {
    }

    static void send(Request request, Response response, Callback callback) {
        HttpURI uri = request.getHttpURI();
        String location = HttpURI.build(uri, StaticFiles.routingPath(request) + "/", null, uri.getQuery()).asString();
        byte[] body = ("<!DOCTYPE HTML PUBLIC \"-//IETF//DTD HTML 2.0//EN\">\n<html><head>\n"
                + "<title>301 Moved Permanently</title>\n</head><body>\n<h1>Moved Permanently</h1>\n"
                + "<p>The document has moved <a href=\"" + escape(location) + "\">here</a>.</p>\n</body></html>\n")
                .getBytes(StandardCharsets.ISO_8859_1);
        response.setStatus(HttpStatus.MOVED_PERMANENTLY_301);
        response.getHeaders().put(HttpHeader.LOCATION, location);
        response.getHeaders().put(HTML);
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
        response.write(true, ByteBuffer.wrap(body), callback);
    }

    private static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
