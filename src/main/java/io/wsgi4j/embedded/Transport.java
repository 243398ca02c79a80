package io.wsgi4j.embedded;

import io.wsgi4j.config.LogLevel;
import io.wsgi4j.gateway.Exchange;
import io.wsgi4j.log.ErrorLog;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.nio.ByteBuffer;

/**
 * The server's own functions, given to Python as built-in functions (FFM upcalls), that stand in
 * for a daemon process thread's channel: {@code respond}, {@code send_file}, {@code abort} and
 * {@code read} are the request's transport (gateway.Call speaks to it, see embedded.py), and
 * {@code log_record} is where the runtime's log records go.
 *
 * <p>Each is called by Python on the server thread running the request, holding the GIL; each
 * releases the GIL while the server waits (for the client to take a block of a streamed body, for
 * a request body not yet received, for the log). The request is the thread's {@link Call}. A body
 * given whole at the end (most responses) is copied and sent after Python has returned, so that
 * the GIL is taken once per request. Any Java failure becomes a Python exception: an exception
 * must never cross into native code.
 */
final class Transport {
    /** A last block up to this size is copied and sent once Python has returned (without the GIL). */
    private static final long DEFERRED_MAX = 64 * 1024;
    private static final FunctionDescriptor FASTCALL = FunctionDescriptor.of(ValueLayout.ADDRESS,
            ValueLayout.ADDRESS, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG);
    private static final ThreadLocal<Call> CURRENT = new ThreadLocal<>();
    /** The one interpreter of this process; set once, before any upcall can come. */
    private static Transport installed;

    private final LibPython lib;
    private final ErrorLog log;
    private final long pid = ProcessHandle.current().pid();
    private final MemorySegment channelClosed;
    private final MemorySegment osError;
    private final MemorySegment runtimeError;
    private final MemorySegment sizeCell = Arena.global().allocate(ValueLayout.JAVA_LONG);

    private Transport(LibPython lib, ErrorLog log, MemorySegment channelClosed) throws IOException {
        this.lib = lib;
        this.log = log;
        this.channelClosed = channelClosed;
        this.osError = lib.exceptionType("OSError");
        this.runtimeError = lib.exceptionType("RuntimeError");
    }

    /** Makes the functions and hands them to {@code embedded.install}; called once, holding the GIL. */
    static Transport install(LibPython lib, MemorySegment module, ErrorLog log) throws IOException {
        MemorySegment protocol = lib.importModule("wsgi4j_worker.protocol");
        Transport transport;
        try {
            // Kept for the life of the process: the exception raised when the client has gone.
            transport = new Transport(lib, log, lib.attribute(protocol, "ChannelClosed"));
        } finally {
            lib.decRef(protocol);
        }
        installed = transport;
        MemorySegment[] functions = {
            builtin(lib, "respond"), builtin(lib, "send_file"), builtin(lib, "abort"), builtin(lib, "read"),
            builtin(lib, "log_record")
        };
        try {
            lib.decRef(lib.callObjects(module, "install", functions));
        } finally {
            for (MemorySegment function : functions) {
                lib.decRef(function);
            }
        }
        return transport;
    }

    private static MemorySegment builtin(LibPython lib, String name) throws IOException {
        String method = switch (name) {
            case "send_file" -> "sendFile";
            case "log_record" -> "logRecord";
            default -> name;
        };
        try {
            var target = MethodHandles.lookup().findStatic(Transport.class, method, MethodType.methodType(
                    MemorySegment.class, MemorySegment.class, MemorySegment.class, long.class));
            MemorySegment stub = Linker.nativeLinker().upcallStub(target, FASTCALL, Arena.global());
            return lib.builtin(name, stub);
        } catch (ReflectiveOperationException e) {
            throw new IOException("cannot make " + name + ": " + e, e);
        }
    }

    /** Runs Python for {@code call} on this thread: its upcalls go to it. */
    static void begin(Call call) {
        CURRENT.set(call);
    }

    static void end() {
        CURRENT.remove();
    }

