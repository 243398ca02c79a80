package io.wsgi4j.http;

import io.wsgi4j.testing.Http;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;

/**
 * A client that sends its bytes a few at a time on its own connection (a slowloris, or a slow
 * network) while it waits for the answer, and notes when things happened.
 */
final class SlowClient implements AutoCloseable {
    private final Http.Connection connection;
    private final Thread sender;
    private volatile long firstByteNanos;
    private volatile long answeredNanos;
    private volatile int sent;

    private SlowClient(Http.Connection connection, byte[] bytes, int piece, Duration pause) {
        this.connection = connection;
        sender = Thread.ofVirtual().name("slow-client").start(() -> send(bytes, piece, pause));
    }

    /** Connects and starts sending {@code text}, {@code piece} bytes every {@code pause}, until it ends or the server closes. */
    static SlowClient start(int port, String text, int piece, Duration pause) throws IOException {
        return new SlowClient(new Http.Connection(port), text.getBytes(StandardCharsets.ISO_8859_1), piece, pause);
    }

    /** Starts sending {@code text} as {@link #start} does, on a connection already open. */
    static SlowClient on(Http.Connection connection, String text, int piece, Duration pause) {
        return new SlowClient(connection, text.getBytes(StandardCharsets.ISO_8859_1), piece, pause);
    }

    private void send(byte[] bytes, int piece, Duration pause) {
        try {
            for (int at = 0; at < bytes.length; at += piece) {
                if (at > 0) {
                    Thread.sleep(pause);
                }
                if (answeredNanos != 0) {
                    return;
                }
                byte[] part = Arrays.copyOfRange(bytes, at, Math.min(bytes.length, at + piece));
                if (at == 0) {
                    firstByteNanos = System.nanoTime();
                }
                connection.send(part);
                sent += part.length;
            }
        } catch (IOException | InterruptedException closed) {
            // the server has closed the connection, or the test is over
        }
    }

    /** Reads one response (waiting as long as it takes) and notes when it came. */
    Http.Response response() throws IOException {
        Http.Response response = connection.read();
        answeredNanos = System.nanoTime();
        return response;
    }

    /** The time from the first byte sent to the response read. */
    Duration answeredAfter() {
        return Duration.ofNanos(answeredNanos - firstByteNanos);
    }

    /** When the first byte went out, in {@link System#nanoTime()}. */
    long firstByteNanos() {
        return firstByteNanos;
    }

    /** When the response was read, in {@link System#nanoTime()}. */
    long answeredNanos() {
        return answeredNanos;
    }

    /** How many bytes have been sent. */
    int sent() {
        return sent;
    }

    /** Waits for every byte to be sent (or the sending to stop). */
    void awaitSent() throws InterruptedException {
        sender.join();
    }

    /** The client's port, which the error log names. */
    int localPort() {
        return connection.socket().getLocalPort();
    }

    /** Whether the server closes the connection within {@code millis}. */
    boolean closedByServer(int millis) throws IOException {
        return connection.closedByServer(millis);
    }

    @Override
    public void close() throws IOException {
        sender.interrupt();
        connection.close();
    }
}
