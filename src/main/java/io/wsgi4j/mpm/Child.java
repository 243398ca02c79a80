package io.wsgi4j.mpm;

/**
 * One server process as the control process knows it. Its flags change only under the control
 * process's lock.
 */
final class Child {
    final long pid;
    final int slot;
    final ControlLink link;
    final Scoreboard.Record scoreboard;
    final long startedNanos = System.nanoTime();
    /** It has said "ready": it accepts connections. */
    boolean ready;
    /** The control process asked it to stop (SIGTERM): its exit is expected. */
    boolean stopRequested;
    /** Why it is being replaced, once a successor is starting. */
    String retiring;

    Child(long pid, int slot, ControlLink link, Scoreboard.Record scoreboard) {
        this.pid = pid;
        this.slot = slot;
        this.link = link;
        this.scoreboard = scoreboard;
    }

    /** "server process 1234 (slot 1)", for log lines. */
    String name() {
        return "server process " + pid + " (slot " + slot + ")";
    }

    /** How long ago it was started. */
    long ageMillis() {
        return (System.nanoTime() - startedNanos) / 1_000_000;
    }
}