    /** The exception raised by the transport when the client has gone (the call then stops). */
    MemorySegment channelClosed() {
        return channelClosed;
    }

    // -- the upcalls -----------------------------------------------------------------------

    /** respond(head, data, last): the head (bytes, or None once sent), body bytes, and whether they end it. */
    private static MemorySegment respond(MemorySegment self, MemorySegment args, long count) {
        Transport t = installed;
        try {
            Call call = CURRENT.get();
            if (call == null || count != 3) {
                return t.raise(t.runtimeError, "wsgi4j: respond(head, data, last) outside a request");
            }
            MemorySegment argv = args.reinterpret(count * ValueLayout.ADDRESS.byteSize());
            byte[] head = t.headOf(argv.getAtIndex(ValueLayout.ADDRESS, 0));
            if (head == NO_HEAD) {
                return MemorySegment.NULL;
            }
            MemorySegment dataObject = argv.getAtIndex(ValueLayout.ADDRESS, 1);
            MemorySegment data = t.lib.bytesData(dataObject);
            if (data.address() == 0) {
                return MemorySegment.NULL;
            }
            long size = t.lib.bytesSize(dataObject);
            boolean last = t.lib.isTrue(argv.getAtIndex(ValueLayout.ADDRESS, 2));
            if (last && size <= DEFERRED_MAX) {
                call.deferEnd(head, data.reinterpret(size).toArray(ValueLayout.JAVA_BYTE));
                return t.lib.newNone();
            }
            // The bytes stay valid while Python waits for this call: the caller holds them.
            ByteBuffer view = data.reinterpret(size).asByteBuffer();
            IOException gone = null;
            MemorySegment state = t.lib.saveThread();
            try {
                call.respond(head, view, last);
            } catch (IOException e) {
                gone = e;
            } finally {
                t.lib.restoreThread(state);
            }
            if (gone != null) {
                return t.raise(t.channelClosed, "wsgi4j: the client went away: " + gone.getMessage());
            }
            return t.lib.newNone();
        } catch (Throwable e) {
            return t.internalError("respond", e);
        }
    }

    /** send_file(head, fd, offset, count): True when the server sends the file (the response is then complete). */
    private static MemorySegment sendFile(MemorySegment self, MemorySegment args, long count) {
        Transport t = installed;
        try {
            Call call = CURRENT.get();
            if (call == null || count != 4) {
                return t.raise(t.runtimeError, "wsgi4j: send_file(head, fd, offset, count) outside a request");
            }
            MemorySegment argv = args.reinterpret(count * ValueLayout.ADDRESS.byteSize());
            byte[] head = t.headOf(argv.getAtIndex(ValueLayout.ADDRESS, 0));
            if (head == NO_HEAD) {
                return MemorySegment.NULL;
            }
            long fd = t.lib.integerValue(argv.getAtIndex(ValueLayout.ADDRESS, 1));
            long offset = t.lib.integerValue(argv.getAtIndex(ValueLayout.ADDRESS, 2));
            long bytes = t.lib.integerValue(argv.getAtIndex(ValueLayout.ADDRESS, 3));
            boolean sent;
            IOException gone = null;
            MemorySegment state = t.lib.saveThread();
            try {
                sent = call.sendFile(head, (int) fd, offset, bytes);
            } catch (IOException e) {
                gone = e;
                sent = false;
            } finally {
                t.lib.restoreThread(state);
            }
            if (gone != null) {
                return t.raise(t.channelClosed, "wsgi4j: the client went away: " + gone.getMessage());
            }
            return t.lib.newBool(sent);
        } catch (Throwable e) {
            return t.internalError("send_file", e);
        }
    }

    /** abort(reason): the application failed (its traceback is logged already). */
    private static MemorySegment abort(MemorySegment self, MemorySegment args, long count) {
        Transport t = installed;
        try {
            Call call = CURRENT.get();
            if (call == null) {
                return t.raise(t.runtimeError, "wsgi4j: abort(reason) outside a request");
            }
            call.abort();
            return t.lib.newNone();
        } catch (Throwable e) {
            return t.internalError("abort", e);
        }
    }

