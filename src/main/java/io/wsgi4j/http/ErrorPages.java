package io.wsgi4j.http;

import io.wsgi4j.gateway.ErrorPageAttributes;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/** Every error response the server writes itself: Apache's short HTML pages, the same for Jetty's errors and ours. */
public final class ErrorPages extends ErrorHandler {
    private static final HttpField HTML = new HttpField(HttpHeader.CONTENT_TYPE, "text/html; charset=iso-8859-1");
    private static final HttpField CLOSE = new HttpField(HttpHeader.CONNECTION, "close");

    /** Apache's text for each status, where it has one. */
    static String explanation(int status) {
        return switch (status) {
            case 400 -> "Your browser sent a request that this server could not understand.";
            case 403 -> "You don't have permission to access this resource.";
            case 404 -> "The requested URL was not found on this server.";
            case 405 -> "The requested method is not allowed for this URL.";
            case 408 -> "Server timeout waiting for the HTTP request from the client.";
            case 411 -> "A request of the requested method requires a valid Content-length.";
            case 413 -> "The requested resource does not allow request data with this request, or the amount of data "
                    + "provided in the request exceeds the capacity limit.";
            case 414 -> "The requested URL's length exceeds the capacity limit for this server.";
            case 417 -> "The expectation given in the Expect request-header field could not be met by this server.";
            case 431 -> "The request's header fields are too large for this server.";
            case 500 -> "The server encountered an internal error or misconfiguration and was unable to complete "
                    + "your request.";
            case 501 -> "The server does not support the action requested by the browser.";
            case 502 -> "The application's process failed before it could complete its response.";
            case 503 -> "The server is temporarily unable to service your request due to maintenance downtime or "
                    + "capacity problems. Please try again later.";
            case 504 -> "The application did not answer in time.";
            default -> "The request could not be completed.";
        };
    }

    /** The reason phrase of RFC 9110 (Jetty shortens some, "Server Error" for 500). */
    static String reason(int status) {
        return switch (status) {
            case 500 -> "Internal Server Error";
            case 413 -> "Content Too Large";
            case 414 -> "URI Too Long";
            default -> HttpStatus.getMessage(status);
        };
    }

    /** The page for a status; the request id is shown on server errors so that users can quote it. */
    static String page(int status, String requestId) {
        String title = status + " " + reason(status);
        StringBuilder html = new StringBuilder(512)
                .append("<!DOCTYPE HTML PUBLIC \"-//IETF//DTD HTML 2.0//EN\">\n<html><head>\n<title>")
                .append(title).append("</title>\n</head><body>\n<h1>").append(reason(status))
                .append("</h1>\n<p>").append(explanation(status)).append("</p>\n");
        if (requestId != null && status >= 500) {
            html.append("<p>Request id: ").append(requestId).append("</p>\n");
        }
        return html.append("</body></html>\n").toString();
    }

    @Override
    protected void generateResponse(Request request, Response response, int code, String message, Throwable cause,
                                    Callback callback) {
        Object id = request.getAttribute(ErrorPageAttributes.REQUEST_ID);
        byte[] body = page(code, id == null ? null : id.toString()).getBytes(StandardCharsets.ISO_8859_1);
        response.getHeaders().put(HTML);
        if (code == HttpStatus.REQUEST_TIMEOUT_408) {
            // The connection closes after a 408; Jetty says so only to HTTP/1.1 requests it has parsed.
            response.getHeaders().put(CLOSE);
        }
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
        response.write(true, ByteBuffer.wrap(body), callback);
    }

    @Override
    public ByteBuffer badMessageError(int status, String reason, HttpFields.Mutable fields) {
        fields.put(HTML);
        return ByteBuffer.wrap(page(status, null).getBytes(StandardCharsets.ISO_8859_1));
    }
}
