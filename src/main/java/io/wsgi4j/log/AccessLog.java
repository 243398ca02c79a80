package io.wsgi4j.log;

import io.wsgi4j.config.LogConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.server.RequestLog;

/** The access log: one line per request in an Apache {@code LogFormat}, written to a file or stdout. */
public final class AccessLog implements AutoCloseable {
    private final LogSink sink;

    private AccessLog(LogSink sink) {
        this.sink = sink;
    }

    /** Opens the access log the configuration asks for (a file as the error log is opened, or stdout). */
    public static AccessLog open(LogConfig config) throws IOException {
        return new AccessLog(config.accessLogFile().isEmpty()
                ? LogSink.to(System.out) : LogSink.appendingTo(config.accessLogFile().get(), "the access log"));
    }

    /** The access log as a descriptor this process inherited, already open (a server process's). */
    public static AccessLog toDescriptor(int fd) {
        return new AccessLog(LogSink.toDescriptor(fd));
    }

    /** The descriptor of the access log file, to hand to a child; -1 when the log is stdout. */
    public int descriptor() {
        return sink.descriptor();
    }

    /**
     * The Jetty request log writing here in the given Apache format.
     *
     * @param serverName what {@code %v} stands for
     */
    public RequestLog requestLog(String apacheFormat, String serverName) {
        ApacheLogFormat format = ApacheLogFormat.compile(apacheFormat, serverName, ProcessHandle.current().pid());
        return (request, response) -> write(format.render(request, response));
    }

    /**
     * Checks that an Apache format can be logged, before anything starts.
     *
     * @throws IllegalArgumentException saying which part of it cannot
     */
    public static void check(String apacheFormat) {
        ApacheLogFormat.compile(apacheFormat, "localhost", 1);
    }

    private void write(String entry) {
        sink.write((entry + "\n").getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public void close() throws IOException {
        sink.close();
    }
}
