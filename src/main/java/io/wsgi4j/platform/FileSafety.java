package io.wsgi4j.platform;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Locale;
import java.util.Set;

/**
 * The rules for the files and directories wsgi4j writes to or runs code from, so that no other
 * local user can redirect a write or plant code (the threat model is in docs/SECURITY.md).
 *
 * <ul>
 *   <li>A directory is trusted when it is a real directory (not a link), owned by one of the
 *       given owners, and not writable by group or others.</li>
 *   <li>Its ancestors must not let anyone else move it: each owned by root or one of the owners,
 *       and not writable by group or others unless sticky (as /tmp is).</li>
 *   <li>Files are written without following a link: a link found where a file is to be written is
 *       refused, never written through, and O_NOFOLLOW closes the race between look and open.</li>
 * </ul>
 */
public final class FileSafety {
    private static final int GROUP_OR_OTHER_WRITE = 0022;
    private static final int STICKY = 01000;

    private FileSafety() {
    }

    /** This process's user and root: who may own what this process writes to or loads from. */
    public static Set<Integer> selfOrRoot() {
        return Set.copyOf(java.util.List.of(0, Libc.geteuid()));
    }

    /** A path that fails the rules; the message names it, what is wrong with it, and the way out. */
    public static final class UnsafePathException extends IOException {
        public UnsafePathException(String message) {
            super(message);
        }
    }

