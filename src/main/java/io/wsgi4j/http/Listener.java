package io.wsgi4j.http;

import java.util.List;
import org.eclipse.jetty.io.Connection;

/**
 * Where the HTTP tier's connections come from and how many it holds at once.
 *
 * @param inherited       accept on the listening socket inherited as descriptor 0 (a server process
 *                        of several) instead of binding --host/--port
 * @param connectionLimit connections held at once; past it the connector stops accepting and new
 *                        connections wait in the kernel's listen queue
 * @param connectionEvents told of every connection opened and closed (a server process counts them)
 * @param afterClose      run once the connector has closed its listening socket
 */
public record Listener(boolean inherited, int connectionLimit, List<Connection.Listener> connectionEvents,
                       Runnable afterClose) {

    public Listener {
        connectionEvents = List.copyOf(connectionEvents);
    }

    /** A listener binding the configured address itself, holding up to {@code maxClients} connections. */
    public static Listener bound(int maxClients) {
        return new Listener(false, maxClients, List.of(), () -> { });
    }
}
