package io.wsgi4j.daemon;

import io.wsgi4j.config.LogLevel;
import io.wsgi4j.gateway.EnvironBuilder;
import io.wsgi4j.gateway.EnvironDefaults;
import io.wsgi4j.gateway.Exchange;
import io.wsgi4j.gateway.Gateway;
import io.wsgi4j.gateway.MarshalWriter;
import io.wsgi4j.gateway.ReceivedBody;
import io.wsgi4j.gateway.ResponseHead;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** Runs requests in a daemon process group: one request per worker thread, relayed frame by frame. */
public final class DaemonGateway implements Gateway {
    private static final byte[] NO_BYTES = new byte[0];

    private final ProcessGroup group;
    private final EnvironDefaults defaults;
    private final String serverName;

    /** What follows the environ in a REQUEST frame, and the flags that say what it is. */
    private record Inline(byte[] bytes, int length, int flags) {
    }

    /** How a relayed request left its connection. */
    private enum Outcome { REUSABLE, BROKEN }

    /** The client went away while the response was being written. */
    private static final class ClientGone extends Exception {
        ClientGone(IOException cause) {
            super(cause);
        }
    }

    public DaemonGateway(ProcessGroup group, EnvironDefaults defaults, String serverName) {
        this.group = group;
        this.defaults = defaults;
        this.serverName = serverName;
    }

    @Override
    public void serve(Exchange exchange) {
        try {
            serveOrFail(exchange);
        } finally {
            exchange.release();
        }
    }

    private void serveOrFail(Exchange exchange) {
        MarshalWriter frame;
        try {
            frame = requestFrame(exchange, exchange.receiveBody());
        } catch (Exchange.BodyException e) {
            exchange.log(e.level(), "wsgi4j: " + e.getMessage() + "; answered " + e.status());
            exchange.fail(e.status(), null);
            return;
        }

        WorkerChannel channel;
        while (true) {
            try {
                channel = group.acquire(exchange.describe(), exchange.id(), exchange.client());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                exchange.fail(503, "wsgi4j: interrupted while waiting for a daemon process thread");
                return;
            } catch (ChannelPool.Refused e) {
                refused(exchange, e.reason());
                return;
            }
            try {
                channel.sendPrepared(frame.array(), frame.size(), Frame.REQUEST);
                break;
            } catch (IOException e) {
                // The thread's process died or closed it before the request reached it: try another.
                group.finish(channel, WorkerProcess.Outcome.NOT_DELIVERED);
            }
        }
        WorkerProcess.Outcome outcome = WorkerProcess.Outcome.DROPPED;
        try {
            outcome = relay(exchange, channel) == Outcome.REUSABLE ? WorkerProcess.Outcome.COMPLETED
                    : WorkerProcess.Outcome.DROPPED;
        } catch (ClientGone e) {
            exchange.log(LogLevel.INFO, "wsgi4j: the client went away during the response ("
                    + e.getCause().getMessage() + "); the application was stopped");
            exchange.abort(e.getCause());
        } catch (IOException e) {
            Interruption interruption = channel.interruption();
            if (interruption != null) {
                interrupted(exchange, channel, interruption);
                outcome = WorkerProcess.Outcome.INTERRUPTED;
            } else {
                workerFailed(exchange, channel, e);
                outcome = WorkerProcess.Outcome.FAILED;
            }
        } catch (RuntimeException e) {
            // Jetty refusing the head (over 64 KiB of headers, say) ends up here too: one line, one 500.
            exchange.fail(500, "wsgi4j: the response to " + exchange.describe() + " could not be sent: " + e);
        } finally {
            group.finish(channel, outcome);
        }
    }

    /** No thread was free for the request: 503, with a hint of when to try again. */
    private void refused(Exchange exchange, ChannelPool.Refusal reason) {
        String name = "process group '" + group.config().name() + "'";
        String message = switch (reason) {
            case BACKLOG_FULL -> "wsgi4j: " + group.config().listenBacklog() + " requests are already waiting for a "
                    + "thread of " + name + " (--listen-backlog); " + exchange.describe() + " was answered 503 at once";
            case TIMED_OUT -> "wsgi4j: no thread of " + name + " became free within "
                    + group.config().timeouts().queue().toSeconds() + " s (--queue-timeout); " + exchange.describe()
                    + " was not run and was answered 503";
            case UNAVAILABLE -> "wsgi4j: " + name + " has no process able to serve (its processes are failing to "
                    + "start); " + exchange.describe() + " was answered 503";
        };
        exchange.fail(503, message, group.retryAfterSeconds());
    }

    /** The server cut the request: it ran past --request-timeout, or past --graceful-timeout while its process was replaced. */
    private void interrupted(Exchange exchange, WorkerChannel channel, Interruption interruption) {
        InFlight request = channel.carrying();
        String elapsed = request == null ? "?" : request.elapsed(System.nanoTime());
        String where = "thread " + channel.thread() + " of daemon process " + channel.worker().pid();
        String answer = exchange.isCommitted() ? "; response cut short"
                : "; answered " + interruption.status() + " " + (interruption == Interruption.TIMED_OUT
                ? "Gateway Timeout" : "Service Unavailable");
        String message = switch (interruption) {
            case TIMED_OUT -> "wsgi4j: " + exchange.describe() + " has run for " + elapsed + " s on " + where
                    + ", longer than --request-timeout " + group.config().timeouts().request().toSeconds() + " s"
                    + answer;
            case EVICTED -> "wsgi4j: " + exchange.describe() + " was still running on " + where + " "
                    + group.config().timeouts().graceful().toSeconds() + " s after its process began to be replaced "
                    + "(--graceful-timeout)" + answer;
        };
        exchange.fail(interruption.status(), message, interruption == Interruption.EVICTED ? 1 : 0);
    }

