package io.wsgi4j.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.wsgi4j.config.ReadTimeouts;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The time left for a request head, and the error-log line of one that ran out of it. */
class HeadAllowanceTest {
    private static final HeadAllowance APACHE = new HeadAllowance(new ReadTimeouts(Duration.ofSeconds(15),
            Duration.ofSeconds(30), 500, Duration.ofSeconds(15), Duration.ZERO, 500));
    private static final long SECOND = 1_000_000_000L;

    @Test
    void timeLeftIsTheAllowanceLessTheTimeSinceTheFirstByte() {
        long start = 1_000 * SECOND;
        assertEquals(15 * SECOND, APACHE.nanosLeft(start, start, 0));
        assertEquals(5 * SECOND, APACHE.nanosLeft(start, start + 10 * SECOND, 0));
        assertEquals(0, APACHE.nanosLeft(start, start + 15 * SECOND, 0));
        assertEquals(-SECOND, APACHE.nanosLeft(start, start + 16 * SECOND, 0));
    }

    @Test
    void bytesReceivedEarnTimeUpToTheMaximum() {
        long start = -5 * SECOND;
        assertEquals(SECOND, APACHE.nanosLeft(start, start + 16 * SECOND, 1000));
        assertEquals(4 * SECOND, APACHE.nanosLeft(start, start + 26 * SECOND, 1_000_000));
    }

    @Test
    void aHeadThatGotTheBaseTimeNamesTheHeaderTimeout() {
        assertEquals("wsgi4j: the client sent 0 bytes of the request head in 15 s (--header-timeout); answered 408",
                APACHE.expired(0));
        HeadAllowance noRate = new HeadAllowance(new ReadTimeouts(Duration.ofSeconds(3), Duration.ofSeconds(5), 0,
                Duration.ofSeconds(15), Duration.ZERO, 500));
        assertEquals("wsgi4j: the client sent 1 byte of the request head in 3 s (--header-timeout); answered 408",
                noRate.expired(1));
    }

    @Test
    void anExtendedHeadNamesTheMinimumRate() {
        assertEquals("wsgi4j: the client sent 3 bytes of the request head in 15.006 s "
                + "(--header-timeout, extended by --header-min-rate); answered 408", APACHE.expired(3));
        assertEquals("wsgi4j: the client sent 1250 bytes of the request head in 17.5 s "
                + "(--header-timeout, extended by --header-min-rate); answered 408", APACHE.expired(1250));
    }

    @Test
    void aHeadCappedAtTheMaximumNamesTheMaximum() {
        assertEquals("wsgi4j: the client sent 9000 bytes of the request head in 30 s (--header-max-timeout); "
                + "answered 408", APACHE.expired(9000));
    }

    @Test
    void secondsAreShownToTheMillisecond() {
        assertEquals("15", HeadAllowance.seconds(Duration.ofSeconds(15)));
        assertEquals("2.31", HeadAllowance.seconds(Duration.ofMillis(2310)));
        assertEquals("0.001", HeadAllowance.seconds(Duration.ofNanos(999_999)));
        assertEquals("3", HeadAllowance.seconds(Duration.ofNanos(3_000_000_400L)));
    }
}
