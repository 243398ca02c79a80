package io.wsgi4j.embedded;

import io.wsgi4j.config.DaemonConfig;
import io.wsgi4j.gateway.EnvironBuilder;
import io.wsgi4j.gateway.EnvironDefaults;
import io.wsgi4j.gateway.Exchange;
import io.wsgi4j.gateway.Gateway;
import io.wsgi4j.gateway.MarshalWriter;
import io.wsgi4j.gateway.ReceivedBody;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs requests in the interpreter inside this server process, on the thread that serves the
 * request: it takes the GIL with its own thread state, turns the environ into a dict, calls the
 * runtime's gateway ({@code embedded.serve}), and applies the response it was given. At most
 * {@code --threads} requests run Python at once; one that waits longer than {@code --queue-timeout}
 * for its turn, or finds {@code --listen-backlog} requests waiting already, gets 503 without running.
 */
public final class EmbeddedGateway implements Gateway {
    private final EmbeddedInterpreter python;
    private final EnvironDefaults defaults;
    private final String serverName;
    private final DaemonConfig limits;
    private final Semaphore running;
    private final Dispatch dispatch;
    private final AtomicInteger waiting = new AtomicInteger();
    /** Each thread's native copy of the environ it passes to Python, grown as needed. */
    private final ThreadLocal<MemorySegment> scratch = ThreadLocal.withInitial(() -> Arena.ofAuto().allocate(4096));

    /**
     * @param limits       the group's threads (how many requests run Python at once), queue timeout and listen backlog
     * @param onSelectors  run a request on the selector thread that read it when nothing is to be waited for but
     *                     Python (the worker and prefork MPMs: each connection has a request thread of its own)
     */
    public EmbeddedGateway(EmbeddedInterpreter python, EnvironDefaults defaults, String serverName,
                           DaemonConfig limits, boolean onSelectors) {
        this.python = python;
        this.defaults = defaults;
        this.serverName = serverName;
        this.limits = limits;
        this.running = new Semaphore(limits.threads(), true);
        this.dispatch = onSelectors ? Dispatch.SELECTOR_THREAD : Dispatch.READING_THREAD;
    }

    /** Python runs on the calling thread: a platform thread, never a virtual one. */
    @Override
    public Dispatch dispatch() {
        return dispatch;
    }

    /**
     * On the selector thread that read the request: served here if it has no body to receive or to
     * read as it runs, and a turn at Python is free at once; what does not fit the response buffer is
     * then spooled rather than waited for (the selector would have to complete that wait itself).
     */
    @Override
    public boolean serveWithoutWaiting(Exchange exchange) {
        if (exchange.bodyToReceive() || exchange.bodyReadAsItRuns() || Thread.currentThread().isVirtual()
                || !running.tryAcquire()) {
            return false;
        }
        exchange.mayNotWait();
        try {
            try {
                run(exchange, exchange.receiveBody());
            } catch (Exchange.BodyException e) {
                exchange.log(e.level(), "wsgi4j: " + e.getMessage() + "; answered " + e.status());
                exchange.fail(e.status(), null);
            }
        } finally {
            running.release();
            exchange.release();
        }
        return true;
    }

    @Override
    public long threadStackSize() {
        return EmbeddedInterpreter.THREAD_STACK;
    }

    @Override
    public void threadEnded() {
        python.threadEnded();
    }

    @Override
    public void serve(Exchange exchange) {
        if (Thread.currentThread().isVirtual()) {
            throw new IllegalStateException("Python is never called from a virtual thread");
        }
        try {
            serveOrFail(exchange);
        } finally {
            exchange.release();
        }
    }

    private void serveOrFail(Exchange exchange) {
        ReceivedBody body;
        try {
            body = exchange.receiveBody();
        } catch (Exchange.BodyException e) {
            exchange.log(e.level(), "wsgi4j: " + e.getMessage() + "; answered " + e.status());
            exchange.fail(e.status(), null);
            return;
        }
        if (!takeTurn(exchange)) {
            return;
        }
        try {
            run(exchange, body);
        } finally {
            running.release();
        }
    }

