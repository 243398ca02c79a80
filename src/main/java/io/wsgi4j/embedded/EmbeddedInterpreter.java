package io.wsgi4j.embedded;

import io.wsgi4j.config.LogLevel;
import io.wsgi4j.daemon.WorkerHost;
import io.wsgi4j.daemon.WorkerLauncher;
import io.wsgi4j.daemon.WorkerRuntime;
import io.wsgi4j.log.ErrorLog;
import io.wsgi4j.python.PythonInterpreter;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * CPython inside this JVM (embedded mode): the one worker of the server process's group.
 *
 * <p>Python is only ever called from platform threads that own their thread state: one
 * ({@code wsgi4j-python-main}) initializes it and loads the application, then releases the GIL;
 * each request thread ({@code wsgi4j-python-N}) takes the GIL and runs the worker runtime's
 * request loop, which holds the GIL only while Python code runs (it waits for requests on its
 * local socket without it). No virtual thread and no Jetty thread ever calls into Python.
 */
public final class EmbeddedInterpreter implements WorkerLauncher {
    private static final long THREAD_STACK = 4L << 20;

    private final PythonInterpreter python;
    private final Path runtime;
    private final int threads;
    private final ErrorLog log;
    private boolean launched;

    /**
     * @param runtime the directory the worker runtime was unpacked into
     * @param threads how many request threads run Python
     */
    public EmbeddedInterpreter(PythonInterpreter python, Path runtime, int threads, ErrorLog log) {
        this.python = python;
        this.runtime = runtime;
        this.threads = threads;
        this.log = log;
    }

    @Override
    public synchronized WorkerHost launch(String configLine) throws IOException {
        if (launched) {
            throw new IOException("the Python interpreter inside this server process cannot be started again; "
                    + "the server process must be restarted");
        }
        launched = true;
        WorkerRuntime.verify(runtime);
        Path library = python.sharedLibrary().orElseThrow(() -> new IOException(python.executable()
                + " has no shared libpython"));
        Interpreter interpreter = new Interpreter(LibPython.load(library), configLine);
        interpreter.start();
        return interpreter;
    }

    @Override
    public boolean replaceable() {
        return false;
    }

    @Override
    public String kind() {
        return "embedded interpreter in server process";
    }

    @Override
    public String describe() {
        return python.executable() + ", Python " + python.version() + ", " + python.sharedLibrary().orElseThrow()
                + ", " + threads + " thread" + (threads == 1 ? "" : "s");
    }

    /** The interpreter and its threads, seen by the group as a worker. */
    private final class Interpreter implements WorkerHost {
        private final LibPython lib;
        private final String configLine;
        private final CompletableFuture<InputStream> output = new CompletableFuture<>();
        private final CompletableFuture<Void> exit = new CompletableFuture<>();
        private final long pid = ProcessHandle.current().pid();
        private volatile MemorySegment module = MemorySegment.NULL;
        private volatile String failure;
        private volatile boolean stopRequested;

        Interpreter(LibPython lib, String configLine) {
            this.lib = lib;
            this.configLine = configLine;
        }

        /** Starts the main Python thread and waits until the log pipe exists (the application loads after). */
        void start() throws IOException {
            Thread.ofPlatform().name("wsgi4j-python-main").daemon().stackSize(THREAD_STACK).start(this::main);
            try {
                output.get(60, TimeUnit.SECONDS);
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
                long fd = lib.call(module, "prepare", configLine);
                output.complete(new FileInputStream("/proc/self/fd/" + fd));
                lib.call(module, "load");
                lib.saveThread();
            } catch (IOException | RuntimeException e) {
                failure = "could not start Python: " + e.getMessage();
                // Before the log pipe exists the server's start fails with it; after, it is logged.
                if (!output.completeExceptionally(new IOException(failure, e))) {
                    log.log(LogLevel.ERROR, "wsgi4j: " + failure);
                }
                exit.complete(null);
                return;
            }
            List<Thread> running = new ArrayList<>();
            for (int index = 0; index < threads; index++) {
                long thread = index;
                running.add(Thread.ofPlatform().name("wsgi4j-python-" + index).daemon().stackSize(THREAD_STACK)
                        .start(() -> serve(thread)));
            }
            for (Thread thread : running) {
                try {
                    thread.join();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
            exit.complete(null);
        }

        private void serve(long index) {
            int state = lib.gilEnsure();
            try {
                lib.call(module, "serve", index);
            } catch (IOException e) {
                log.log(LogLevel.ERROR, "wsgi4j: request thread " + index + " of the embedded interpreter ended: "
                        + e.getMessage());
            } finally {
                lib.gilRelease(state);
            }
            if (!stopRequested) {
                log.log(LogLevel.ERROR, "wsgi4j: request thread " + index + " of the embedded interpreter stopped "
                        + "while the server runs; this server process serves with fewer threads");
            }
        }

        @Override
        public long pid() {
            return pid;
        }

        @Override
        public InputStream output() {
            return output.getNow(InputStream.nullInputStream());
        }

        @Override
        public OutputStream lifeline() {
            // The configuration was handed over at start; the interpreter shares the server's life.
            return OutputStream.nullOutputStream();
        }

        @Override
        public CompletableFuture<?> onExit() {
            return exit;
        }

        @Override
        public boolean isAlive() {
            return !exit.isDone();
        }

        @Override
        public String exitDescription() {
            return isAlive() ? "still running" : failure != null ? failure : "stopped";
        }

        @Override
        public boolean waitFor(long millis) throws InterruptedException {
            try {
                exit.get(millis, TimeUnit.MILLISECONDS);
                return true;
            } catch (TimeoutException e) {
                return false;
            } catch (ExecutionException e) {
                return true;
            }
        }

        /** Asks the request threads to stop, from a platform thread of its own (it must take the GIL). */
        @Override
        public void terminate() {
            if (stopRequested || module.address() == 0) {
                return;
            }
            stopRequested = true;
            Thread.ofPlatform().name("wsgi4j-python-stop").daemon().start(() -> {
                int state = lib.gilEnsure();
                try {
                    lib.call(module, "stop");
                } catch (IOException e) {
                    log.log(LogLevel.WARN, "wsgi4j: stopping the embedded interpreter: " + e.getMessage());
                } finally {
                    lib.gilRelease(state);
                }
            });
        }

        /** The interpreter cannot be killed apart from the server process; it ends with it. */
        @Override
        public void kill() {
            terminate();
        }

        @Override
        public boolean requestStacks() {
            return false;
        }

        @Override
        public void forceStacks() {
        }
    }
}
