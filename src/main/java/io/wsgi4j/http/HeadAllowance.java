package io.wsgi4j.http;

import io.wsgi4j.config.ReadTimeouts;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;

/**
 * The time a request's head may take, mod_reqtimeout's {@code header=15-30,MinRate=500}: how much of
 * it is left, and the error-log line for a head that ran out of it.
 *
 * @param timeouts the configured read timeouts; only the header ones are used
 */
record HeadAllowance(ReadTimeouts timeouts) {

    /**
     * Nanoseconds left for a head whose first byte arrived at {@code startNanos}, once {@code bytes} of it
     * have arrived, at {@code nowNanos} (both {@link System#nanoTime()}); zero or less: the time is up.
     */
    long nanosLeft(long startNanos, long nowNanos, long bytes) {
        return timeouts.headerAllowance(bytes).toNanos() - (nowNanos - startNanos);
    }

    /** What the error log says of a head that ran out of time after {@code bytes}. */
    String expired(long bytes) {
        Duration allowed = timeouts.headerAllowance(bytes);
        return "wsgi4j: the client sent " + bytes + (bytes == 1 ? " byte" : " bytes") + " of the request head in "
                + seconds(allowed) + " s (" + limit(allowed) + "); answered 408";
    }

    /** The option that set this allowance. */
    private String limit(Duration allowed) {
        if (allowed.equals(timeouts.header())) {
            return "--header-timeout";
        }
        if (allowed.equals(timeouts.headerMax())) {
            return "--header-max-timeout";
        }
        return "--header-timeout, extended by --header-min-rate";
    }

    /** "15", "15.002": seconds to the millisecond, without trailing zeros. */
    static String seconds(Duration duration) {
        return BigDecimal.valueOf(duration.toNanos(), 9).setScale(3, RoundingMode.HALF_UP).stripTrailingZeros()
                .toPlainString();
    }
}
