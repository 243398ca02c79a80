package io.wsgi4j.daemon;

import io.wsgi4j.python.WorkerRuntime;
import io.wsgi4j.config.ApplicationConfig;
import io.wsgi4j.config.DaemonConfig;
import io.wsgi4j.config.LogLevel;
import io.wsgi4j.log.ErrorLog;
import io.wsgi4j.platform.ProcessSample;
import io.wsgi4j.platform.RestartBackoff;
import java.io.IOException;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * A daemon process group: starts {@code processes} Python workers, replaces those that die or
 * must be recycled, and lends their request threads' connections to requests, one request per
 * connection.
 *
 * <p>Each of the group's slots has one serving process; a replacement is started beside it and
 * takes over once it has loaded the application, so that the group never has no process able to
 * serve. The old process then drains: it takes no new requests, finishes its own within the
 * graceful timeout, is told to exit and is killed after the shutdown timeout. The periodic checks
 * (timeouts, limits, file changes) are the {@link Supervisor}'s.
 *
 * <p>The workers connect back to the group's {@link DaemonSocket} in the server root.
 */
public final class ProcessGroup implements AutoCloseable {
    /** One position in the group: its serving process and, while it is replaced, the one taking over. */
    private static final class Slot {
        final int index;
        WorkerProcess current;
        WorkerProcess successor;
        final RestartBackoff backoff = new RestartBackoff();
        boolean restartScheduled;
        long nextStartNanos;

        Slot(int index) {
            this.index = index;
        }
    }

    private final DaemonConfig config;
    private final ApplicationConfig application;
    private final WorkerLauncher launcher;
    private final ErrorLog log;
    private final DaemonSocket socket;
    private final Slot[] slots;
    private final Map<Long, WorkerProcess> byPid = new ConcurrentHashMap<>();
    private final ChannelPool idle;
    private final AtomicInteger acceptingProcesses = new AtomicInteger();
    private final Map<RecycleReason, AtomicLong> recycles = new EnumMap<>(RecycleReason.class);
    private final Supervisor supervisor;
    private final WorkerProcess.Listener notices = this::moduleChanged;

    // Guarded by this: slots, the draining set, the restart generation and the group's availability.
    private final Set<WorkerProcess> draining = new LinkedHashSet<>();
    private int generation;
    private RecycleReason rollingReason;
    private String rollingDetail;
    private boolean startFailing;

    private volatile boolean stopping;

    /**
     * @param launcher   starts the workers (Python processes)
     * @param socketPath the UNIX socket the workers connect to
     */
    public ProcessGroup(DaemonConfig config, ApplicationConfig application, WorkerLauncher launcher,
                        Path socketPath, ErrorLog log) {
        this.config = config;
        this.application = application;
        this.launcher = launcher;
        this.log = log;
        this.socket = new DaemonSocket(socketPath, log, this::connected);
        this.slots = new Slot[config.processes()];
        for (int i = 0; i < slots.length; i++) {
            slots[i] = new Slot(i);
        }
        this.idle = new ChannelPool(config.listenBacklog());
        for (RecycleReason reason : RecycleReason.values()) {
            recycles.put(reason, new AtomicLong());
        }
        this.supervisor = new Supervisor(this, config, application, log);
    }

    public DaemonConfig config() {
        return config;
    }

    /** Opens the socket and starts every process; does not wait for them to be ready. */
    public void start() throws IOException {
        socket.open();
        synchronized (this) {
            for (Slot slot : slots) {
                spawn(slot);
            }
        }
        supervisor.start();
    }

    /**
     * Waits until every slot has one process serving with all its threads connected and none
     * being replaced, up to {@code timeout}; true if so.
     */
    public boolean awaitReady(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (settled()) {
                return true;
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
        }
        return false;
    }

    private synchronized boolean settled() {
        for (Slot slot : slots) {
            WorkerProcess current = slot.current;
            if (current == null || slot.successor != null || !current.accepting() || current.retiring() != null
                    || current.connected() < config.threads()) {
                return false;
            }
        }
        return draining.isEmpty();
    }