    /** read(wanted): up to {@code wanted} bytes of a request body not received before the call; b'' at its end. */
    private static MemorySegment read(MemorySegment self, MemorySegment args, long count) {
        Transport t = installed;
        try {
            Call call = CURRENT.get();
            if (call == null || count != 1) {
                return t.raise(t.runtimeError, "wsgi4j: read(wanted) outside a request");
            }
            long wanted = t.lib.integerValue(args.reinterpret(ValueLayout.ADDRESS.byteSize()).get(ValueLayout.ADDRESS, 0));
            int max = (int) Math.clamp(wanted, 1, 16L << 20);
            ByteBuffer data = null;
            Exchange.BodyException failure = null;
            MemorySegment state = t.lib.saveThread();
            try {
                data = call.exchange().readBody(max);
            } catch (Exchange.BodyException e) {
                failure = e;
                call.exchange().log(e.level(), "wsgi4j: " + e.getMessage());
            } finally {
                t.lib.restoreThread(state);
            }
            if (failure != null) {
                return t.raise(t.osError, "wsgi4j: " + failure.getMessage());
            }
            int n = data.remaining();
            MemorySegment bytes = t.lib.bytes(MemorySegment.NULL, n);
            if (bytes.address() == 0) {
                return MemorySegment.NULL;
            }
            MemorySegment.copy(MemorySegment.ofBuffer(data), 0, t.lib.bytesData(bytes).reinterpret(n), 0, n);
            return bytes;
        } catch (Throwable e) {
            return t.internalError("read", e);
        }
    }

    /** log_record(level, client, request_id, message): a record for the error log, at the runtime's level name. */
    private static MemorySegment logRecord(MemorySegment self, MemorySegment args, long count) {
        Transport t = installed;
        try {
            if (count != 4) {
                return t.raise(t.runtimeError, "wsgi4j: log_record(level, client, request_id, message)");
            }
            MemorySegment argv = args.reinterpret(count * ValueLayout.ADDRESS.byteSize());
            String[] text = new String[4];
            for (int i = 0; i < 4; i++) {
                text[i] = t.lib.utf8(argv.getAtIndex(ValueLayout.ADDRESS, i), t.sizeCell);
                if (text[i] == null) {
                    return MemorySegment.NULL;
                }
            }
            LogLevel level = LogLevel.parse(text[0]).orElse(LogLevel.ERROR);
            if (t.log.enabled(level)) {
                MemorySegment state = t.lib.saveThread();
                try {
                    t.log.log(level, t.pid, text[1], text[2], text[3]);
                } finally {
                    t.lib.restoreThread(state);
                }
            }
            return t.lib.newNone();
        } catch (Throwable e) {
            return t.internalError("log_record", e);
        }
    }

    // -- helpers (holding the GIL) ---------------------------------------------------------------

    private static final byte[] NO_HEAD = new byte[0];

    /** The head's bytes; null for None; NO_HEAD when it is neither bytes nor None (a TypeError is set). */
    private byte[] headOf(MemorySegment head) {
        if (head.address() == lib.none().address()) {
            return null;
        }
        MemorySegment data = lib.bytesData(head);
        if (data.address() == 0) {
            return NO_HEAD;
        }
        return data.reinterpret(lib.bytesSize(head)).toArray(ValueLayout.JAVA_BYTE);
    }

    /** Sets a Python exception and returns NULL, as a failing built-in function does. */
    private MemorySegment raise(MemorySegment type, String message) {
        try (Arena arena = Arena.ofConfined()) {
            lib.errSetString(type, arena.allocateFrom(message));
        }
        return MemorySegment.NULL;
    }

    private MemorySegment internalError(String function, Throwable e) {
        try {
            return raise(runtimeError, "wsgi4j: internal error in " + function + "(): " + e);
        } catch (Throwable again) {
            return MemorySegment.NULL;
        }
    }
}