    /**
     * The REQUEST frame: the environ, then the body when the server has it whole (in memory: the
     * bytes; spooled: the file's path, which the worker reads itself); a deferred body follows
     * through READ frames.
     */
    private MarshalWriter requestFrame(Exchange exchange, ReceivedBody body) {
        Inline inline = switch (body) {
            case ReceivedBody.InMemory memory -> new Inline(memory.bytes(), memory.length(), Frame.FLAG_BODY_COMPLETE);
            case ReceivedBody.Spooled spooled -> {
                byte[] path = spooled.spool().path().toString().getBytes(StandardCharsets.UTF_8);
                yield new Inline(path, path.length, Frame.FLAG_BODY_SPOOLED);
            }
            case ReceivedBody.Deferred deferred -> new Inline(NO_BYTES, 0, 0);
        };
        MarshalWriter out = new MarshalWriter(2048 + inline.length());
        out.skip(Frame.HEADER_SIZE + Frame.REQUEST_PREFIX);
        // The request starts waiting for the application now that its body is here.
        EnvironBuilder.write(out, defaults, exchange.request(), exchange.path(), exchange.id(), serverName,
                EnvironBuilder.nowMicros());
        out.setByte(Frame.HEADER_SIZE, inline.flags());
        out.setInt32be(Frame.HEADER_SIZE + 1, out.size() - Frame.HEADER_SIZE - Frame.REQUEST_PREFIX);
        out.raw(inline.bytes(), 0, inline.length());
        return out;
    }

    private Outcome relay(Exchange exchange, WorkerChannel channel) throws IOException, ClientGone {
        FrameReader in = channel.reader();
        while (true) {
            int type = in.next();
            switch (type) {
                case Frame.START -> {
                    byte[] head = in.payload();
                    try {
                        exchange.start(ResponseHead.parse(head, 0, head.length));
                    } catch (ResponseHead.InvalidHeadException e) {
                        exchange.fail(500, "wsgi4j: the application's response cannot be sent: " + e.getMessage());
                        return Outcome.BROKEN;
                    }
                }
                case Frame.DATA -> {
                    while (in.remaining() > 0) {
                        ByteBuffer part = in.payloadPart();
                        boolean last = in.remaining() == 0 && in.endFrameBuffered();
                        write(exchange, part, last);
                    }
                }
                case Frame.READ -> {
                    byte[] payload = in.payload();
                    int max = ByteBuffer.wrap(payload).getInt();
                    try {
                        channel.send(Frame.BODY, exchange.readBody(Math.max(1, max)));
                    } catch (Exchange.BodyException e) {
                        exchange.log(e.level(), "wsgi4j: " + e.getMessage());
                        channel.send(Frame.BODY_ERROR, "wsgi4j: " + e.getMessage());
                    }
                }
                case Frame.FILE -> sendFile(exchange, channel, ByteBuffer.wrap(in.payload()));
                case Frame.END -> {
                    exchange.finish();
                    return Outcome.REUSABLE;
                }
                case Frame.ABORT -> {
                    in.payload();
                    exchange.fail(500, null);
                    return Outcome.REUSABLE;
                }
                default -> {
                    exchange.fail(502, "wsgi4j: daemon process " + channel.worker().pid()
                            + " sent an unexpected " + Frame.name(type) + " frame");
                    return Outcome.BROKEN;
                }
            }
        }
    }

    private static void write(Exchange exchange, ByteBuffer data, boolean last) throws ClientGone {
        try {
            exchange.write(data, last);
        } catch (IOException e) {
            throw new ClientGone(e);
        }
    }

    /**
     * Opens the worker's file through /proc, so that its bytes go from the file to the client
     * directly, and queues it: the worker thread is free once it has sent END, before the file is sent.
     */
    private static void sendFile(Exchange exchange, WorkerChannel channel, ByteBuffer request)
            throws IOException, ClientGone {
        int fd = request.getInt();
        long offset = request.getLong();
        long count = request.getLong();
        FileChannel file;
        try {
            file = FileChannel.open(Path.of("/proc", Long.toString(channel.worker().pid()), "fd", Integer.toString(fd)),
                    StandardOpenOption.READ);
        } catch (IOException | SecurityException e) {
            channel.send(Frame.FILE_ACK, ByteBuffer.wrap(new byte[]{0}));
            return;
        }
        try {
            channel.send(Frame.FILE_ACK, ByteBuffer.wrap(new byte[]{1}));
        } catch (IOException e) {
            file.close();
            throw e;
        }
        try {
            exchange.sendFile(file, offset, count);
        } catch (IOException e) {
            throw new ClientGone(e);
        }
    }

    private void workerFailed(Exchange exchange, WorkerChannel channel, IOException e) {
        WorkerProcess worker = channel.worker();
        worker.awaitExit(2000);
        String cause = worker.alive()
                ? "it closed the connection (" + e.getMessage() + ")"
                : worker.exitDescription();
        exchange.fail(502, "wsgi4j: daemon process " + worker.pid() + " " + group.config().displayName()
                + " failed while handling " + exchange.describe() + ": " + cause
                + (exchange.isCommitted() ? "; response cut short" : "; answered 502 Bad Gateway"));
    }
}
