package io.wsgi4j.mpm;

import io.wsgi4j.platform.Libc;
import io.wsgi4j.config.LogLevel;
import io.wsgi4j.log.ErrorLog;
import io.wsgi4j.platform.Posix;
import io.wsgi4j.platform.RestartBackoff;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Embedded mode's control process, Apache's parent: it never loads Python and never serves HTTP.
 * It keeps one server process in each of its slots, all accepting on the one listening socket,
 * and replaces them: at once when one dies (logging what it was running, from its scoreboard),
 * successor first when one retires (--maximum-requests) or on a graceful restart, and it stops
 * them all, gracefully, when it is stopped.
 *
 * <p>Every state change happens under this object's lock, on the threads that learn of it: a
 * platform thread per server process reads its notices and then reaps it (both block in native code).
 */
public final class ControlProcess {
    private final Spawner spawner;
    private final ClassDataArchive archive;
    private final ErrorLog log;
    private final Path crashDirectory;
    private final Duration graceful;
    private final Duration shutdown;
    private final ServerSlot[] slots;
    private final Set<Child> alive = new LinkedHashSet<>();
    private boolean starting = true;
    private boolean stopping;
    private String startFailure;

    /**
     * @param processes  how many server processes serve at once
     * @param crashDirectory where a crashing server process writes its hs_err file
     * @param graceful   how long a stopping server process may take to finish its requests
     * @param shutdown   how much longer it may take before it is killed
     */
    public ControlProcess(int processes, Spawner spawner, ClassDataArchive archive, ErrorLog log, Path crashDirectory,
                          Duration graceful, Duration shutdown) {
        this.spawner = spawner;
        this.archive = archive;
        this.log = log;
        this.crashDirectory = crashDirectory;
        this.graceful = graceful;
        this.shutdown = shutdown;
        this.slots = new ServerSlot[processes];
        for (int i = 0; i < processes; i++) {
            slots[i] = new ServerSlot(i);
        }
    }

