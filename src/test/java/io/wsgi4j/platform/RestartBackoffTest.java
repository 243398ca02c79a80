package io.wsgi4j.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The supervisors' one back-off: at once, then 1, 2, 4, 8, 10, 10 s while processes keep dying young. */
class RestartBackoffTest {
    @Test
    void youngDeathsInARowWaitLongerUpToTenSeconds() {
        RestartBackoff backoff = new RestartBackoff();
        assertEquals(0, backoff.ended(500), "the first young death is replaced at once");
        assertEquals(1_000, backoff.ended(500));
        assertEquals(2_000, backoff.failed(), "a failed start counts as a young death");
        assertEquals(4_000, backoff.ended(1_999));
        assertEquals(8_000, backoff.ended(0));
        assertEquals(10_000, backoff.ended(0));
        for (int i = 0; i < 100; i++) {
            backoff.ended(0);
        }
        assertEquals(10_000, backoff.waitMillis());
        assertEquals(106, backoff.inARow());
    }

    @Test
    void aProcessThatLivedEndsTheSeries() {
        RestartBackoff backoff = new RestartBackoff();
        backoff.ended(100);
        backoff.ended(100);
        assertEquals(0, backoff.ended(RestartBackoff.YOUNG_MILLIS));
        assertEquals(0, backoff.inARow());
        assertEquals(0, backoff.ended(100), "a new series starts at once");
    }

    @Test
    void waitsAreSaidInSeconds() {
        assertEquals("2 s", RestartBackoff.describe(2_000));
        assertEquals("500 ms", RestartBackoff.describe(500));
    }
}
