package io.wsgi4j.mpm;

import io.wsgi4j.config.ServerModel;

/**
 * How many connections one server process holds at once, as each Apache MPM allows: prefork one (the
 * process is its single request thread, keep-alive included), worker one per request thread (each
 * connection holds a thread, keep-alive included), event up to --max-clients (idle keep-alive
 * connections hold no thread; only running requests do). A process at its quota stops accepting,
 * so the shared accept queue feeds the others.
 */
public final class ConnectionQuota {
    private ConnectionQuota() {
    }

    /** The connections a server process of this model holds at once. */
    public static int perServerProcess(ServerModel model, int maxClients) {
        return switch (model.mpm()) {
            case PREFORK -> 1;
            case WORKER -> Math.min(model.threads(), maxClients);
            case EVENT -> maxClients;
        };
    }
}
