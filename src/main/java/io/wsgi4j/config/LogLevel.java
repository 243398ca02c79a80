package io.wsgi4j.config;

import java.util.Locale;
import java.util.Optional;

/** Apache's error-log levels, most severe first. */
public enum LogLevel {
    EMERG, ALERT, CRIT, ERROR, WARN, NOTICE, INFO, DEBUG;

    /** The name as Apache writes it: {@code error}, {@code warn}... */
    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Whether a message at {@code level} is written when this is the configured level. */
    public boolean admits(LogLevel level) {
        return level.ordinal() <= ordinal();
    }

    /** Parses Apache's name for a level; also accepts {@code warning}. */
    public static Optional<LogLevel> parse(String text) {
        String key = text.toLowerCase(Locale.ROOT);
        if (key.equals("warning")) {
            return Optional.of(WARN);
        }
        for (LogLevel level : values()) {
            if (level.key().equals(key)) {
                return Optional.of(level);
            }
        }
        return Optional.empty();
    }
}
