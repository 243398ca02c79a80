package io.wsgi4j.log;

import java.util.function.Supplier;

/**
 * The client whose bytes the current thread is parsing, for the lines Jetty logs while it parses: its
 * parser warns about some malformed heads (two Host headers, a bad port) quoting the client's bytes but
 * not naming the client, which {@link JettyLogBridge} then adds as other request lines have it.
 *
 * <p>A scoped value: bound for the length of one parse, on the thread that parses, and gone after it
 * whatever happens.
 */
public final class ParsingClient {
    private static final ScopedValue<Supplier<String>> CLIENT = ScopedValue.newInstance();

    private ParsingClient() {
    }

    /**
     * Runs the action with this client as the current thread's.
     *
     * @param client gives the client's {@code ip:port}; asked only if a line is logged
     */
    public static void run(Supplier<String> client, Runnable action) {
        ScopedValue.where(CLIENT, client).run(action);
    }

    /** The client of the parse this thread is in, or null. */
    static String current() {
        return CLIENT.isBound() ? CLIENT.get().get() : null;
    }
}
