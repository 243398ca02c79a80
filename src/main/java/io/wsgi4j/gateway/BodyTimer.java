package io.wsgi4j.gateway;

import io.wsgi4j.config.ReadTimeouts;
import java.time.Duration;
import java.util.Locale;

/**
 * The body's part of Apache's {@code RequestReadTimeout}: from the first read, the client has the
 * body timeout plus a second for every MinRate bytes it has sent, up to the maximum.
 */
final class BodyTimer {
    private final ReadTimeouts timeouts;
    private long start;
    private boolean started;

    BodyTimer(ReadTimeouts timeouts) {
        this.timeouts = timeouts;
    }

    /** Starts the clock, once: at the first read of the body. */
    void start() {
        if (!started) {
            started = true;
            start = System.nanoTime();
        }
    }

    /** How long the client may still take for its next bytes, having sent {@code received}; at most zero when time is up. */
    long nanosLeft(long received) {
        Duration allowance = timeouts.bodyAllowance(received);
        if (allowance.isZero()) {
            return Long.MAX_VALUE;
        }
        return allowance.toNanos() - (System.nanoTime() - start);
    }

    /** The log line's reason: how much came in how long, and which option ran out. */
    String timedOut(long received, long declared) {
        double seconds = (System.nanoTime() - start) / 1e9;
        String bytes = declared >= 0 ? received + " of " + declared + " bytes" : received + " bytes (chunked)";
        String rule;
        Duration max = timeouts.bodyMax();
        if (!max.isZero() && max.compareTo(timeouts.body()) > 0 && timeouts.bodyAllowance(received).equals(max)) {
            rule = "--body-max-timeout " + max.toSeconds() + " s";
        } else if (timeouts.bodyMinRate() > 0) {
            rule = "--body-timeout " + timeouts.body().toSeconds() + " s and --body-min-rate "
                    + timeouts.bodyMinRate() + " bytes/s";
        } else {
            rule = "--body-timeout " + timeouts.body().toSeconds() + " s";
        }
        return String.format(Locale.ROOT, "request body timeout: the client sent %s in %.1f s, too slow for %s",
                bytes, seconds, rule);
    }
}