    /** The pids of the serving processes, by slot. */
    public synchronized List<Long> pids() {
        return Arrays.stream(slots).map(s -> s.current).filter(w -> w != null).map(WorkerProcess::pid).toList();
    }

    /** Every live process with its counters, the requests waiting, and the replacements so far. */
    public GroupStatus status() {
        List<WorkerStatus> workers = new ArrayList<>();
        for (WorkerProcess w : byPid.values()) {
            ProcessSample sample = w.sample();
            workers.add(new WorkerStatus(w.slot(), w.pid(), w.state().name().toLowerCase(java.util.Locale.ROOT),
                    w.accepting(), w.retiring(), w.requests(), w.busy(), w.connected(),
                    sample == null ? 0 : sample.residentBytes(), sample == null ? Duration.ZERO : sample.cpuTime(),
                    Duration.ofMillis(w.uptimeMillis())));
        }
        workers.sort(java.util.Comparator.comparingInt(WorkerStatus::slot).thenComparingLong(WorkerStatus::pid));
        Map<RecycleReason, Long> counts = new EnumMap<>(RecycleReason.class);
        recycles.forEach((reason, count) -> counts.put(reason, count.get()));
        return new GroupStatus(config.name(), List.copyOf(workers), idle.waiting(), counts);
    }

    // -- requests -------------------------------------------------------------

    /**
     * Borrows a free request thread's connection and starts the request on it, waiting up to the
     * queue timeout.
     *
     * @throws ChannelPool.Refused when the wait queue is full, the wait timed out, or no process can serve
     */
    WorkerChannel acquire(String description, String id, String client)
            throws InterruptedException, ChannelPool.Refused {
        Duration queueTimeout = config.timeouts().queue();
        long deadline = queueTimeout.isZero() ? Long.MAX_VALUE : System.nanoTime() + queueTimeout.toNanos();
        long quota = config.recycling().maximumRequests();
        while (true) {
            long left = deadline == Long.MAX_VALUE ? Long.MAX_VALUE : deadline - System.nanoTime();
            WorkerChannel channel = idle.take(left);
            if (!channel.isOpen()) {
                forget(channel);
                continue;
            }
            WorkerProcess worker = channel.worker();
            // Past its quota, a process serves on only while it is the last one serving (not for run_once).
            boolean mayExceed = !config.runOnce() && acceptingProcesses.get() <= 1;
            InFlight request = new InFlight(description, id, client, System.nanoTime());
            WorkerProcess.Begin begun = worker.begin(channel, request, quota, mayExceed);
            if (begun == WorkerProcess.Begin.REFUSED) {
                // Not pooled again: the process is being replaced, or another request got the thread.
                continue;
            }
            if (begun == WorkerProcess.Begin.BEGUN_LAST) {
                retire(worker, RecycleReason.MAXIMUM_REQUESTS, "has taken " + quota + " requests (--maximum-requests "
                        + quota + ")");
            }
            return channel;
        }
    }

    /** The request on {@code channel} is over; the connection goes back to the pool or is dropped. */
    void finish(WorkerChannel channel, WorkerProcess.Outcome outcome) {
        WorkerProcess worker = channel.worker();
        worker.end(channel, outcome);
        if (outcome == WorkerProcess.Outcome.COMPLETED && channel.isOpen()) {
            if (worker.accepting() && !stopping) {
                idle.put(channel);
            } else {
                // A draining process keeps its idle connections, unpooled, until it exits.
                supervisor.wake();
            }
            return;
        }
        forget(channel);
        if (!worker.accepting()) {
            supervisor.wake();
        }
    }

    /** Drops a connection (the worker thread reconnects if its process still serves). */
    private void forget(WorkerChannel channel) {
        channel.worker().removeChannel(channel);
        idle.remove(channel);
        channel.close();
    }

    /** How long a refused client should wait before trying again, in seconds. */
    synchronized long retryAfterSeconds() {
        long now = System.nanoTime();
        long soonest = Long.MAX_VALUE;
        for (Slot slot : slots) {
            if (slot.restartScheduled) {
                soonest = Math.min(soonest, slot.nextStartNanos - now);
            }
        }
        if (soonest == Long.MAX_VALUE || soonest <= 0) {
            return 1;
        }
        return Math.max(1, TimeUnit.NANOSECONDS.toSeconds(soonest) + 1);
    }