    /** Runs the request, holding a turn at Python. */
    private void run(Exchange exchange, ReceivedBody body) {
        MarshalWriter environ = new MarshalWriter(2048);
        EnvironBuilder.write(environ, defaults, exchange.request(), exchange.path(), exchange.id(), serverName,
                EnvironBuilder.nowMicros());
        Call call = new Call(exchange);
        run(call, environ, body);
        call.finish();
    }

    /** Waits for one of the --threads turns at Python; false (503 sent) when there is none in time. */
    private boolean takeTurn(Exchange exchange) {
        if (running.tryAcquire()) {
            return true;
        }
        String name = "the embedded interpreter";
        if (waiting.incrementAndGet() > limits.listenBacklog()) {
            waiting.decrementAndGet();
            exchange.fail(503, "wsgi4j: " + limits.listenBacklog() + " requests are already waiting for a thread of "
                    + name + " (--listen-backlog); " + exchange.describe() + " was answered 503 at once", 1);
            return false;
        }
        try {
            if (running.tryAcquire(limits.timeouts().queue().toNanos(), TimeUnit.NANOSECONDS)) {
                return true;
            }
            exchange.fail(503, "wsgi4j: no thread of " + name + " became free within "
                    + limits.timeouts().queue().toSeconds() + " s (--queue-timeout); " + exchange.describe()
                    + " was not run and was answered 503", 1);
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            exchange.fail(503, "wsgi4j: interrupted while waiting for a thread of " + name);
            return false;
        } finally {
            waiting.decrementAndGet();
        }
    }

    /** Calls {@code embedded.serve(environ, flags, body, thread)} holding the GIL, the request's upcalls going to {@code call}. */
    private void run(Call call, MarshalWriter environ, ReceivedBody body) {
        LibPython lib = python.lib();
        MemorySegment bytes = nativeCopy(environ);
        EmbeddedInterpreter.PythonThread thread = python.enter();
        Transport.begin(call);
        try {
            MemorySegment dict = lib.marshalRead(bytes, environ.size());
            if (dict.address() == 0) {
                lib.printError();
                call.internalError("the request's environ could not be given to Python");
                return;
            }
            MemorySegment bodyObject = switch (body) {
                case ReceivedBody.InMemory memory -> lib.bytes(MemorySegment.ofArray(memory.bytes()), memory.length());
                case ReceivedBody.Spooled spooled -> lib.str(spooled.spool().path().toString());
                case ReceivedBody.Deferred deferred -> lib.newNone();
            };
            MemorySegment args = lib.tuple(dict, lib.integer(body.flags()), bodyObject, lib.integer(thread.index));
            if (args.address() == 0) {
                lib.printError();
                call.internalError("the request could not be given to Python");
                return;
            }
            MemorySegment result = lib.call(python.serveFunction(), args);
            lib.decRef(args);
            if (result.address() != 0) {
                lib.decRef(result);
            } else if (lib.exceptionMatches(python.transport().channelClosed())) {
                lib.clearError();
                call.clientGone("the connection was closed");
            } else {
                lib.printError();
                call.internalError("the embedded gateway failed (its traceback is in the error log)");
            }
        } finally {
            Transport.end();
            python.leave(thread);
        }
    }

    /** The environ's bytes in this thread's native buffer. */
    private MemorySegment nativeCopy(MarshalWriter environ) {
        MemorySegment buffer = scratch.get();
        if (buffer.byteSize() < environ.size()) {
            buffer = Arena.ofAuto().allocate(Math.max(environ.size(), buffer.byteSize() * 2));
            scratch.set(buffer);
        }
        MemorySegment.copy(environ.array(), 0, buffer, ValueLayout.JAVA_BYTE, 0, environ.size());
        return buffer;
    }
}