    /**
     * Creates {@code directory} with mode 0700 if it does not exist (mkdir: atomic, and it fails if
     * anything, a link included, is there already); else checks that the existing one is trusted.
     *
     * @param role   what the directory is, for the message ("the server root")
     * @param owners who may own an existing one
     * @param remedy what to do instead, for the message ("choose another with --server-root")
     * @return whether it was created
     */
    public static boolean createOrCheckDirectory(Path directory, String role, Set<Integer> owners, String remedy)
            throws IOException {
        try {
            Files.createDirectory(directory, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            return true;
        } catch (FileAlreadyExistsException e) {
            checkDirectory(directory, role, owners, remedy);
            return false;
        }
    }

    /** Checks that {@code directory} exists and is trusted (see the class comment). */
    public static void checkDirectory(Path directory, String role, Set<Integer> owners, String remedy)
            throws UnsafePathException {
        PosixFileAttributes attributes;
        try {
            attributes = Files.readAttributes(directory, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            throw new UnsafePathException(role + " " + directory + " does not exist; " + remedy);
        } catch (IOException e) {
            throw new UnsafePathException(role + " " + directory + " cannot be examined (" + e.getMessage() + "); "
                    + remedy);
        }
        String problem = null;
        if (attributes.isSymbolicLink()) {
            problem = "is a symbolic link" + target(directory);
        } else if (!attributes.isDirectory()) {
            problem = "is not a directory";
        } else {
            int uid = uid(directory);
            int mode = mode(directory);
            if (!owners.contains(uid)) {
                problem = "belongs to another user";
            } else if ((mode & GROUP_OR_OTHER_WRITE) != 0) {
                problem = "is writable by " + ((mode & 0020) != 0 ? "its group" : "")
                        + ((mode & 0020) != 0 && (mode & 0002) != 0 ? " and " : "")
                        + ((mode & 0002) != 0 ? "others" : "");
            }
            if (problem != null) {
                problem += " (" + describe(directory) + ")";
            }
        }
        if (problem != null) {
            throw new UnsafePathException(role + " " + directory + " " + problem + ": wsgi4j uses it only as a "
                    + "real directory (not a link) owned by " + ownerNames(owners) + " that neither its group nor "
                    + "others can write to, so that no other user can put files or links in it; " + remedy);
        }
    }

    /**
     * Checks that no other user can move or replace {@code path}: every directory above it (links
     * among them resolved) belongs to root or one of {@code owners} and is not writable by group or
     * others, unless it is sticky.
     */
    public static void checkAncestors(Path path, String role, Set<Integer> owners, String remedy)
            throws UnsafePathException {
        Path parent = path.toAbsolutePath().getParent();
        if (parent == null) {
            return;
        }
        Path real;
        try {
            real = parent.toRealPath();
        } catch (IOException e) {
            throw new UnsafePathException(role + " " + path + ": its directory " + parent + " cannot be resolved ("
                    + e.getMessage() + "); " + remedy);
        }
        for (Path p = real; p != null; p = p.getParent()) {
            int uid;
            int mode;
            try {
                uid = uid(p);
                mode = mode(p);
            } catch (UncheckedAttributeException e) {
                throw new UnsafePathException(role + " " + path + ": " + p + " cannot be examined; " + remedy);
            }
            boolean sticky = (mode & STICKY) != 0;
            if ((uid != 0 && !owners.contains(uid)) || ((mode & GROUP_OR_OTHER_WRITE) != 0 && !sticky)) {
                throw new UnsafePathException(role + " " + path + " is inside " + p + " (" + describe(p)
                        + "), which another user could use to move or replace it: wsgi4j uses it only when every "
                        + "directory above it belongs to " + ownerNames(owners, true)
                        + " and is not writable by others (unless sticky, as /tmp is); " + remedy);
            }
        }
    }

    /**
     * Refuses to write to {@code file} when it is a symbolic link or not a regular file (a file that
     * does not exist yet is fine).
     */
    public static void checkWritableFile(Path file, String role) throws UnsafePathException {
        PosixFileAttributes attributes;
        try {
            attributes = Files.readAttributes(file, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            return;
        } catch (IOException e) {
            throw new UnsafePathException(role + " " + file + " cannot be examined: " + e.getMessage());
        }
        if (attributes.isSymbolicLink()) {
            throw new UnsafePathException(role + " " + file + " is a symbolic link" + target(file)
                    + ": wsgi4j never writes through a link (another user may have planted it); remove it");
        }
        if (!attributes.isRegularFile()) {
            throw new UnsafePathException(role + " " + file + " is not a regular file; remove it or choose another");
        }
    }

    /**
     * Opens {@code file} for appending, creating it with mode 0600 if needed, without following a
     * link, and checks that what was opened is a regular file. Its directory must be trusted
     * (owned by root or this user, not writable by others).
     *
     * @return the descriptor (close-on-exec)
     */
    public static int openForAppend(Path file, String role) throws IOException {
        Path directory = file.toAbsolutePath().getParent();
        checkDirectory(directory, "the directory of " + role, selfOrRoot(),
                "choose a directory of your own for " + role);
        checkWritableFile(file, role);
        int fd;
        try {
            // O_NONBLOCK: a FIFO put there between the look and the open would otherwise block the open.
            fd = Libc.open(file.toString(), Libc.O_WRONLY | Libc.O_APPEND | Libc.O_CREAT | Libc.O_NOFOLLOW
                    | Libc.O_CLOEXEC | Libc.O_NONBLOCK, 0600);
        } catch (Libc.LibcException e) {
            if (e.errno() == Libc.ELOOP) {
                throw new UnsafePathException(role + " " + file + " is a symbolic link: wsgi4j never writes through "
                        + "a link (another user may have planted it); remove it");
            }
            throw new IOException("cannot open " + role + " " + file + ": " + Libc.strerror(e.errno()), e);
        }
        try {
            if (!Files.isRegularFile(Path.of("/proc/self/fd/" + fd))) {
                throw new UnsafePathException(role + " " + file + " is not a regular file; remove it or choose another");
            }
        } catch (UnsafePathException e) {
            Libc.close(fd);
            throw e;
        }
        return fd;
    }

    /** "owner nobody (uid 65534), group nogroup, mode 0777 (drwxrwxrwx)". */
    public static String describe(Path path) {
        try {
            PosixFileAttributes attributes = Files.readAttributes(path, PosixFileAttributes.class,
                    LinkOption.NOFOLLOW_LINKS);
            int uid = uid(path);
            int mode = mode(path);
            char kind = attributes.isDirectory() ? 'd' : attributes.isSymbolicLink() ? 'l' : '-';
            return "owner " + Identity.userName(uid) + " (uid " + uid + "), group " + attributes.group().getName()
                    + ", mode " + String.format(Locale.ROOT, "%04o", mode & 07777) + " (" + kind
                    + PosixFilePermissions.toString(attributes.permissions()) + ")";
        } catch (IOException | UncheckedAttributeException e) {
            return "cannot be examined";
        }
    }

    /** Sets a path's owner and group without following a link (lchown). */
    public static void setOwner(Path path, int uid, int gid) throws IOException {
        Files.setAttribute(path, "unix:uid", uid, LinkOption.NOFOLLOW_LINKS);
        Files.setAttribute(path, "unix:gid", gid, LinkOption.NOFOLLOW_LINKS);
    }

    /** Sets a path's group without following a link. */
    public static void setGroup(Path path, int gid) throws IOException {
        Files.setAttribute(path, "unix:gid", gid, LinkOption.NOFOLLOW_LINKS);
    }

    /** The owner's uid of {@code path}, not following a link. */
    public static int uid(Path path) {
        return (int) attribute(path, "unix:uid");
    }

    /** The mode bits of {@code path}, not following a link. */
    public static int mode(Path path) {
        return (int) attribute(path, "unix:mode");
    }

    private static Object attribute(Path path, String name) {
        try {
            return Files.getAttribute(path, name, LinkOption.NOFOLLOW_LINKS);
        } catch (IOException e) {
            throw new UncheckedAttributeException(e);
        }
    }

    private static final class UncheckedAttributeException extends RuntimeException {
        UncheckedAttributeException(IOException cause) {
            super(cause);
        }
    }

    private static String target(Path link) {
        try {
            return " (to " + Files.readSymbolicLink(link) + ")";
        } catch (IOException e) {
            return "";
        }
    }

    private static String ownerNames(Set<Integer> owners) {
        return ownerNames(owners, false);
    }

    /** "alice", "alice or root". */
    private static String ownerNames(Set<Integer> owners, boolean withRoot) {
        StringBuilder names = new StringBuilder();
        for (int uid : owners.stream().filter(u -> u != 0).sorted().toList()) {
            names.append(names.isEmpty() ? "" : " or ").append(Identity.userName(uid));
        }
        boolean root = withRoot || owners.contains(0);
        return names.isEmpty() ? "root" : names + (root ? " or root" : "");
    }
}
