package io.wsgi4j.mpm;

import io.wsgi4j.config.ServerConfig;
import io.wsgi4j.gateway.Gateway;
import io.wsgi4j.http.Listener;
import io.wsgi4j.platform.Libc;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * What makes a JVM one of the control process's server processes: its slot, the listening socket
 * inherited as descriptor 0, the link to the control process (its notices; its lifeline), its
 * scoreboard, and the connection quota of its MPM.
 */
public final class ChildRole implements AutoCloseable {
    /** The descriptor a server process finds the error log file at, when there is one (not the terminal). */
    public static final int ERROR_LOG_FD = 4;
    /** The descriptor a server process finds the access log file at, when there is one (not stdout). */
    public static final int ACCESS_LOG_FD = 5;

    private final int slot;
    private final ControlLink link;
    private final StandardStreams streams;
    private final Scoreboard scoreboard;
    private final int quota;
    private final ConnectionCounter counter;

    private ChildRole(int slot, ControlLink link, StandardStreams streams, Scoreboard scoreboard, int quota,
                      long maximumConnections) {
        this.slot = slot;
        this.link = link;
        this.streams = streams;
        this.scoreboard = scoreboard;
        this.quota = quota;
        this.counter = new ConnectionCounter(maximumConnections, count -> link.send(ControlLink.RETIRING
                + ": it has served " + count + " connections (--maximum-requests " + maximumConnections + ")"));
    }

    /** The slot this JVM serves, if the control process started it as a server process. */
    public static Optional<Integer> slotFromEnvironment() {
        String value = System.getenv(ChildJvm.SLOT_VARIABLE);
        if (value == null || value.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(Integer.parseInt(value));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    /**
     * Takes up the role: the inherited descriptors (made close-on-exec, so that nothing the
     * application starts holds them), and the scoreboard the control process made.
     */
    public static ChildRole take(int slot, ServerConfig config) throws IOException {
        ControlLink link = ControlLink.inherited();
        if (config.logging().errorLogFile().isPresent()) {
            Libc.fcntl(ERROR_LOG_FD, Libc.F_SETFD, Libc.FD_CLOEXEC);
        }
        if (config.logging().accessLog() && config.logging().accessLogFile().isPresent()) {
            Libc.fcntl(ACCESS_LOG_FD, Libc.F_SETFD, Libc.FD_CLOEXEC);
        }
        StandardStreams streams = StandardStreams.save();
        int quota = ConnectionQuota.perServerProcess(config.model(), config.http().maxClients());
        String file = System.getenv(ChildJvm.SCOREBOARD_VARIABLE);
        if (file == null || file.isEmpty()) {
            throw new IOException("no scoreboard was given (" + ChildJvm.SCOREBOARD_VARIABLE + ")");
        }
        Scoreboard scoreboard = Scoreboard.attach(Path.of(file));
        return new ChildRole(slot, link, streams, scoreboard, quota, config.daemon().recycling().maximumRequests());
    }

    public int slot() {
        return slot;
    }

    /** The inherited socket, the MPM's quota, connections counted for --maximum-requests, stdout and stderr kept. */
    public Listener listener() {
        return new Listener(true, quota, List.of(counter), streams::restore);
    }

    /** The gateway, its requests recorded in the scoreboard. */
    public Gateway recorded(Gateway gateway) {
        return new ScoreboardGateway(gateway, scoreboard);
    }

    /** Tells the control process that this process serves. */
    public void ready() {
        link.send(ControlLink.READY);
    }

    /**
     * Runs {@code controlGone} when the control process has gone (the link's end of stream), on a
     * platform thread of its own: the read blocks in native code.
     */
    public void watchControl(Runnable controlGone) {
        Thread.ofPlatform().daemon().name("wsgi4j-control-link").start(() -> {
            while (link.receive().isPresent()) {
                // the control process sends nothing yet; its end of stream is what counts
            }
            controlGone.run();
        });
    }

    /** Nothing to release: the control process removes the scoreboard once this process has gone. */
    @Override
    public void close() throws IOException {
    }
}
