package io.wsgi4j.gateway;

/** A request body as the server holds it when the application is called. */
public sealed interface ReceivedBody {
    /** The whole body, in memory: {@code length} bytes of {@code bytes}. */
    record InMemory(byte[] bytes, int length) implements ReceivedBody {
    }

    /** The whole body, in a spool file that the exchange deletes when it ends. */
    record Spooled(BodySpool spool) implements ReceivedBody {
    }

    /** Not received yet: the application reads it as it runs ({@code Expect: 100-continue}). */
    record Deferred() implements ReceivedBody {
    }
}
