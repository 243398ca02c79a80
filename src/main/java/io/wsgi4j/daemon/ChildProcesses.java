package io.wsgi4j.daemon;

import io.wsgi4j.python.WorkerRuntime;
import io.wsgi4j.platform.Posix;
import io.wsgi4j.python.PythonInterpreter;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Starts daemon processes: {@code python -c ...} running the worker runtime unpacked in the server root. */
public final class ChildProcesses implements WorkerLauncher {
    private final PythonInterpreter python;
    private final Path runtime;
    private final Path workingDirectory;
    private final Map<String, String> environment;

    /**
     * @param runtime          the directory the worker runtime was unpacked into
     * @param workingDirectory the processes' current directory
     * @param environment      variables to set besides the server's own (HOME, USER and LOGNAME of --user)
     */
    public ChildProcesses(PythonInterpreter python, Path runtime, Path workingDirectory,
                          Map<String, String> environment) {
        this.python = python;
        this.runtime = runtime;
        this.workingDirectory = workingDirectory;
        this.environment = Map.copyOf(environment);
    }

    @Override
    public WorkerHost launch(String configLine) throws IOException {
        WorkerRuntime.verify(runtime);
        ProcessBuilder builder = new ProcessBuilder(WorkerRuntime.command(python.executable(), runtime))
                .directory(workingDirectory.toFile()).redirectErrorStream(true);
        builder.environment().putAll(environment);
        builder.environment().putAll(python.environment());
        return new Child(builder.start());
    }

    @Override
    public String kind() {
        return "daemon process";
    }

    @Override
    public String describe() {
        return python.executable() + ", Python " + python.version();
    }

    /** A worker process: its own process group (it calls setpgrp), signalled through it. */
    private record Child(Process process) implements WorkerHost {
        @Override
        public long pid() {
            return process.pid();
        }

        @Override
        public InputStream output() {
            return process.getInputStream();
        }

        @Override
        public OutputStream lifeline() {
            return process.getOutputStream();
        }

        @Override
        public CompletableFuture<?> onExit() {
            return process.onExit();
        }

        @Override
        public boolean isAlive() {
            return process.isAlive();
        }

        @Override
        public String exitDescription() {
            return process.isAlive() ? "still running" : Posix.describeExit(process.exitValue());
        }

        @Override
        public boolean waitFor(long millis) throws InterruptedException {
            return process.waitFor(millis, TimeUnit.MILLISECONDS);
        }

        @Override
        public void terminate() {
            // A process that has not made itself a group leader yet gets it directly.
            if (!Posix.killGroup(pid(), Posix.SIGTERM)) {
                Posix.kill(pid(), Posix.SIGTERM);
            }
        }

        @Override
        public void kill() {
            Posix.killGroup(pid(), Posix.SIGKILL);
            process.destroyForcibly();
        }

        @Override
        public boolean requestStacks() {
            return Posix.kill(pid(), Posix.SIGUSR2);
        }

        @Override
        public void forceStacks() {
            Posix.kill(pid(), Posix.SIGQUIT);
        }
    }
}
