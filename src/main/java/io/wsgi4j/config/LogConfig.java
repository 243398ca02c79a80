package io.wsgi4j.config;

import java.nio.file.Path;
import java.util.Optional;

/**
 * Where logs go.
 *
 * @param errorLogFile    the error log file; empty when logging to the terminal (stderr)
 * @param level           the least severe error-log level written ({@code LogLevel})
 * @param accessLog       whether requests are logged
 * @param accessLogFile   the access log file; empty when logging to the terminal (stdout)
 * @param accessLogFormat an Apache {@code LogFormat} string
 */
public record LogConfig(
        Optional<Path> errorLogFile,
        LogLevel level,
        boolean accessLog,
        Optional<Path> accessLogFile,
        String accessLogFormat) {
}
