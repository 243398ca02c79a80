package io.wsgi4j.gateway;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wsgi4j.testing.Http;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads wsgi4j's own error pages in tests. */
final class ErrorPage {
    private static final Pattern REQUEST_ID = Pattern.compile("Request id: ([a-z0-9-]+)");

    private ErrorPage() {
    }

    /** The request id a server-error page shows. */
    static String requestId(Http.Response response) {
        Matcher m = REQUEST_ID.matcher(response.text());
        assertTrue(m.find(), "no request id on the error page: " + response.text());
        return m.group(1);
    }
}
