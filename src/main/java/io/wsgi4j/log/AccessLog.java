package io.wsgi4j.log;

import io.wsgi4j.config.LogConfig;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.locks.ReentrantLock;
import org.eclipse.jetty.server.CustomRequestLog;
import org.eclipse.jetty.server.RequestLog;

/** The access log: Jetty's {@link CustomRequestLog} with an Apache {@code LogFormat}, written to a file or stdout. */
public final class AccessLog implements RequestLog.Writer, AutoCloseable {
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

    /** The Jetty request log writing here in the given Apache format. */
    public RequestLog requestLog(String apacheFormat) {
        return new CustomRequestLog(this, toJettyFormat(apacheFormat));
    }

    /**
     * Apache's "final status" modifier is Jetty's plain status; {@code %h} is the client address;
     * Apache's body sizes {@code %b} (CLF: "-" for none) and {@code %B} are Jetty's {@code %{CLF}O} and {@code %O};
     * {@code %l} (identd, which Apache never asks by default) is always "-".
     */
    static String toJettyFormat(String apacheFormat) {
        return apacheFormat.replace("%>s", "%s").replace("%<s", "%s").replace("%h", "%{client}a")
                .replace("%b", "%{CLF}O").replace("%B", "%O").replace("%l", "-");
    }

    @Override
    public void write(String entry) throws IOException {
        byte[] bytes = (entry + "\n").getBytes(StandardCharsets.UTF_8);
        lock.lock();
        try {
            out.write(bytes);
            out.flush();
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