    /**
     * Starts a server process in every slot and waits until all of them serve, or until
     * {@code timeout} (those still starting go on: connections wait in the listen queue meanwhile).
     *
     * @throws IOException if one could not be started or exited before it was ready; those started are stopped
     */
    public synchronized void start(Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            for (ServerSlot slot : slots) {
                slot.current = spawn(slot);
            }
            while (startFailure == null && !allReady()) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    log.log(LogLevel.WARN, "wsgi4j: not every server process was ready within "
                            + timeout.toSeconds() + " s; those still starting serve when they are");
                    break;
                }
                waitNanos(left);
            }
            if (startFailure != null) {
                throw new IOException(startFailure);
            }
        } catch (IOException e) {
            stopAll();
            throw e;
        } finally {
            starting = false;
        }
    }

    private boolean allReady() {
        for (ServerSlot slot : slots) {
            if (slot.current == null || !slot.current.ready) {
                return false;
            }
        }
        return true;
    }

    /** The pids of the server processes alive now (serving, starting or finishing their requests). */
    public synchronized List<Long> pids() {
        return alive.stream().map(c -> c.pid).toList();
    }

    /**
     * Replaces every server process, one slot at a time, each only once its successor is ready
     * (SIGUSR1, SIGHUP, a changed WSGI script). Returns at once; the restart goes on by itself.
     */
    public void restartAll(String why) {
        Thread.ofVirtual().name("wsgi4j-graceful-restart").start(() -> {
            log.log(LogLevel.NOTICE, "wsgi4j: graceful restart (" + why + "): replacing the " + slots.length
                    + " server process" + (slots.length == 1 ? "" : "es") + " one at a time");
            for (ServerSlot slot : slots) {
                synchronized (this) {
                    if (stopping) {
                        return;
                    }
                    replace(slot, why);
                    while (slot.successor != null && !stopping) {
                        waitNanos(Long.MAX_VALUE);
                    }
                }
            }
        });
    }

    /**
     * Stops every server process gracefully (SIGTERM: it stops accepting and finishes its requests
     * within --graceful-timeout), kills those still running --shutdown-timeout later, and returns
     * when all have exited.
     */
    public void stop() {
        synchronized (this) {
            stopping = true;
            notifyAll();
        }
        stopAll();
    }

    private synchronized void stopAll() {
        stopping = true;
        for (Child child : alive) {
            child.stopRequested = true;
            Posix.kill(child.pid, Posix.SIGTERM);
        }
        long deadline = System.nanoTime() + graceful.plus(shutdown).toNanos();
        while (!alive.isEmpty() && System.nanoTime() < deadline) {
            waitNanos(deadline - System.nanoTime());
        }
        for (Child child : alive) {
            log.log(LogLevel.WARN, "wsgi4j: " + child.name() + " did not stop within --graceful-timeout "
                    + graceful.toSeconds() + " s and --shutdown-timeout " + shutdown.toSeconds() + " s: killing it");
            Posix.kill(child.pid, Posix.SIGKILL);
        }
        long killed = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (!alive.isEmpty() && System.nanoTime() < killed) {
            waitNanos(killed - System.nanoTime());
        }
    }

    /** Waits on this object's lock for up to {@code nanos}; an interrupt only ends the wait early. */
    private void waitNanos(long nanos) {
        try {
            long millis = Math.max(1, Math.min(nanos / 1_000_000, 60_000));
            wait(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // -- under the lock ---------------------------------------------------

    private Child spawn(ServerSlot slot) throws IOException {
        Spawner.Spawned spawned = spawner.spawn(slot.number);
        Child child = new Child(spawned.pid(), slot.number, spawned.link(), spawned.scoreboard());
        alive.add(child);
        Thread.ofPlatform().daemon().name("wsgi4j-server-process-" + child.pid).start(() -> watch(child));
        return child;
    }

    /** Starts a successor for the slot's server process, which goes on serving until the successor is ready. */
    private void replace(ServerSlot slot, String why) {
        Child old = slot.current;
        if (stopping || old == null || slot.successor != null || old.retiring != null) {
            return;
        }
        old.retiring = why;
        try {
            slot.successor = spawn(slot);
            log.log(LogLevel.NOTICE, "wsgi4j: " + old.name() + " is being replaced (" + why + "); its successor is "
                    + slot.successor.name());
        } catch (IOException e) {
            old.retiring = null;
            log.log(LogLevel.ERROR, "wsgi4j: cannot start a successor for " + old.name() + ": " + e.getMessage());
        }
    }

    /** The successor is ready: it serves in the slot, and its predecessor stops accepting and finishes its requests. */
    private void takeOver(ServerSlot slot) {
        Child old = slot.current;
        Child next = slot.successor;
        slot.current = next;
        slot.successor = null;
        if (old != null) {
            old.stopRequested = true;
            Posix.kill(old.pid, Posix.SIGTERM);
            log.log(LogLevel.NOTICE, "wsgi4j: " + next.name() + " is ready; " + old.name()
                    + " stops accepting and finishes its requests (up to " + graceful.toSeconds() + " s)");
            Thread.ofVirtual().name("wsgi4j-stop-" + old.pid).start(() -> killIfStillRunning(old));
        }
    }

    private void killIfStillRunning(Child old) {
        try {
            Thread.sleep(graceful.plus(shutdown).plusSeconds(1));
        } catch (InterruptedException e) {
            return;
        }
        synchronized (this) {
            if (alive.contains(old)) {
                log.log(LogLevel.WARN, "wsgi4j: " + old.name() + " did not stop within --graceful-timeout "
                        + graceful.toSeconds() + " s and --shutdown-timeout " + shutdown.toSeconds() + " s: killing it");
                Posix.kill(old.pid, Posix.SIGKILL);
            }
        }
    }

    // -- what the server processes tell -------------------------------------

    /** On the process's own platform thread: its notices until its link closes, then its exit. */
    private void watch(Child child) {
        Optional<String> line;
        while ((line = child.link.receive()).isPresent()) {
            notice(child, line.get());
        }
        WaitStatus status;
        try {
            status = WaitStatus.of(Libc.waitpid((int) child.pid));
        } catch (Libc.LibcException e) {
            status = new WaitStatus(-1, 0);
        }
        child.link.close();
        exited(child, status);
    }

    private synchronized void notice(Child child, String line) {
        ServerSlot slot = slots[child.slot];
        if (line.equals(ControlLink.READY)) {
            child.ready = true;
            if (slot.successor == child) {
                takeOver(slot);
            }
            notifyAll();
        } else if (line.startsWith(ControlLink.RETIRING)) {
            String why = line.substring(ControlLink.RETIRING.length()).replaceFirst("^:\\s*", "");
            if (slot.current == child) {
                replace(slot, why);
            }
        }
    }

    private synchronized void exited(Child child, WaitStatus status) {
        alive.remove(child);
        archive.exited(child.pid, !status.signalled() && status.exitCode() == 0);
        ServerSlot slot = slots[child.slot];
        List<String> running = scoreboard(child);
        Path hsErr = ChildJvm.errorFile(crashDirectory, child.pid);
        // Asked to stop, it exits 0; one still starting has no SIGTERM handler yet and dies of it.
        boolean expected = (stopping || child.stopRequested)
                && (status.signalled() ? status.signal() == Posix.SIGTERM : status.exitCode() == 0);
        if (expected) {
            log.log(LogLevel.INFO, "wsgi4j: " + child.name() + " " + status.describe()
                    + (child.retiring != null ? " (replaced: " + child.retiring + ")" : ""));
        } else {
            StringBuilder line = new StringBuilder("wsgi4j: ").append(child.name()).append(' ')
                    .append(status.describe()).append(String.format(" after %.1f s", child.ageMillis() / 1000.0));
            if (Files.exists(hsErr)) {
                line.append("; fatal error report ").append(hsErr);
            }
            line.append(running.isEmpty() ? "; no request in flight"
                    : "; requests in flight: " + String.join(", ", running.stream().map(r -> "[" + r + "]").toList()));
            if (!child.ready) {
                line.append("; it never became ready");
            }
            log.log(LogLevel.ERROR, line.toString());
        }
        if (starting && !child.ready && startFailure == null) {
            startFailure = "server process " + child.pid + " " + status.describe() + " before it was ready"
                    + " (its messages are in the error log)";
        }
        if (slot.successor == child) {
            // A successor that failed: the old process goes on serving; try again after the back-off.
            slot.successor = null;
            String why = slot.current == null ? null : slot.current.retiring;
            if (slot.current != null) {
                slot.current.retiring = null;
            }
            later(slot.backoff.ended(child.ageMillis()), () -> {
                if (slot.current != null && why != null) {
                    replace(slot, why);
                }
            });
        } else if (slot.current == child) {
            slot.current = null;
            if (slot.successor != null) {
                slot.current = slot.successor;
                slot.successor = null;
            } else if (!stopping && !starting) {
                long delay = slot.backoff.ended(child.ageMillis());
                if (delay == 0) {
                    respawn(slot);
                } else {
                    log.log(LogLevel.WARN, "wsgi4j: slot " + slot.number + ": server processes keep dying within "
                            + RestartBackoff.describe(RestartBackoff.YOUNG_MILLIS) + " of starting; the next starts in "
                            + RestartBackoff.describe(delay));
                    later(delay, () -> respawn(slot));
                }
            }
        }
        notifyAll();
    }

    private void respawn(ServerSlot slot) {
        if (stopping || slot.current != null) {
            return;
        }
        try {
            slot.current = spawn(slot);
        } catch (IOException e) {
            long delay = Math.max(slot.backoff.failed(), 1_000);
            log.log(LogLevel.ERROR, "wsgi4j: cannot start a server process in slot " + slot.number + ": "
                    + e.getMessage() + "; trying again in " + RestartBackoff.describe(delay));
            later(delay, () -> respawn(slot));
        }
    }

    /** Runs {@code action} under the lock after {@code millis}, unless the control process is stopping by then. */
    private void later(long millis, Runnable action) {
        Thread.ofVirtual().name("wsgi4j-control-later").start(() -> {
            try {
                Thread.sleep(millis);
            } catch (InterruptedException e) {
                return;
            }
            synchronized (this) {
                if (!stopping) {
                    action.run();
                }
            }
        });
    }

    /** The requests the dead process's scoreboard shows running; the scoreboard is removed. */
    private List<String> scoreboard(Child child) {
        try (Scoreboard.Record scoreboard = child.scoreboard) {
            List<String> running = new ArrayList<>(scoreboard.running());
            return running;
        } catch (IOException e) {
            return List.of("(its scoreboard could not be read: " + e.getMessage() + ")");
        }
    }
}
