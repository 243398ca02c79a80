package io.wsgi4j.log;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The hand-written time stamps against java.time's formatter with Apache's patterns, in English. */
class ApacheTimeTest {
    private static final DateTimeFormatter ACCESS = DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss Z", Locale.ENGLISH);
    private static final DateTimeFormatter ERROR =
            DateTimeFormatter.ofPattern("EEE MMM dd HH:mm:ss.SSSSSS yyyy", Locale.ENGLISH);

    @Test
    void bothStampsAsApacheWritesThem() {
        ZonedDateTime time = ZonedDateTime.of(2000, 10, 10, 13, 55, 36, 7_000, ZoneId.of("-07:00"));
        assertEquals("10/Oct/2000:13:55:36 -0700", ApacheTime.accessLog(new StringBuilder(), time).toString());
        assertEquals("Tue Oct 10 13:55:36.000007 2000", ApacheTime.errorLog(new StringBuilder(), time).toString());
        ZonedDateTime india = ZonedDateTime.of(2026, 1, 4, 0, 0, 5, 999_999_999, ZoneId.of("Asia/Kolkata"));
        assertEquals("04/Jan/2026:00:00:05 +0530", ApacheTime.accessLog(new StringBuilder(), india).toString());
        assertEquals("Sun Jan 04 00:00:05.999999 2026", ApacheTime.errorLog(new StringBuilder(), india).toString());
    }

    @Test
    void agreesWithJavaTimeOverManyInstantsAndZones() {
        Random random = new Random(42);
        String[] zones = {"UTC", "America/St_Johns", "Asia/Kathmandu", "Pacific/Chatham", "Europe/Paris", "America/Los_Angeles"};
        for (int i = 0; i < 20_000; i++) {
            Instant instant = Instant.ofEpochSecond(random.nextLong(4_102_444_800L), random.nextInt(1_000_000_000));
            ZonedDateTime time = instant.atZone(ZoneId.of(zones[i % zones.length]));
            assertEquals(ACCESS.format(time), ApacheTime.accessLog(new StringBuilder(), time).toString());
            assertEquals(ERROR.format(time), ApacheTime.errorLog(new StringBuilder(), time).toString());
        }
    }
}
