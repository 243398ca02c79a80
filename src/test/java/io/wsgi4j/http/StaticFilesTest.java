package io.wsgi4j.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.eclipse.jetty.http.HttpURI;
import org.junit.jupiter.api.Test;

class StaticFilesTest {
    /** A configured URL path must compare equal with the canonical path of a request for it. */
    @Test
    void routingFormMatchesTheCanonicalPathOfARequest() {
        String[][] cases = {
                {"/static", "/static"},
                {"/my files", "/my%20files"},
                {"/caf\u00e9", "/caf%C3%A9"},
                {"/a+b", "/a+b"},
                {"/semi;colon", "/semi%3Bcolon"},
        };
        for (String[] c : cases) {
            String request = HttpURI.build().path(c[1]).asImmutable().getCanonicalPath();
            assertEquals(request, StaticFiles.routingForm(c[0]), c[0]);
        }
        assertEquals("", StaticFiles.routingForm(""));
    }
}
