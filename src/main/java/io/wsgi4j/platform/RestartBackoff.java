package io.wsgi4j.platform;

/**
 * When a supervisor starts a process again after one of its slot ended: at once, unless processes
 * keep dying young (an application that cannot load, a crash at start-up); then after 1, 2, 4, 8
 * and at most 10 seconds, so that a process that cannot start does not take the machine with its
 * attempts, and one that can is back soon after the cause is gone. The one back-off of wsgi4j's
 * supervisors: a daemon process group's slots and an embedded-mode control process's. Not
 * thread-safe: its owner's lock guards it.
 */
public final class RestartBackoff {
    /** A process that ends sooner than this after its start died young. */
    public static final long YOUNG_MILLIS = 2_000;
    /** The longest wait. */
    public static final long LONGEST_MILLIS = 10_000;

    private int inARow;

    /** A process of the slot ended after living {@code livedMillis}; returns the wait before the next start. */
    public long ended(long livedMillis) {
        if (livedMillis >= YOUNG_MILLIS) {
            inARow = 0;
            return 0;
        }
        return failed();
    }

    /** A start failed outright, or timed out: as a death in youth; returns the wait before the next start. */
    public long failed() {
        inARow++;
        return waitMillis();
    }

    /** The wait before the next start: none for the first young death in a row (a crash can come early). */
    public long waitMillis() {
        return inARow <= 1 ? 0 : Math.min(LONGEST_MILLIS, 1_000L << Math.min(inARow - 2, 10));
    }

    /** How many processes in a row died young or failed to start. */
    public int inARow() {
        return inARow;
    }

    /** A wait as the logs say it: "2 s". */
    public static String describe(long millis) {
        return millis % 1_000 == 0 ? millis / 1_000 + " s" : millis + " ms";
    }
}
