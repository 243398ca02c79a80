package io.wsgi4j.log;

import java.time.ZonedDateTime;

/**
 * Apache's two time stamps, in English whatever the locale, written by hand: java.time's text
 * fields (month and day names) load the JDK's locale data, about 2 MiB and a few hundred classes
 * in every server process, for twelve month names and seven day names.
 */
final class ApacheTime {
    private static final String[] MONTHS =
            {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    private static final String[] DAYS = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};

    private ApacheTime() {
    }

    /** The access log's {@code %t}: {@code 10/Oct/2000:13:55:36 -0700}. */
    static StringBuilder accessLog(StringBuilder out, ZonedDateTime time) {
        two(out, time.getDayOfMonth()).append('/').append(MONTHS[time.getMonthValue() - 1]).append('/')
                .append(time.getYear()).append(':');
        clock(out, time).append(' ');
        int offset = time.getOffset().getTotalSeconds() / 60;
        out.append(offset < 0 ? '-' : '+');
        offset = Math.abs(offset);
        return two(two(out, offset / 60), offset % 60);
    }

    /** The error log's: {@code Wed Oct 11 14:32:52.123456 2000}. */
    static StringBuilder errorLog(StringBuilder out, ZonedDateTime time) {
        out.append(DAYS[time.getDayOfWeek().getValue() - 1]).append(' ')
                .append(MONTHS[time.getMonthValue() - 1]).append(' ');
        two(out, time.getDayOfMonth()).append(' ');
        clock(out, time).append('.');
        int micros = time.getNano() / 1000;
        for (int unit = 100_000; unit > 0; unit /= 10) {
            out.append((char) ('0' + micros / unit % 10));
        }
        return out.append(' ').append(time.getYear());
    }

    private static StringBuilder clock(StringBuilder out, ZonedDateTime time) {
        two(out, time.getHour()).append(':');
        two(out, time.getMinute()).append(':');
        return two(out, time.getSecond());
    }

    private static StringBuilder two(StringBuilder out, int value) {
        return out.append((char) ('0' + value / 10)).append((char) ('0' + value % 10));
    }
}
