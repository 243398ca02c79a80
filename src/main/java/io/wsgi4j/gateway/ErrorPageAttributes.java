package io.wsgi4j.gateway;

/** Request attributes the error pages read. */
public final class ErrorPageAttributes {
    private ErrorPageAttributes() {
    }

    /** The request id, shown on 5xx pages so that users can quote it. */
    public static final String REQUEST_ID = "io.wsgi4j.requestId";
}
