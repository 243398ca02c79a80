package io.wsgi4j.log;

import io.wsgi4j.config.LogLevel;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.ILoggerFactory;
import org.slf4j.IMarkerFactory;
import org.slf4j.Marker;
import org.slf4j.event.Level;
import org.slf4j.helpers.BasicMarkerFactory;
import org.slf4j.helpers.LegacyAbstractLogger;
import org.slf4j.helpers.MessageFormatter;
import org.slf4j.helpers.NOPMDCAdapter;
import org.slf4j.spi.MDCAdapter;
import org.slf4j.spi.SLF4JServiceProvider;

/**
 * Sends what Jetty logs through SLF4J to the server's error log, tagged with the client when Jetty
 * logs while parsing a client's request ({@link ParsingClient}).
 *
 * <p>SLF4J finds its provider through the service loader, so the target error log can only be
 * handed over through this one static slot, set when a server starts.
 */
public final class JettyLogBridge implements SLF4JServiceProvider {
    private static final AtomicReference<ErrorLog> TARGET = new AtomicReference<>();

    private final IMarkerFactory markers = new BasicMarkerFactory();
    private final MDCAdapter mdc = new NOPMDCAdapter();
    private final ILoggerFactory loggers = BridgeLogger::new;

    /** Routes Jetty's messages to this error log from now on. */
    public static void routeTo(ErrorLog log) {
        TARGET.set(log);
    }

    @Override
    public ILoggerFactory getLoggerFactory() {
        return loggers;
    }

    @Override
    public IMarkerFactory getMarkerFactory() {
        return markers;
    }

    @Override
    public MDCAdapter getMDCAdapter() {
        return mdc;
    }

    @Override
    public String getRequestedApiVersion() {
        return "2.0.99";
    }

    @Override
    public void initialize() {
    }

    /** Jetty's INFO messages are start-up chatter; they go out at debug level. */
    private static LogLevel levelOf(Level level) {
        return switch (level) {
            case ERROR -> LogLevel.ERROR;
            case WARN -> LogLevel.WARN;
            case INFO, DEBUG, TRACE -> LogLevel.DEBUG;
        };
    }

    private static final class BridgeLogger extends LegacyAbstractLogger {
        private static final long serialVersionUID = 1L;

        BridgeLogger(String name) {
            this.name = name;
        }

        private boolean on(Level level) {
            ErrorLog log = TARGET.get();
            return log != null && level != Level.TRACE && level != Level.DEBUG && log.enabled(levelOf(level));
        }

        @Override
        public boolean isTraceEnabled() {
            return false;
        }

        @Override
        public boolean isDebugEnabled() {
            return false;
        }

        @Override
        public boolean isInfoEnabled() {
            return on(Level.INFO);
        }

        @Override
        public boolean isWarnEnabled() {
            return on(Level.WARN);
        }

        @Override
        public boolean isErrorEnabled() {
            return on(Level.ERROR);
        }

        @Override
        protected String getFullyQualifiedCallerName() {
            return null;
        }

        @Override
        protected void handleNormalizedLoggingCall(Level level, Marker marker, String pattern, Object[] arguments,
                                                   Throwable throwable) {
            ErrorLog log = TARGET.get();
            if (log == null || !on(level)) {
                return;
            }
            String message = MessageFormatter.basicArrayFormat(pattern, arguments);
            if (throwable != null) {
                message += ": " + throwable;
            }
            // Said while parsing a client's request (which it may quote): tagged with that client.
            log.log(levelOf(level), ParsingClient.current(), null, "jetty: " + message);
        }
    }
}
