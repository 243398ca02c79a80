package io.wsgi4j.server;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The server's pid file ({@code PidFile}): a second server is refused while the one it names runs,
 * since two servers in one server root would remove each other's socket and files; only the server
 * that wrote it removes it.
 */
public final class PidFile {
    private final Path file;
    private final long pid = ProcessHandle.current().pid();

    public PidFile(Path file) {
        this.file = file;
    }

    /** The pid of a running wsgi4j server this file names, if there is one (a stale file names none). */
    public Optional<Long> runningServer() {
        long named;
        try {
            named = Long.parseLong(Files.readString(file, StandardCharsets.US_ASCII).trim());
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
        if (named == pid || ProcessHandle.of(named).map(ProcessHandle::isAlive).orElse(false) == false) {
            return Optional.empty();
        }
        // A pid reused by an unrelated process since a server was killed does not count.
        try {
            String command = Files.readString(Path.of("/proc", Long.toString(named), "cmdline"), StandardCharsets.UTF_8);
            return command.contains("wsgi4j") ? Optional.of(named) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** Throws if a running server already holds this pid file. */
    public void refuseIfRunning() throws IOException {
        Optional<Long> running = runningServer();
        if (running.isPresent()) {
            throw new IOException("a wsgi4j server (pid " + running.get() + ") is already running with the pid file "
                    + file + "; stop it (wsgi4j -k stop with the same options) or give another "
                    + "--server-root or --pid-file");
        }
    }

    public void write() throws IOException {
        Files.writeString(file, pid + "\n", StandardCharsets.US_ASCII);
    }

    /** Removes the file if it is still this server's. */
    public void remove() {
        try {
            if (Files.readString(file, StandardCharsets.US_ASCII).trim().equals(Long.toString(pid))) {
                Files.delete(file);
            }
        } catch (IOException | RuntimeException e) {
            // gone already, or another's: left alone
        }
    }
}
