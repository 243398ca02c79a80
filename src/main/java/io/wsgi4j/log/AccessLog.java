package io.wsgi4j.log;

import io.wsgi4j.config.LogConfig;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.locks.ReentrantLock;
import org.eclipse.jetty.server.RequestLog;

/** The access log: one line per request in an Apache {@code LogFormat}, written to a file or stdout. */
public final class AccessLog implements AutoCloseable {
    private final OutputStream out;
    private final boolean ownsStream;
    private final ReentrantLock lock = new ReentrantLock();

    private AccessLog(OutputStream out, boolean ownsStream) {
        this.out = out;
        this.ownsStream = ownsStream;
    }

    /** Opens the access log the configuration asks for. */
    public static AccessLog open(LogConfig config) throws IOException {
        if (config.accessLogFile().isEmpty()) {
            return new AccessLog(System.out, false);
        }
        Path file = config.accessLogFile().get();
        if (file.getParent() != null) {
            Files.createDirectories(file.getParent());
        }
        return new AccessLog(Files.newOutputStream(file, StandardOpenOption.CREATE, StandardOpenOption.APPEND,
                StandardOpenOption.WRITE), true);
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
        byte[] bytes = (entry + "\n").getBytes(StandardCharsets.UTF_8);
        lock.lock();
        try {
            out.write(bytes);
            out.flush();
        } catch (IOException e) {
            // A full disk must not fail requests; the error log may still be writable.
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void close() throws IOException {
        if (ownsStream) {
            out.close();
        }
    }
}
