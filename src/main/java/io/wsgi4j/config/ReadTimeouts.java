package io.wsgi4j.config;

import java.time.Duration;

/**
 * How long a client may take to send a request, as Apache's {@code RequestReadTimeout}
 * ({@code header=15-30,MinRate=500 body=15,MinRate=500}): each part gets its timeout, extended by a
 * second for every {@code minRate} bytes received, up to its maximum (zero: no maximum).
 *
 * @param header        the time for the request line and headers (408 when it runs out)
 * @param headerMax     the most the header time may be extended to
 * @param headerMinRate bytes per second that earn the head more time
 * @param body          the time for the body (408 when it runs out)
 * @param bodyMax       the most the body time may be extended to
 * @param bodyMinRate   bytes per second that earn the body more time
 */
public record ReadTimeouts(Duration header, Duration headerMax, long headerMinRate, Duration body, Duration bodyMax,
                           long bodyMinRate) {
}
