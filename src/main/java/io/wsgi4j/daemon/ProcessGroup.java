package io.wsgi4j.daemon;

import io.wsgi4j.config.ApplicationConfig;
import io.wsgi4j.config.DaemonConfig;
import io.wsgi4j.config.LogLevel;
import io.wsgi4j.log.ErrorLog;
import io.wsgi4j.python.PythonInterpreter;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * A daemon process group: starts {@code processes} Python workers, replaces those that die,
 * and lends their request threads' connections to requests, one request per connection.
 *
 * <p>The workers connect back to a UNIX socket in the server root and prove who they are
 * with a token they were given on stdin.
 */
public final class ProcessGroup implements AutoCloseable {
    private static final long RESTART_DELAY_MAX_MILLIS = 10_000;

    private final DaemonConfig config;
    private final ApplicationConfig application;
    private final PythonInterpreter python;
    private final Path runtime;
    private final Path socketPath;
    private final ErrorLog log;
    private final String token;
    private final WorkerProcess[] slots;
    private final int[] quickFailures;
    private final Map<Long, WorkerProcess> byPid = new ConcurrentHashMap<>();
    private final ChannelPool idle = new ChannelPool();
    private ServerSocketChannel listener;
    private volatile boolean stopping;

    /**
     * @param runtime    the directory the worker runtime was unpacked into
     * @param socketPath the UNIX socket the workers connect to
     */
    public ProcessGroup(DaemonConfig config, ApplicationConfig application, PythonInterpreter python, Path runtime,
                        Path socketPath, ErrorLog log) {
        this.config = config;
        this.application = application;
        this.python = python;
        this.runtime = runtime;
        this.socketPath = socketPath;
        this.log = log;
        byte[] secret = new byte[16];
        new SecureRandom().nextBytes(secret);
        this.token = HexFormat.of().formatHex(secret);
        this.slots = new WorkerProcess[config.processes()];
        this.quickFailures = new int[config.processes()];
    }

    public DaemonConfig config() {
        return config;
    }

    /** Opens the socket and starts every process; does not wait for them to be ready. */
    public void start() throws IOException {
        Files.deleteIfExists(socketPath);
        listener = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        listener.bind(UnixDomainSocketAddress.of(socketPath), 1024);
        Files.setPosixFilePermissions(socketPath, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        Thread.ofVirtual().name("wsgi4j-daemon-accept").start(this::acceptLoop);
        for (int slot = 0; slot < slots.length; slot++) {
            spawn(slot);
        }
    }

    /** Waits until every process has connected all its threads, up to {@code timeout}; true if they have. */
    public boolean awaitReady(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (idle.size() >= config.capacity()) {
                return true;
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
        }
        return false;
    }

    /** The pids of the running processes, by slot. */
    public List<Long> pids() {
        return java.util.Arrays.stream(slots).filter(w -> w != null).map(WorkerProcess::pid).toList();
    }

    /**
     * Borrows a free request thread's connection, waiting up to {@code timeout}.
     *
     * @return the connection, or null if none became free in time
     */
    WorkerChannel acquire(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            long left = deadline - System.nanoTime();
            WorkerChannel channel = idle.take(left);
            if (channel == null) {
                return null;
            }
            if (channel.usable()) {
                return channel;
            }
            discard(channel);
        }
    }

    /** Gives a connection back after a request that ended cleanly. */
    void release(WorkerChannel channel) {
        channel.carrying(null);
        if (channel.usable() && !stopping) {
            idle.put(channel);
        } else {
            discard(channel);
        }
    }

    /** Drops a connection whose state is unknown (the worker thread reconnects). */
    void discard(WorkerChannel channel) {
        channel.carrying(null);
        channel.worker().removeChannel(channel);
        idle.remove(channel);
        channel.close();
    }

    private void spawn(int slot) {
        if (stopping) {
            return;
        }
        try {
            Map<String, String> environment = python.environment();
            WorkerProcess worker = WorkerProcess.start(slot, WorkerRuntime.command(python.executable(), runtime),
                    environment, config.workingDirectory(), workerConfig(), log);
            synchronized (slots) {
                slots[slot] = worker;
            }
            byPid.put(worker.pid(), worker);
            log.log(LogLevel.INFO, "wsgi4j: started daemon process " + worker.pid() + " " + config.displayName()
                    + " (" + python.executable() + ", Python " + python.version() + ")");
            worker.onExit().whenComplete((p, e) -> Thread.ofVirtual().start(() -> exited(worker)));
        } catch (IOException e) {
            log.log(LogLevel.ERROR, "wsgi4j: cannot start a daemon process with " + python.executable() + ": "
                    + e.getMessage());
            scheduleRestart(slot);
        }
    }

    private void exited(WorkerProcess worker) {
        byPid.remove(worker.pid());
        List<String> inProgress = worker.requestsInProgress();
        worker.closeChannels();
        idle.removeAll(worker);
        if (stopping) {
            log.log(LogLevel.INFO, "wsgi4j: daemon process " + worker.pid() + " " + worker.exitDescription());
            worker.exitReported();
            return;
        }
        String requests = inProgress.isEmpty() ? "no request was in progress"
                : inProgress.size() + " request(s) in progress failed: " + String.join(", ", inProgress);
        log.log(LogLevel.ERROR, "wsgi4j: daemon process " + worker.pid() + " " + config.displayName() + " "
                + worker.exitDescription() + " after " + worker.uptimeMillis() + " ms; " + requests
                + "; starting a new process");
        worker.exitReported();
        int slot = worker.slot();
        if (worker.uptimeMillis() < 2000) {
            quickFailures[slot]++;
        } else {
            quickFailures[slot] = 0;
        }
        scheduleRestart(slot);
    }

