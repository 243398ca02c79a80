package io.wsgi4j.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** RequestReadTimeout's arithmetic: a base time, a second more per MinRate bytes, up to the maximum. */
class ReadTimeoutsTest {
    private static final ReadTimeouts APACHE = new ReadTimeouts(Duration.ofSeconds(15), Duration.ofSeconds(30), 500,
            Duration.ofSeconds(15), Duration.ZERO, 500);

    @Test
    void nothingReceivedGetsTheBaseTime() {
        assertEquals(Duration.ofSeconds(15), APACHE.headerAllowance(0));
        assertEquals(Duration.ofSeconds(15), APACHE.bodyAllowance(0));
    }

    @Test
    void everyMinRateBytesEarnASecond() {
        assertEquals(Duration.ofSeconds(16), APACHE.headerAllowance(500));
        assertEquals(Duration.ofSeconds(15).plusMillis(2), APACHE.headerAllowance(1));
        assertEquals(Duration.ofSeconds(17), APACHE.bodyAllowance(1000));
    }

    @Test
    void theMaximumCapsTheHeaderTime() {
        assertEquals(Duration.ofSeconds(30), APACHE.headerAllowance(1_000_000));
    }

    @Test
    void noMaximumLetsAFastBodyRunOn() {
        assertEquals(Duration.ofSeconds(15 + 2_000_000), APACHE.bodyAllowance(1_000_000_000L));
        assertEquals(Duration.ofNanos(Long.MAX_VALUE), APACHE.bodyAllowance(Long.MAX_VALUE));
    }

    @Test
    void noMinRateMeansAFixedTime() {
        ReadTimeouts fixed = new ReadTimeouts(Duration.ofSeconds(3), Duration.ZERO, 0, Duration.ofSeconds(4),
                Duration.ZERO, 0);
        assertEquals(Duration.ofSeconds(3), fixed.headerAllowance(10_000));
        assertEquals(Duration.ofSeconds(4), fixed.bodyAllowance(10_000));
    }

    @Test
    void aMaximumBelowTheBaseKeepsTheBase() {
        ReadTimeouts odd = new ReadTimeouts(Duration.ofSeconds(20), Duration.ofSeconds(10), 500, Duration.ofSeconds(1),
                Duration.ZERO, 500);
        assertEquals(Duration.ofSeconds(20), odd.headerAllowance(100_000));
    }
}
