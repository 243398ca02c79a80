package io.wsgi4j.mpm;

import io.wsgi4j.platform.RestartBackoff;

/**
 * One of the --processes places of the control process: the server process serving in it and,
 * while it is being replaced, its successor. Guarded by the control process's lock.
 */
final class ServerSlot {
    final int number;
    /** Serving (or, at the start and after a death, starting); null while a replacement waits out its delay. */
    Child current;
    /** Starting to take over from {@link #current}. */
    Child successor;
    /** When the next server process of this slot starts, after one ended. */
    final RestartBackoff backoff = new RestartBackoff();

    ServerSlot(int number) {
        this.number = number;
    }

    boolean holds(Child child) {
        return current == child || successor == child;
    }
}
