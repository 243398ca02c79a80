package io.wsgi4j.gateway;

/**
 * A request body as the server holds it when the application is called. Its {@link #flags} say
 * which it is to the worker runtime (protocol.py's FLAG_BODY_COMPLETE and FLAG_BODY_SPOOLED).
 */
public sealed interface ReceivedBody {
    /** The whole body is given with the request. */
    int FLAG_BODY_COMPLETE = 1;
    /** The path of a file holding the whole body is given with the request; the server deletes it. */
    int FLAG_BODY_SPOOLED = 2;

    /** The flags gateway.serve() is given for this body (neither: read as the application reads). */
    default int flags() {
        return switch (this) {
            case InMemory memory -> FLAG_BODY_COMPLETE;
            case Spooled spooled -> FLAG_BODY_SPOOLED;
            case Deferred deferred -> 0;
        };
    }

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
