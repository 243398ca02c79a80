package io.wsgi4j.daemon;

import io.wsgi4j.config.LogLevel;
import io.wsgi4j.log.ErrorLog;
import io.wsgi4j.platform.ProcessSample;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One daemon process of a group: a running Python worker, its connections, what it is doing and
 * where it is in its life (starting, serving, being replaced, stopping).
 *
 * <p>Request bookkeeping ({@link #begin}, {@link #end}) is synchronized on the process, so that the
 * requests it was running when it died, or when it was replaced, are known exactly.
 */
final class WorkerProcess {
    /** Where a process is in its life. */
    enum State { STARTING, READY, STOPPING, EXITED }

    /** What became of a request a thread of this process took. */
    enum Outcome {
        /** The response came back whole (or the application failed cleanly and was answered 500). */
        COMPLETED,
        /** The client went away, or the worker broke the protocol: the connection was dropped. */
        DROPPED,
        /** The process died or closed the connection while running it. */
        FAILED,
        /** The server cut it (--request-timeout, or past --graceful-timeout while being replaced). */
        INTERRUPTED,
        /** It never reached the process: it is tried on another thread. */
        NOT_DELIVERED
    }

    /** Whether a thread took a request. */
    enum Begin { REFUSED, BEGUN, BEGUN_LAST }

    /** Receives what a worker announces on its log pipe besides log records. */
    interface Listener {
        /** A module the application loaded has changed (--reload-on-changes). */
        void moduleChanged(WorkerProcess worker, String path);
    }

    private final int slot;
    private final int generation;
    private final WorkerHost process;
    private final OutputStream lifeline;
    private final ErrorLog log;
    private final long startedNanos = System.nanoTime();
    private final List<WorkerChannel> channels = new CopyOnWriteArrayList<>();

    // Guarded by this.
    private State state = State.STARTING;
    private boolean accepting;
    private long requests;
    private int busy;
    private long lastActivityNanos = startedNanos;
    private long readyNanos;
    private long stoppedAcceptingNanos;
    private long terminatedNanos;
    private final List<String> failed = new ArrayList<>();
    private final List<String> interrupted = new ArrayList<>();

    // Set by the group's supervisor, read by whoever reports the exit.
    private volatile RecycleReason retiring;
    private volatile String retiringDetail;
    private volatile long replacedBy;
    private volatile String killedBecause;
    private volatile boolean startupTimedOut;
    private volatile boolean dumping;
    private volatile ProcessSample sample;
    private volatile long sampledNanos;
    private WorkerOutput output;

    private WorkerProcess(int slot, int generation, WorkerHost process, ErrorLog log) {
        this.slot = slot;
        this.generation = generation;
        this.process = process;
        this.lifeline = process.lifeline();
        this.log = log;
    }

    /**
     * Starts a worker and hands it its configuration.
     *
     * @param generation which restart of the group it belongs to
     * @param config     the worker's configuration, one JSON line
     */
    static WorkerProcess start(int slot, int generation, WorkerLauncher launcher, String config, ErrorLog log,
                               Listener listener) throws IOException {
        WorkerHost process = launcher.launch(config);
        WorkerProcess worker = new WorkerProcess(slot, generation, process, log);
        worker.output = WorkerOutput.read(process, log, path -> listener.moduleChanged(worker, path));
        try {
            worker.lifeline.write((config + "\n").getBytes(StandardCharsets.UTF_8));
            worker.lifeline.flush();
        } catch (IOException e) {
            // It died at once; its exit is reported like any other.
        }
        return worker;
    }

    int slot() {
        return slot;
    }

    int generation() {
        return generation;
    }

    long pid() {
        return process.pid();
    }

    /** How long the process has been running, in milliseconds. */
    long uptimeMillis() {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startedNanos);
    }

    long startedNanos() {
        return startedNanos;
    }

    CompletableFuture<?> onExit() {
        return process.onExit();
    }

    boolean alive() {
        return process.isAlive();
    }

    /** How the process ended ("killed by signal 9 (SIGKILL)"), or "still running". */
    String exitDescription() {
        return process.exitDescription();
    }

    /** Waits up to {@code millis} for the process to end; true if it has. */
    boolean awaitExit(long millis) {
        try {
            return process.waitFor(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    // -- life ---------------------------------------------------------------

    synchronized State state() {
        return state;
    }

    /** Whether new requests may be given to it. */
    synchronized boolean accepting() {
        return accepting && process.isAlive();
    }

    /** It has loaded the application (a thread connected): it may take requests. Returns false if it could not. */
    synchronized boolean markReady() {
        if (state != State.STARTING) {
            return false;
        }
        state = State.READY;
        accepting = true;
        readyNanos = System.nanoTime();
        lastActivityNanos = readyNanos;
        return true;
    }

    /** It takes no new requests from now on; returns false if it was not taking any. */
    synchronized boolean stopAccepting() {
        if (!accepting) {
            return false;
        }
        accepting = false;
        stoppedAcceptingNanos = System.nanoTime();
        return true;
    }

    /** Whether it was told to take no more requests and has not been told to exit yet. */
    synchronized boolean draining() {
        return state == State.READY && !accepting && stoppedAcceptingNanos != 0;
    }

    synchronized long readyNanos() {
        return readyNanos;
    }

    synchronized long stoppedAcceptingNanos() {
        return stoppedAcceptingNanos;
    }

    synchronized long terminatedNanos() {
        return terminatedNanos;
    }

    /** Stops it taking requests and asks it to exit (SIGTERM to its process group). */
    void terminate() {
        synchronized (this) {
            accepting = false;
            if (state == State.EXITED) {
                return;
            }
            if (state != State.STOPPING) {
                state = State.STOPPING;
                terminatedNanos = System.nanoTime();
            }
        }
        // Once: a second SIGTERM arriving while Python finalizes would kill it by the default action.
        process.terminate();
    }

    /** Kills it and anything it started (SIGKILL to its process group); {@code why} goes in its exit line. */
    void kill(String why) {
        synchronized (this) {
            accepting = false;
            if (state != State.EXITED) {
                state = State.STOPPING;
            }
        }
        if (why != null && killedBecause == null) {
            killedBecause = why;
        }
        process.kill();
    }

    /** The process has gone: nothing more is given to it. */
    synchronized void markExited() {
        state = State.EXITED;
        accepting = false;
        notifyAll();
    }

    // -- requests -----------------------------------------------------------

    /**
     * A thread of this process takes a request, unless the process no longer accepts requests or
     * has served its quota (then the caller tries another thread).
     *
     * @param quota           the most requests it serves (--maximum-requests), 0 for no limit
     * @param mayExceedQuota  whether it serves on past its quota, being the only process left serving
     * @return {@link Begin#BEGUN_LAST} for the request that reaches the quota
     */
    synchronized Begin begin(WorkerChannel channel, InFlight request, long quota, boolean mayExceedQuota) {
        if (!accepting || channel.carrying() != null || !channel.isOpen()) {
            return Begin.REFUSED;
        }
        if (quota > 0 && requests >= quota && !mayExceedQuota) {
            return Begin.REFUSED;
        }
        requests++;
        busy++;
        lastActivityNanos = request.startNanos();
        channel.carry(request);
        return quota > 0 && requests == quota ? Begin.BEGUN_LAST : Begin.BEGUN;
    }

    /** The request on this channel is over. */
    synchronized void end(WorkerChannel channel, Outcome outcome) {
        InFlight request = channel.carrying();
        if (request == null) {
            return;
        }
        channel.carry(null);
        busy--;
        lastActivityNanos = System.nanoTime();
        switch (outcome) {
            case FAILED -> failed.add(request.toString());
            case INTERRUPTED -> interrupted.add(request + " (" + describe(channel.interruption()) + ")");
            case NOT_DELIVERED -> requests--;
            default -> {
            }
        }
        notifyAll();
    }

    /** Waits up to {@code millis} until no request is running on it. */
    synchronized void awaitIdle(long millis) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        try {
            while (busy > 0) {
                long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                if (left <= 0) {
                    return;
                }
                wait(left);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    synchronized long requests() {
        return requests;
    }

    synchronized int busy() {
        return busy;
    }

    synchronized long lastActivityNanos() {
        return lastActivityNanos;
    }

    private static String describe(Interruption interruption) {
        return interruption == Interruption.TIMED_OUT ? "504 after --request-timeout"
                : "503 after --graceful-timeout";
    }

    /** The requests the server cut, each with the status it got and why. */
    synchronized List<String> interruptedRequests() {
        return List.copyOf(interrupted);
    }

    /** The requests that failed because the process died or closed their connection. */
    synchronized List<String> failedRequests() {
        return List.copyOf(failed);
    }

    // -- connections --------------------------------------------------------

    void addChannel(WorkerChannel channel) {
        channels.add(channel);
    }

    void removeChannel(WorkerChannel channel) {
        channels.remove(channel);
    }

    List<WorkerChannel> channels() {
        return channels;
    }

    /** How many of its threads are connected. */
    int connected() {
        return (int) channels.stream().filter(WorkerChannel::isOpen).count();
    }

    /** Closes every connection to it. */
    void closeChannels() {
        channels.forEach(WorkerChannel::close);
    }

    // -- what the supervisor noted --------------------------------------------

    RecycleReason retiring() {
        return retiring;
    }

    String retiringDetail() {
        return retiringDetail;
    }

    void retire(RecycleReason reason, String detail) {
        retiringDetail = detail;
        retiring = reason;
    }

    long replacedBy() {
        return replacedBy;
    }

    void replacedBy(long pid) {
        replacedBy = pid;
    }

    /** Why the server killed it, or null if it did not. */
    String killedBecause() {
        return killedBecause;
    }

    boolean startupTimedOut() {
        return startupTimedOut;
    }

    void startupTimedOut(boolean value) {
        startupTimedOut = value;
    }

    /** Claims the one stack dump a stuck process gets; false if one was already claimed. */
    synchronized boolean claimDump() {
        if (dumping) {
            return false;
        }
        dumping = true;
        return true;
    }

    ProcessSample sample() {
        return sample;
    }

    long sampledNanos() {
        return sampledNanos;
    }

    /** Reads its memory and CPU time from /proc now. */
    ProcessSample resample() {
        ProcessSample now = ProcessSample.of(pid()).orElse(sample);
        sample = now;
        sampledNanos = System.nanoTime();
        return now;
    }

    /**
     * Has the process write the Python stack of each of its threads to the error log, each tagged
     * with the request that thread runs: SIGUSR2 to the worker's own handler, which needs the GIL;
     * if it does not answer in time (a C extension holding the GIL), SIGQUIT to faulthandler,
     * which dumps without it. Returns once the stacks are written or the wait is over.
     */
    void dumpStacks() {
        CompletableFuture<Void> done = output.expectStacks();
        if (!process.requestStacks()) {
            return;
        }
        try {
            done.get(2, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            log.log(LogLevel.WARN, "wsgi4j: daemon process " + pid() + " did not write its Python stacks within 2 s "
                    + "(a C extension holding the GIL?); asking faulthandler for them");
            process.forceStacks();
            try {
                Thread.sleep(500);
            } catch (InterruptedException interrupted) {
                Thread.currentThread().interrupt();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException e) {
            // never completed exceptionally
        }
    }
}
