package io.wsgi4j.mpm;

import io.wsgi4j.platform.FileSafety;
import io.wsgi4j.platform.Libc;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The AppCDS archive of wsgi4j's classes that server processes map instead of loading and linking the
 * classes again each: built once by one server process as it exits, then shared read-only by all
 * (the mapped pages are shared between the processes, which is what makes it count in PSS).
 *
 * <p>One archive per wsgi4j version, JVM and jar (its size and time: a rebuilt jar gets a new
 * archive rather than one the JVM would refuse), under $XDG_CACHE_HOME/wsgi4j or ~/.cache/wsgi4j.
 * Only one process writes at a time, to a file of its own, renamed into place after it has exited:
 * with -XX:+AutoCreateSharedArchive every process would write the same file at exit, and processes
 * stopped together would tear it. A directory that cannot be written means no archive, nothing else.
 *
 * <p>The archive is code the server processes map, so it is used only from a directory no one but
 * the user the server processes run as (its owner) can write to, and only when the file itself is
 * that user's, checked before each start: otherwise no archive. Under --user the server processes
 * run as another user, and their archive lives in the server root's run directory, so that nothing
 * one server's processes wrote is mapped by another's.
 */
public final class ClassDataArchive {
    private static final long NONE = 0;
    private static final long RESERVED = -1;
    private static final int KEPT = 4;

    private final Path archive;
    private final boolean writable;
    /** The user the archive must belong to: the server processes'. */
    private final int owner;
    /** Why there is no archive, when the directory is not safe to map one from. */
    private final String problem;
    /** The pid of the process writing the archive at its exit; NONE, or RESERVED while it starts. */
    private long writer = NONE;

    private ClassDataArchive(Path archive, boolean writable, int owner, String problem) {
        this.archive = archive;
        this.writable = writable;
        this.owner = owner;
        this.problem = problem;
    }

    /** The archive for this wsgi4j version and JVM running from {@code classPath}, in the user's cache directory. */
    public static ClassDataArchive forThisJvm(String version, String classPath, Map<String, String> environment) {
        Path cache = environment.containsKey("XDG_CACHE_HOME") && !environment.get("XDG_CACHE_HOME").isEmpty()
                ? Path.of(environment.get("XDG_CACHE_HOME"), "wsgi4j")
                : Path.of(System.getProperty("user.home"), ".cache", "wsgi4j");
        return in(cache, version, classPath, Libc.geteuid());
    }

    /** The archive in {@code directory}, which is created if it can be, for server processes of this user. */
    static ClassDataArchive in(Path directory, String version, String classPath) {
        return in(directory, version, classPath, Libc.geteuid());
    }

    /**
     * The archive in {@code directory} (created if it can be) for server processes running as
     * {@code owner}, who must own the directory.
     */
    public static ClassDataArchive in(Path directory, String version, String classPath, int owner) {
        String stamp;
        try {
            Path jar = Path.of(classPath);
            stamp = Long.toString(Files.size(jar), 36) + "-" + Long.toString(Files.getLastModifiedTime(jar).toMillis(), 36);
        } catch (IOException | RuntimeException e) {
            stamp = Integer.toUnsignedString(classPath.hashCode(), 36);
        }
        String name = "wsgi4j-" + version + "-java" + System.getProperty("java.vm.version") + "-" + stamp + ".jsa";
        Path archive = directory.resolve(name.replaceAll("[^A-Za-z0-9._+-]", "_"));
        boolean writable;
        String problem = null;
        try {
            Files.createDirectories(directory,
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            FileSafety.checkDirectory(directory, "the class data archive directory", Set.of(owner),
                    "the server processes run without an archive");
            writable = Files.isWritable(directory);
        } catch (FileSafety.UnsafePathException e) {
            writable = false;
            problem = e.getMessage();
        } catch (IOException e) {
            writable = false;
        }
        return new ClassDataArchive(archive, writable, owner, problem);
    }

    /** Why the archive's directory is not used, if it is not safe to map code from. */
    public Optional<String> problem() {
        return Optional.ofNullable(problem);
    }

    public Path path() {
        return archive;
    }

    /**
     * The JVM options for the next server process: map the archive if it is there; else, if no
     * process is writing one and the directory can be written, write one at exit to a file of its
     * own, which {@link #exited} renames into place; else none.
     */
    public synchronized List<String> optionsForNext() {
        if (problem != null || !safe(archive.getParent())) {
            return List.of();
        }
        if (Files.exists(archive, LinkOption.NOFOLLOW_LINKS)) {
            return safe(archive) && Files.isReadable(archive) ? List.of("-XX:SharedArchiveFile=" + archive) : List.of();
        }
        if (writable && writer == NONE) {
            writer = RESERVED;
            // Writing the archive at exit, the JVM lists every class it leaves out as a warning on
            // stdout (the terminal, with --log-to-terminal): errors only.
            return List.of("-XX:ArchiveClassesAtExit=" + writing(), "-Xlog:cds=error");
        }
        return List.of();
    }

    /** The process given the options of {@link #optionsForNext} has started (or, with pid 0, could not). */
    public synchronized void started(long pid, List<String> options) {
        if (writer == RESERVED && options.contains("-XX:ArchiveClassesAtExit=" + writing())) {
            writer = pid > 0 ? pid : NONE;
        }
    }

    /** A server process has exited; if it was the one writing the archive, the archive is put in place. */
    public synchronized void exited(long pid, boolean cleanly) {
        if (writer != pid) {
            return;
        }
        writer = NONE;
        Path written = writing();
        try {
            if (cleanly && Files.size(written) > 0) {
                try {
                    Files.move(written, archive, StandardCopyOption.ATOMIC_MOVE);
                } catch (AtomicMoveNotSupportedException e) {
                    Files.move(written, archive, StandardCopyOption.REPLACE_EXISTING);
                }
                pruneOlder();
            }
        } catch (IOException e) {
            // no archive this time; the next process writes one
        } finally {
            try {
                Files.deleteIfExists(written);
            } catch (IOException e) {
                // overwritten by the next attempt
            }
        }
    }

    /**
     * Keeps the {@link #KEPT} most recent archives: each rebuilt jar or new JVM makes a new one
     * (about 11 MiB), and the others may still serve other installations sharing the directory.
     */
    private void pruneOlder() throws IOException {
        try (var files = Files.list(archive.getParent())) {
            List<Path> archives = files.filter(f -> f.getFileName().toString().matches("wsgi4j-.*\\.jsa"))
                    .sorted(java.util.Comparator.comparing(ClassDataArchive::modified).reversed()).toList();
            for (Path old : archives.subList(Math.min(KEPT, archives.size()), archives.size())) {
                if (!old.equals(archive)) {
                    Files.deleteIfExists(old);
                }
            }
        }
    }

    private static java.nio.file.attribute.FileTime modified(Path file) {
        try {
            return Files.getLastModifiedTime(file);
        } catch (IOException e) {
            return java.nio.file.attribute.FileTime.fromMillis(0);
        }
    }

    /** Whether no one but the owner (or root) could have changed this path: not a link, not writable by others. */
    private boolean safe(Path path) {
        try {
            int uid = FileSafety.uid(path);
            return !Files.isSymbolicLink(path) && (uid == owner || uid == 0) && (FileSafety.mode(path) & 0022) == 0;
        } catch (RuntimeException e) {
            return false;
        }
    }

    private Path writing() {
        return archive.resolveSibling(archive.getFileName() + ".writing");
    }
}