    private void scheduleRestart(int slot) {
        int failures = quickFailures[slot];
        if (failures <= 1) {
            spawn(slot);
            return;
        }
        long delay = Math.min(RESTART_DELAY_MAX_MILLIS, 100L << Math.min(failures, 10));
        log.log(LogLevel.WARN, "wsgi4j: daemon process slot " + slot + " failed " + failures
                + " times in a row within 2 s of starting; next start in " + delay + " ms");
        Thread.ofVirtual().start(() -> {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(delay));
            spawn(slot);
        });
    }

    private String workerConfig() {
        StringBuilder paths = new StringBuilder("[");
        for (Path path : config.python().paths()) {
            if (paths.length() > 1) {
                paths.append(',');
            }
            paths.append(Json.string(path.toString()));
        }
        paths.append(']');
        return "{" + "\"socket\":" + Json.string(socketPath.toString())
                + ",\"token\":" + Json.string(token)
                + ",\"group\":" + Json.string(config.name())
                + ",\"display_name\":" + Json.string(config.displayName())
                + ",\"threads\":" + config.threads()
                + ",\"application_type\":" + Json.string(application.type().key())
                + ",\"entry_point\":" + Json.string(application.entryPoint())
                + ",\"callable_object\":" + Json.string(application.callableObject())
                + ",\"working_directory\":" + Json.string(config.workingDirectory().toString())
                + ",\"python_path\":" + paths + "}";
    }

    private void acceptLoop() {
        while (!stopping) {
            SocketChannel socket;
            try {
                socket = listener.accept();
            } catch (IOException e) {
                if (!stopping) {
                    log.log(LogLevel.ERROR, "wsgi4j: the daemon socket " + socketPath + " failed: " + e.getMessage());
                }
                return;
            }
            Thread.ofVirtual().start(() -> greet(socket));
        }
    }

    /** Reads a new connection's HELLO ("token pid thread") and puts it in the pool. */
    private void greet(SocketChannel socket) {
        try {
            ByteBuffer header = ByteBuffer.allocate(Frame.HEADER_SIZE);
            readFully(socket, header);
            int length = header.getInt(1);
            if (header.get(0) != Frame.HELLO || length <= 0 || length > 256) {
                throw new IOException("the first frame was not a HELLO");
            }
            ByteBuffer payload = ByteBuffer.allocate(length);
            readFully(socket, payload);
            String[] hello = new String(payload.array(), StandardCharsets.US_ASCII).split(" ");
            if (hello.length != 3 || !MessageDigest.isEqual(hello[0].getBytes(StandardCharsets.US_ASCII),
                    token.getBytes(StandardCharsets.US_ASCII))) {
                throw new IOException("wrong token");
            }
            WorkerProcess worker = byPid.get(Long.parseLong(hello[1]));
            if (worker == null || !worker.accepting()) {
                socket.close();
                return;
            }
            WorkerChannel channel = new WorkerChannel(socket, worker, Integer.parseInt(hello[2]));
            worker.addChannel(channel);
            if (stopping || !worker.accepting()) {
                discard(channel);
                return;
            }
            idle.put(channel);
        } catch (IOException | RuntimeException e) {
            log.log(LogLevel.WARN, "wsgi4j: refused a connection on the daemon socket: " + e.getMessage());
            try {
                socket.close();
            } catch (IOException ignored) {
                // already closed
            }
        }
    }

    private static void readFully(SocketChannel socket, ByteBuffer buffer) throws IOException {
        while (buffer.hasRemaining()) {
            if (socket.read(buffer) < 0) {
                throw new IOException("connection closed during HELLO");
            }
        }
        buffer.flip();
    }

    /** Stops the processes: SIGTERM, then SIGKILL after the shutdown timeout. */
    @Override
    public void close() {
        stopping = true;
        try {
            if (listener != null) {
                listener.close();
            }
        } catch (IOException e) {
            // closing anyway
        }
        List<WorkerProcess> workers;
        synchronized (slots) {
            workers = java.util.Arrays.stream(slots).filter(w -> w != null).toList();
        }
        workers.forEach(WorkerProcess::terminate);
        long deadline = System.nanoTime() + config.timeouts().shutdown().toNanos();
        for (WorkerProcess worker : workers) {
            long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
            if (!worker.awaitExit(Math.max(left, 0))) {
                log.log(LogLevel.WARN, "wsgi4j: daemon process " + worker.pid() + " did not exit within "
                        + config.timeouts().shutdown().toSeconds() + " s (--shutdown-timeout); killing it");
                worker.kill();
                worker.awaitExit(2000);
            }
            worker.closeChannels();
        }
        idle.clear();
        try {
            Files.deleteIfExists(socketPath);
        } catch (IOException e) {
            // left behind; removed at the next start
        }
    }
}
