package io.wsgi4j.gateway;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wsgi4j.config.ReadTimeouts;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The body clock: the time left grows with the bytes received, and a timeout names the option that ran out. */
class BodyTimerTest {
    private static ReadTimeouts body(int seconds, int maxSeconds, long minRate) {
        return new ReadTimeouts(Duration.ofSeconds(15), Duration.ofSeconds(30), 500, Duration.ofSeconds(seconds),
                Duration.ofSeconds(maxSeconds), minRate);
    }

    private static BodyTimer started(ReadTimeouts timeouts) {
        BodyTimer timer = new BodyTimer(timeouts);
        timer.start();
        return timer;
    }

    @Test
    void theTimeLeftGrowsASecondPerMinRateBytes() {
        BodyTimer timer = started(body(2, 0, 500));
        long none = timer.nanosLeft(0);
        long some = timer.nanosLeft(1000);
        assertTrue(none > 1_500_000_000L && none <= 2_000_000_000L, "2 s at first, not " + none);
        assertTrue(some > 3_500_000_000L && some <= 4_000_000_000L, "1000 bytes earn 2 s more, not " + some);
    }

    @Test
    void startingAgainDoesNotResetTheClock() throws Exception {
        BodyTimer timer = started(body(1, 0, 0));
        Thread.sleep(300);
        timer.start();
        assertTrue(timer.nanosLeft(0) < 800_000_000L, "the clock runs from the first read");
    }

    @Test
    void aTimeoutSaysWhatCameInAndWhichRule() {
        String slow = started(body(2, 0, 500)).timedOut(40, 100_000);
        assertTrue(slow.contains("the client sent 40 of 100000 bytes in "), slow);
        assertTrue(slow.endsWith("too slow for --body-timeout 2 s and --body-min-rate 500 bytes/s"), slow);
        String chunked = started(body(2, 0, 500)).timedOut(7, -1);
        assertTrue(chunked.contains("sent 7 bytes (chunked)"), chunked);
        String capped = started(body(2, 5, 500)).timedOut(1_000_000, 2_000_000);
        assertTrue(capped.endsWith("too slow for --body-max-timeout 5 s"), capped);
        String flat = started(body(3, 0, 0)).timedOut(10, 20);
        assertTrue(flat.endsWith("too slow for --body-timeout 3 s"), flat);
    }
}