    // -- replacing processes ------------------------------------------------------

    /**
     * Starts replacing a serving process: its successor is started at once; the process itself
     * stops taking requests now if another process serves, else once its successor is ready.
     *
     * @return false if it is already being replaced, or is not serving
     */
    boolean retire(WorkerProcess worker, RecycleReason reason, String detail) {
        synchronized (this) {
            Slot slot = slots[worker.slot()];
            if (stopping || worker.retiring() != null || worker.state() != WorkerProcess.State.READY
                    || slot.current != worker) {
                return false;
            }
            worker.retire(reason, detail);
            recycles.get(reason).incrementAndGet();
            log.log(LogLevel.INFO, "wsgi4j: " + launcher.kind() + " " + worker.pid() + " " + config.displayName() + " " + detail
                    + "; starting a process to replace it");
            if (slot.successor == null && !slot.restartScheduled) {
                spawn(slot);
            }
            if (config.runOnce() || othersAccepting(worker)) {
                stopAccepting(worker);
            }
        }
        supervisor.wake();
        return true;
    }

    /**
     * Restarts every process of the group, one at a time, each replaced only once its successor
     * has loaded the application: mod_wsgi's graceful restart, with no request refused.
     */
    public void restartAll(RecycleReason reason, String detail) {
        synchronized (this) {
            if (stopping) {
                return;
            }
            generation++;
            rollingReason = reason;
            rollingDetail = detail;
            log.log(LogLevel.NOTICE, "wsgi4j: restarting the processes of " + config.displayName()
                    + " one at a time: " + detail);
            advanceRolling();
        }
    }

    /**
     * Replaces the next process of an older generation, once no replacement is under way: a new
     * version that fails to start stops the restart there, with the other processes still serving.
     */
    private void advanceRolling() {
        for (Slot slot : slots) {
            if (slot.successor != null || slot.restartScheduled) {
                return;
            }
        }
        for (Slot slot : slots) {
            WorkerProcess current = slot.current;
            if (current != null && current.generation() < generation && current.retiring() == null
                    && current.state() == WorkerProcess.State.READY) {
                retire(current, rollingReason, "is restarted (" + rollingDetail + ")");
                return;
            }
        }
    }

    /** A worker saw a module of the application change (--reload-on-changes). */
    private void moduleChanged(WorkerProcess worker, String path) {
        synchronized (this) {
            // A process started since the last restart loaded the new code already.
            if (worker.generation() < generation || worker.retiring() != null) {
                return;
            }
        }
        restartAll(RecycleReason.MODULE_CHANGED, path + " changed (--reload-on-changes)");
    }

    /** The application's script changed (mod_wsgi's script reloading). */
    void scriptChanged(Path script) {
        restartAll(RecycleReason.SCRIPT_CHANGED, "the WSGI script " + script + " changed");
    }

    private boolean othersAccepting(WorkerProcess worker) {
        for (WorkerProcess other : byPid.values()) {
            if (other != worker && other.accepting()) {
                return true;
            }
        }
        return false;
    }

    private void stopAccepting(WorkerProcess worker) {
        if (worker.stopAccepting()) {
            acceptingProcesses.decrementAndGet();
        }
        idle.removeAll(worker);
        supervisor.wake();
    }

    /** A process's first thread connected: it has loaded the application and may serve. */
    private void ready(WorkerProcess worker) {
        synchronized (this) {
            if (!worker.markReady()) {
                return;
            }
            acceptingProcesses.incrementAndGet();
            startFailing = false;
            idle.unavailable(false);
            Slot slot = slots[worker.slot()];
            if (slot.successor == worker) {
                WorkerProcess old = slot.current;
                slot.current = worker;
                slot.successor = null;
                if (old != null) {
                    old.replacedBy(worker.pid());
                    draining.add(old);
                    stopAccepting(old);
                }
            }
            // Any process kept serving only because it was the last one can now stop.
            for (WorkerProcess other : byPid.values()) {
                if (other != worker && other.retiring() != null && other.accepting()) {
                    stopAccepting(other);
                }
            }
            log.log(LogLevel.INFO, "wsgi4j: " + launcher.kind() + " " + worker.pid() + " " + config.displayName()
                    + " loaded the application in " + worker.uptimeMillis() + " ms and is serving");
            advanceRolling();
        }
        supervisor.wake();
    }

