package io.wsgi4j.daemon;

import io.wsgi4j.config.ApplicationConfig;
import io.wsgi4j.config.ApplicationType;
import io.wsgi4j.config.DaemonConfig;
import io.wsgi4j.config.LogLevel;
import io.wsgi4j.config.RecyclePolicy;
import io.wsgi4j.log.ErrorLog;
import io.wsgi4j.platform.ProcessSample;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The process group's periodic checks, ten times a second on one thread: requests past the
 * request timeout, processes past the start-up timeout, the recycling limits, draining processes
 * past the graceful and shutdown timeouts, and changes to the WSGI script.
 *
 * <p>Anything that waits (a stack dump) runs on a thread of its own, so that one stuck process
 * never delays the checks of the others.
 */
final class Supervisor {
    private static final long TICK_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
    private static final long SAMPLE_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final ProcessGroup group;
    private final DaemonConfig config;
    private final ErrorLog log;
    private final Path script;
    private FileTime scriptTime;
    private long scriptCheckedNanos;
    private volatile Thread thread;
    private volatile boolean stopped;

    Supervisor(ProcessGroup group, DaemonConfig config, ApplicationConfig application, ErrorLog log) {
        this.group = group;
        this.config = config;
        this.log = log;
        this.script = application.type() == ApplicationType.SCRIPT ? Path.of(application.entryPoint()) : null;
    }

    void start() {
        scriptTime = modified(script);
        thread = Thread.ofPlatform().daemon().name("wsgi4j-daemon-supervisor").start(this::run);
    }

    /** Runs the checks soon: something changed (a process drained, a request ended). */
    void wake() {
        Thread t = thread;
        if (t != null) {
            LockSupport.unpark(t);
        }
    }

    void stop() {
        stopped = true;
        wake();
    }

    private void run() {
        while (!stopped && !group.stopping()) {
            try {
                check(System.nanoTime());
            } catch (RuntimeException e) {
                log.log(LogLevel.ERROR, "wsgi4j: the daemon supervisor failed a check: " + e);
            }
            LockSupport.parkNanos(TICK_NANOS);
        }
    }

    private void check(long now) {
        for (WorkerProcess worker : group.workers()) {
            if (!worker.alive()) {
                continue; // its exit is being handled
            }
            switch (worker.state()) {
                case STARTING -> checkStartup(worker, now);
                case READY -> {
                    sample(worker, now);
                    checkRequests(worker, now);
                    if (worker.accepting() && worker.retiring() == null) {
                        checkLimits(worker, now);
                    }
                    if (worker.draining()) {
                        drain(worker, now);
                    }
                }
                case STOPPING -> checkShutdown(worker, now);
                case EXITED -> {
                }
            }
        }
        checkScript(now);
    }

    private void checkStartup(WorkerProcess worker, long now) {
        long limit = config.timeouts().startup().toNanos();
        if (limit > 0 && now - worker.startedNanos() > limit && !worker.startupTimedOut() && worker.claimDump()) {
            Thread.ofVirtual().name("wsgi4j-startup-timeout-" + worker.pid()).start(() -> group.startupTimedOut(worker));
        }
    }

    private void sample(WorkerProcess worker, long now) {
        if (now - worker.sampledNanos() >= SAMPLE_NANOS) {
            worker.resample();
        }
    }

    private void checkRequests(WorkerProcess worker, long now) {
        long limit = config.timeouts().request().toNanos();
        if (limit <= 0) {
            return;
        }
        List<InFlight> late = new ArrayList<>();
        for (WorkerChannel channel : worker.channels()) {
            InFlight request = channel.carrying();
            if (request != null && now - request.startNanos() > limit && channel.interruption() == null) {
                late.add(request);
                channel.interrupt(Interruption.TIMED_OUT);
            }
        }
        if (!late.isEmpty() && worker.claimDump()) {
            Thread.ofVirtual().name("wsgi4j-request-timeout-" + worker.pid())
                    .start(() -> group.requestsTimedOut(worker, late));
        }
    }

    private void checkLimits(WorkerProcess worker, long now) {
        RecyclePolicy policy = config.recycling();
        long interval = policy.restartInterval().toNanos();
        if (interval > 0 && now - worker.readyNanos() > interval) {
            group.retire(worker, RecycleReason.RESTART_INTERVAL, "has run for " + policy.restartInterval().toSeconds()
                    + " s (--restart-interval " + policy.restartInterval().toSeconds() + ")");
            return;
        }
        long inactivity = policy.inactivityTimeout().toNanos();
        if (inactivity > 0 && worker.busy() == 0 && now - worker.lastActivityNanos() > inactivity) {
            group.retire(worker, RecycleReason.INACTIVITY_TIMEOUT, "has had no request for "
                    + policy.inactivityTimeout().toSeconds() + " s (--inactivity-timeout "
                    + policy.inactivityTimeout().toSeconds() + ")");
            return;
        }
        ProcessSample sample = worker.sample();
        if (sample == null) {
            return;
        }
        if (!policy.cpuTimeLimit().isZero() && sample.cpuTime().compareTo(policy.cpuTimeLimit()) >= 0) {
            group.retire(worker, RecycleReason.CPU_TIME_LIMIT, "has used " + sample.cpuTime().toMillis() / 1000.0
                    + " s of CPU time (--cpu-time-limit " + policy.cpuTimeLimit().toSeconds() + ")");
            return;
        }
        if (policy.memoryLimit() > 0 && sample.residentBytes() > policy.memoryLimit()) {
            group.retire(worker, RecycleReason.MEMORY_LIMIT, "uses " + mebibytes(sample.residentBytes())
                    + " of memory, more than --memory-limit " + mebibytes(policy.memoryLimit()));
        }
    }

    private static String mebibytes(long bytes) {
        return String.format(java.util.Locale.ROOT, "%.1f MiB", bytes / 1048576.0);
    }

    /** A process that takes no more requests: told to exit once idle, or once the graceful timeout is over. */
    private void drain(WorkerProcess worker, long now) {
        if (worker.busy() == 0) {
            worker.terminate();
            return;
        }
        long graceful = config.timeouts().graceful().toNanos();
        if (now - worker.stoppedAcceptingNanos() > graceful) {
            for (WorkerChannel channel : worker.channels()) {
                if (channel.carrying() != null) {
                    channel.interrupt(Interruption.EVICTED);
                }
            }
            worker.terminate();
        }
    }

    private void checkShutdown(WorkerProcess worker, long now) {
        long limit = config.timeouts().shutdown().toNanos();
        if (worker.terminatedNanos() != 0 && now - worker.terminatedNanos() > limit && worker.killedBecause() == null) {
            worker.kill("as it was still running " + config.timeouts().shutdown().toSeconds()
                    + " s after it was told to exit (--shutdown-timeout)");
        }
    }

    /** mod_wsgi's script reloading: a new modification time on the WSGI script restarts the group. */
    private void checkScript(long now) {
        if (script == null || now - scriptCheckedNanos < SAMPLE_NANOS) {
            return;
        }
        scriptCheckedNanos = now;
        FileTime time = modified(script);
        if (time != null && !time.equals(scriptTime)) {
            scriptTime = time;
            group.scriptChanged(script);
        }
    }

    private static FileTime modified(Path file) {
        if (file == null) {
            return null;
        }
        try {
            return Files.getLastModifiedTime(file);
        } catch (IOException e) {
            return null;
        }
    }
}
