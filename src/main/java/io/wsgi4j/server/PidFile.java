package io.wsgi4j.server;

import io.wsgi4j.platform.FileSafety;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import java.util.Set;

/**
 * The server's pid file ({@code PidFile}): a second server is refused while the one it names runs,
 * since two servers in one server root would remove each other's socket and files; only the server
 * that wrote it removes it.
 *
 * <p>It is written without following a link, in a directory no other user can write to, and kept
 * open: a server that has changed to an unprivileged user can no longer delete it from root's
 * directory, so it empties it instead (an empty pid file names no server).
 */
public final class PidFile {
    private final Path file;
    private final long pid = ProcessHandle.current().pid();
    private FileChannel channel;
    private Object fileKey;

    public PidFile(Path file) {
        this.file = file;
    }

    /**
     * Checks that the pid file's directory is trusted (owned by root or this user, writable by no
     * one else) and that the pid file is not a link: what -k signals and what start-up checks is read
     * from it.
     */
    public void checkPlace() throws FileSafety.UnsafePathException {
        FileSafety.checkDirectory(file.toAbsolutePath().getParent(), "the directory of the pid file",
                FileSafety.selfOrRoot(), "choose a pid file elsewhere with --pid-file, or another --server-root");
        FileSafety.checkWritableFile(file, "the pid file");
    }

    /** The pid of a running wsgi4j server this file names, if there is one (a stale file names none). */
    public Optional<Long> runningServer() {
        long named;
        try {
            named = Long.parseLong(read().trim());
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

    /** The file's text, read without following a link. */
    private String read() throws IOException {
        try (FileChannel in = FileChannel.open(file, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
            ByteBuffer bytes = ByteBuffer.allocate(64);
            while (bytes.hasRemaining() && in.read(bytes) > 0) {
                // a pid is a few digits
            }
            return new String(bytes.array(), 0, bytes.position(), StandardCharsets.US_ASCII);
        }
    }

    /** Throws if the pid file's place is not trusted, or if a running server already holds it. */
    public void refuseIfRunning() throws IOException {
        if (Files.notExists(file.toAbsolutePath().getParent(), LinkOption.NOFOLLOW_LINKS)) {
            return; // no directory yet, so no pid file: write() checks the place it makes
        }
        checkPlace();
        Optional<Long> running = runningServer();
        if (running.isPresent()) {
            throw new IOException("a wsgi4j server (pid " + running.get() + ") is already running with the pid file "
                    + file + "; stop it (wsgi4j -k stop with the same options) or give another "
                    + "--server-root or --pid-file");
        }
    }

    /** Writes this process's pid (mode 0644), never through a link, and keeps the file open. */
    public void write() throws IOException {
        checkPlace();
        channel = FileChannel.open(file, Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                        StandardOpenOption.TRUNCATE_EXISTING, LinkOption.NOFOLLOW_LINKS),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-r--r--")));
        channel.write(ByteBuffer.wrap((pid + "\n").getBytes(StandardCharsets.US_ASCII)));
        fileKey = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey();
    }

    /** Removes the file if it is still this server's; emptied instead when it may not be deleted. */
    public void remove() {
        if (channel == null) {
            return;
        }
        try {
            Object now = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey();
            if (now.equals(fileKey) && read().trim().equals(Long.toString(pid))) {
                try {
                    Files.delete(file);
                } catch (IOException e) {
                    channel.truncate(0);
                }
            }
        } catch (IOException | RuntimeException e) {
            // gone already, or another's: left alone
        } finally {
            try {
                channel.close();
            } catch (IOException e) {
                // closing anyway
            }
            channel = null;
        }
    }
}