    /** Marks the group unable to serve when no process serves and none is starting successfully. */
    private void updateAvailability() {
        if (startFailing && acceptingProcesses.get() == 0) {
            idle.unavailable(true);
        }
    }

    /** A process did not load the application within --startup-timeout: its stack is logged and it is killed. */
    void startupTimedOut(WorkerProcess worker) {
        long seconds = config.timeouts().startup().toSeconds();
        worker.startupTimedOut(true);
        log.log(LogLevel.ERROR, "wsgi4j: " + launcher.kind() + " " + worker.pid() + " " + config.displayName()
                + " is still importing the application after " + seconds + " s (--startup-timeout " + seconds
                + "); its Python stacks follow, then it is killed and started again");
        worker.dumpStacks();
        synchronized (this) {
            startFailing = true;
            updateAvailability();
        }
        worker.kill("as it was still importing the application after --startup-timeout " + seconds + " s");
    }

    /** Requests ran past --request-timeout: the process's stacks are logged and it is replaced. */
    void requestsTimedOut(WorkerProcess worker, List<InFlight> requests) {
        long seconds = config.timeouts().request().toSeconds();
        long now = System.nanoTime();
        List<String> described = requests.stream().map(r -> r + " (" + r.elapsed(now) + " s)").toList();
        log.log(LogLevel.ERROR, "wsgi4j: " + launcher.kind() + " " + worker.pid() + " " + config.displayName() + ": "
                + String.join(", ", described) + " ran longer than --request-timeout " + seconds
                + " s; the Python stacks of its threads follow, then it is replaced");
        worker.dumpStacks();
        retire(worker, RecycleReason.REQUEST_TIMEOUT, "had a request running longer than --request-timeout "
                + seconds + " s");
    }

    /** Every live process, for the supervisor. */
    List<WorkerProcess> workers() {
        return List.copyOf(byPid.values());
    }

    boolean stopping() {
        return stopping;
    }

    // -- starting and losing processes --------------------------------------------

    /** Starts a process for the slot: its serving process, or the successor of a process being replaced. */
    private void spawn(Slot slot) {
        if (stopping) {
            return;
        }
        slot.restartScheduled = false;
        WorkerProcess current = slot.current;
        boolean successor = current != null;
        if (successor && slot.successor != null) {
            return;
        }
        try {
            WorkerProcess worker = WorkerProcess.start(slot.index, generation, launcher,
                    WorkerRuntime.configLine(config, application, socket.path(), socket.token()), log, notices);
            byPid.put(worker.pid(), worker);
            if (successor) {
                slot.successor = worker;
            } else {
                slot.current = worker;
            }
            log.log(LogLevel.INFO, "wsgi4j: started " + launcher.kind() + " " + worker.pid() + " "
                    + config.displayName() + " (" + launcher.describe() + ")"
                    + (successor ? " to replace process " + current.pid() : ""));
            worker.onExit().whenComplete((p, e) -> Thread.ofVirtual().start(() -> exited(worker)));
        } catch (IOException e) {
            log.log(LogLevel.ERROR, "wsgi4j: cannot start a " + launcher.kind() + " (" + launcher.describe() + "): "
                    + e.getMessage());
            slot.backoff.failed();
            scheduleRestart(slot);
        }
    }

