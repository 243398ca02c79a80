package io.wsgi4j.embedded;

import io.wsgi4j.log.ErrorLog;
import io.wsgi4j.python.PythonInterpreter;
import io.wsgi4j.python.WorkerRuntime;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * CPython inside this JVM (embedded mode).
 *
 * <p>One platform thread of its own ({@code wsgi4j-python-main}) loads libpython, initializes
 * Python, hands it the server's functions ({@link Transport}), prepares the worker runtime and
 * loads the application, then releases the GIL. From then on Python runs on the server's own
 * platform threads, each the thread that read its request: the first time a thread runs Python
 * it gets a thread state of its own, which it keeps until it ends (as mod_wsgi keeps one per
 * Apache thread), and it holds the GIL only while Python code runs. No virtual thread ever calls
 * into Python.
 */
public final class EmbeddedInterpreter {
    /**
     * The stack of every thread that runs Python: what CPython's own threads get on Linux (the
     * default stack limit), as Apache's threads have under mod_wsgi; only the pages used are memory.
     */
    static final long THREAD_STACK = 8L << 20;

    private final PythonInterpreter python;
    private final Path runtime;
    private final String configLine;
    private final ErrorLog log;
    private final CompletableFuture<Void> initialized = new CompletableFuture<>();
    private final CountDownLatch loaded = new CountDownLatch(1);
    private final AtomicInteger threadIndex = new AtomicInteger();
    private final ThreadLocal<PythonThread> threads = new ThreadLocal<>();
    private volatile LibPython lib;
    private volatile Transport transport;
    private volatile MemorySegment module = MemorySegment.NULL;
    private volatile MemorySegment serve = MemorySegment.NULL;
    private boolean started;

    /**
     * @param runtime    the directory the worker runtime was unpacked into
     * @param configLine embedded.prepare()'s JSON configuration ({@link WorkerRuntime#embeddedConfigLine})
     */
    public EmbeddedInterpreter(PythonInterpreter python, Path runtime, String configLine, ErrorLog log) {
        this.python = python;
        this.runtime = runtime;
        this.configLine = configLine;
        this.log = log;
    }

    /**
     * Loads and initializes Python, and starts loading the application; returns once Python is
     * initialized (the application goes on loading: {@link #awaitLoaded}).
     *
     * @throws IOException when libpython cannot be loaded or Python cannot be initialized
     */
    public synchronized void start() throws IOException {
        if (started) {
            throw new IOException("the Python interpreter inside this server process cannot be started again; "
                    + "the server process must be restarted");
        }
        started = true;
        WorkerRuntime.verify(runtime);
        Path library = python.sharedLibrary().orElseThrow(() -> new IOException(python.executable()
                + " has no shared libpython"));
        lib = LibPython.load(library);
        Thread.ofPlatform().name("wsgi4j-python-main").daemon().stackSize(THREAD_STACK).start(this::main);
        try {
            initialized.get(60, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw new IOException(e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new IOException("Python did not initialize within 60 s");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while Python initialized");
        }
    }

    private void main() {
        try {
            lib.setProgramName(python.executable());
            if (python.pythonHome().isPresent()) {
                lib.setPythonHome(python.pythonHome().get());
            }
            lib.initialize();
            lib.prependSysPath(runtime.toString());
            module = lib.importModule("wsgi4j_worker.embedded");
            transport = Transport.install(lib, module, log);
            lib.call(module, "prepare", configLine);
            serve = lib.attribute(module, "serve");
        } catch (IOException | RuntimeException e) {
            initialized.completeExceptionally(new IOException("could not start Python: " + e.getMessage(), e));
            loaded.countDown();
            return;
        }
        initialized.complete(null);
        try {
            lib.call(module, "load");
        } catch (IOException e) {
            // The application's own failure is logged by the runtime and retried per request; this is another.
            log.log(io.wsgi4j.config.LogLevel.ERROR, "wsgi4j: loading the application failed: " + e.getMessage());
        } finally {
            lib.saveThread();
            loaded.countDown();
        }
    }

    /** Waits until the application has been loaded (or failed to), up to {@code timeout}; true if so. */
    public boolean awaitLoaded(Duration timeout) {
        try {
            return loaded.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    public String describe() {
        return python.executable() + ", Python " + python.version() + ", " + python.sharedLibrary().orElseThrow();
    }

    LibPython lib() {
        return lib;
    }

    Transport transport() {
        return transport;
    }

    /** embedded.serve: a borrowed reference, valid for the life of the process. */
    MemorySegment serveFunction() {
        return serve;
    }

    /**
     * Takes the GIL for the calling platform thread, with its own thread state (made the first time,
     * and the thread then named in Python); returns what {@link #leave} needs.
     */
    PythonThread enter() {
        PythonThread thread = threads.get();
        if (thread == null) {
            thread = new PythonThread(threadIndex.getAndIncrement());
            threads.set(thread);
            thread.gilState = lib.gilEnsure();
            MemorySegment index = lib.integer(thread.index);
            try {
                lib.decRef(lib.callObjects(module, "thread_started", index));
            } catch (IOException e) {
                // Only its name in Python is missing: the error is printed to the log.
            } finally {
                lib.decRef(index);
            }
            return thread;
        }
        lib.restoreThread(thread.state);
        return thread;
    }

    /** Releases the GIL {@link #enter} took; the thread keeps its state. */
    void leave(PythonThread thread) {
        thread.state = lib.saveThread();
    }

    /**
     * The calling thread ends: its thread state goes, if it has one. Takes the GIL for it, so it
     * may wait for a thread running Python.
     */
    public void threadEnded() {
        PythonThread thread = threads.get();
        if (thread == null || thread.state == null) {
            return;
        }
        threads.remove();
        lib.restoreThread(thread.state);
        lib.gilRelease(thread.gilState);
    }

    /** A server thread as Python knows it: its index (its name in Python) and its thread state. */
    static final class PythonThread {
        final int index;
        int gilState;
        /** Its thread state while it does not hold the GIL; null before its first release. */
        MemorySegment state;

        PythonThread(int index) {
            this.index = index;
        }
    }
}
