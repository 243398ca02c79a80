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

    /** How long the client may have taken for the head once it has sent {@code bytes} of it. */
    public Duration headerAllowance(long bytes) {
        return allowance(header, headerMax, headerMinRate, bytes);
    }

    /** How long the client may have taken for the body once it has sent {@code bytes} of it. */
    public Duration bodyAllowance(long bytes) {
        return allowance(body, bodyMax, bodyMinRate, bytes);
    }

    /** mod_reqtimeout's rule: the base time, plus a second per {@code minRate} bytes, capped at {@code max}. */
    static Duration allowance(Duration base, Duration max, long minRate, long bytes) {
        if (minRate <= 0 || bytes <= 0) {
            return base;
        }
        // Nanosecond resolution: 1 byte at MinRate=500 earns 2 ms, not zero.
        long earnedNanos = bytes >= Long.MAX_VALUE / 1_000_000_000L ? Long.MAX_VALUE
                : bytes * 1_000_000_000L / minRate;
        Duration extended = base.plusNanos(Math.min(earnedNanos, Long.MAX_VALUE - base.toNanos()));
        if (!max.isZero() && extended.compareTo(max) > 0) {
            return max.compareTo(base) > 0 ? max : base;
        }
        return extended;
    }
}