    private void exited(WorkerProcess worker) {
        boolean wasAccepting = worker.accepting();
        worker.markExited();
        if (wasAccepting) {
            acceptingProcesses.decrementAndGet();
        }
        idle.removeAll(worker);
        worker.closeChannels();
        // The requests it was running see their connections close and end; the exit line names those that failed.
        worker.awaitIdle(3000);
        byPid.remove(worker.pid());
        synchronized (this) {
            Slot slot = slots[worker.slot()];
            boolean wasSuccessor = slot.successor == worker;
            if (slot.current == worker) {
                slot.current = null;
            } else if (wasSuccessor) {
                slot.successor = null;
            }
            draining.remove(worker);
            if (stopping) {
                log.log(LogLevel.INFO, "wsgi4j: " + launcher.kind() + " " + worker.pid() + " " + worker.exitDescription());
                return;
            }
            if (worker.retiring() != null) {
                long replacement = worker.replacedBy() != 0 ? worker.replacedBy()
                        : slot.successor != null ? slot.successor.pid() : 0;
                log.log(LogLevel.NOTICE, ExitLines.replaced(worker, config.displayName(), replacement));
            } else {
                lost(slot, worker, wasSuccessor);
            }
            updateAvailability();
            advanceRolling();
        }
        supervisor.wake();
    }

    /** A process died, or was killed at start-up: log it, and start another unless a successor takes over. */
    private void lost(Slot slot, WorkerProcess worker, boolean wasSuccessor) {
        long wait = worker.startupTimedOut() ? slot.backoff.failed() : slot.backoff.ended(worker.uptimeMillis());
        if (slot.backoff.inARow() > 1) {
            startFailing = true;
        }
        boolean replacing = !wasSuccessor && slot.successor != null;
        String next = replacing ? "process " + slot.successor.pid() + " takes over"
                : wait == 0 ? "starting a new process"
                : "next start in " + RestartBackoff.describe(wait);
        long replaced = wasSuccessor && slot.current != null ? slot.current.pid() : 0;
        log.log(LogLevel.ERROR, ExitLines.lost(worker, config.displayName(), replaced, next));
        if (!replacing) {
            scheduleRestart(slot);
        }
    }

    private void scheduleRestart(Slot slot) {
        long delay = slot.backoff.waitMillis();
        if (delay == 0) {
            spawn(slot);
            return;
        }
        slot.restartScheduled = true;
        slot.nextStartNanos = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(delay);
        log.log(LogLevel.WARN, "wsgi4j: daemon process slot " + slot.index + " failed " + slot.backoff.inARow()
                + " times in a row; next start in " + RestartBackoff.describe(delay));
        Thread.ofVirtual().start(() -> {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(delay));
            synchronized (this) {
                spawn(slot);
            }
        });
    }

    // -- the daemon socket ----------------------------------------------------------

    /** A thread of a daemon process connected: its process may now serve, and the connection joins the pool. */
    private void connected(SocketChannel socket, long pid, int thread) throws IOException {
        WorkerProcess worker = byPid.get(pid);
        WorkerProcess.State state = worker == null ? WorkerProcess.State.EXITED : worker.state();
        if (stopping || state == WorkerProcess.State.STOPPING || state == WorkerProcess.State.EXITED) {
            socket.close();
            return;
        }
        WorkerChannel channel = new WorkerChannel(socket, worker, thread);
        worker.addChannel(channel);
        if (state == WorkerProcess.State.STARTING) {
            ready(worker);
        }
        // A draining process's reconnected thread stays connected, idle, outside the pool.
        if (worker.accepting()) {
            idle.put(channel);
        }
    }

    /** Stops the processes: SIGTERM, then SIGKILL after the shutdown timeout. */
    @Override
    public void close() {
        stopping = true;
        supervisor.stop();
        idle.unavailable(true);
        socket.close();
        List<WorkerProcess> workers = workers();
        workers.forEach(WorkerProcess::terminate);
        long deadline = System.nanoTime() + config.timeouts().shutdown().toNanos();
        for (WorkerProcess worker : workers) {
            long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
            if (!worker.awaitExit(Math.max(left, 0))) {
                log.log(LogLevel.WARN, "wsgi4j: " + launcher.kind() + " " + worker.pid() + " did not exit within "
                        + config.timeouts().shutdown().toSeconds() + " s (--shutdown-timeout); killing it");
                worker.kill(null);
                worker.awaitExit(2000);
            }
            worker.closeChannels();
        }
        idle.clear();
    }
}
