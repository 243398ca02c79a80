package io.wsgi4j.http;

/**
 * The size limits of a request's head, Apache's defaults: LimitRequestLine 8190,
 * LimitRequestFields 100, LimitRequestFieldSize 8190.
 *
 * @param line      the longest request line, in bytes, without its CRLF; longer gets 414
 * @param fields    the most header fields; more gets 431
 * @param fieldSize the longest header field line ("Name:value", not counting whitespace around
 *                  the value), in bytes; longer gets 431
 */
public record RequestLimits(int line, int fields, int fieldSize) {
    /** Apache's defaults. */
    public static final RequestLimits APACHE = new RequestLimits(8190, 100, 8190);

    /**
     * The most bytes the whole head can take within these limits (each line with its CRLF, and
     * the empty line): Jetty's own bound, which the per-line checks then tighten.
     */
    public int headBytes() {
        return line + 2 + fields * (fieldSize + 2) + 2;
    }
}
