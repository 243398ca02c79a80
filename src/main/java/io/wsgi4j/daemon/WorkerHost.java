package io.wsgi4j.daemon;

import java.io.InputStream;
import java.io.OutputStream;
import java.util.concurrent.CompletableFuture;

/** A daemon process as its group sees it. */
public interface WorkerHost {
    /** The process id its threads greet the server with. */
    long pid();

    /** Its log records and notices (wsgi4j_worker/log.py's format), until it ends. */
    InputStream output();

    /** Where its configuration line is written; closing it tells the worker the server has gone. */
    OutputStream lifeline();

    /** Completes when it has ended. */
    CompletableFuture<?> onExit();

    boolean isAlive();

    /** How it ended ("killed by signal 9 (SIGKILL)"), or "still running". */
    String exitDescription();

    /** Waits up to {@code millis} for it to end; true if it has. */
    boolean waitFor(long millis) throws InterruptedException;

    /** Asks it to exit, once. */
    void terminate();

    /** Ends it now, and anything it started. */
    void kill();

    /** Asks it to write every thread's Python stack to its output; false if it cannot be asked. */
    boolean requestStacks();

    /** Asks for the stacks by a way that needs no GIL (faulthandler), when {@link #requestStacks} got no answer. */
    void forceStacks();
}
