package io.wsgi4j.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The rules for what wsgi4j writes to, against the real file system. */
class FileSafetyTest {
    @TempDir
    Path dir;

    private static Set<Integer> self() {
        return Set.of(Libc.geteuid());
    }

    @Test
    void aDirectoryIsCreatedPrivateOrCheckedWhenItExists() throws Exception {
        Path made = dir.resolve("made");
        assertTrue(FileSafety.createOrCheckDirectory(made, "the test directory", self(), "choose another"));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(made)));
        assertFalse(FileSafety.createOrCheckDirectory(made, "the test directory", self(), "choose another"));
    }

    @Test
    void aDirectoryOfAnotherUserIsRefusedNamingItsOwnerAndMode() throws Exception {
        Path made = Files.createDirectory(dir.resolve("theirs"));
        // Who owns it is what counts: here a user id that is not this process's.
        Exception e = assertThrows(FileSafety.UnsafePathException.class,
                () -> FileSafety.checkDirectory(made, "the test directory", Set.of(Libc.geteuid() + 1), "choose another"));
        assertTrue(e.getMessage().startsWith("the test directory " + made + " belongs to another user (owner "),
                e.getMessage());
        assertTrue(e.getMessage().contains("mode 0755 (drwxr-xr-x)") || e.getMessage().contains("mode 0700"),
                e.getMessage());
        assertTrue(e.getMessage().endsWith("; choose another"), e.getMessage());
    }

    @Test
    void aDirectoryGroupOrOthersCanWriteToOrALinkIsRefused() throws Exception {
        Path open = Files.createDirectory(dir.resolve("open"));
        Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rwxrwx---"));
        Exception e = assertThrows(FileSafety.UnsafePathException.class,
                () -> FileSafety.checkDirectory(open, "the test directory", self(), "x"));
        assertTrue(e.getMessage().contains(" is writable by its group ("), e.getMessage());
        Path link = Files.createSymbolicLink(dir.resolve("link"), Files.createDirectory(dir.resolve("private")));
        e = assertThrows(FileSafety.UnsafePathException.class,
                () -> FileSafety.createOrCheckDirectory(link, "the test directory", self(), "x"));
        assertTrue(e.getMessage().contains(" is a symbolic link (to " + dir.resolve("private") + ")"), e.getMessage());
        Path file = Files.writeString(dir.resolve("file"), "");
        e = assertThrows(FileSafety.UnsafePathException.class,
                () -> FileSafety.checkDirectory(file, "the test directory", self(), "x"));
        assertTrue(e.getMessage().contains(" is not a directory"), e.getMessage());
    }

    @Test
    void aLogIsAppendedToWithoutFollowingALink() throws Exception {
        Path log = dir.resolve("log");
        int fd = FileSafety.openForAppend(log, "the test log");
        try {
            Libc.writeFully(fd, "one\n".getBytes(StandardCharsets.US_ASCII));
        } finally {
            Libc.close(fd);
        }
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(log)));
        fd = FileSafety.openForAppend(log, "the test log");
        try {
            Libc.writeFully(fd, "two\n".getBytes(StandardCharsets.US_ASCII));
        } finally {
            Libc.close(fd);
        }
        assertEquals("one\ntwo\n", Files.readString(log));

        Path target = Files.writeString(dir.resolve("target"), "precious\n");
        Path planted = Files.createSymbolicLink(dir.resolve("planted"), target);
        Exception e = assertThrows(FileSafety.UnsafePathException.class,
                () -> FileSafety.openForAppend(planted, "the test log"));
        assertEquals("the test log " + planted + " is a symbolic link (to " + target + "): wsgi4j never writes "
                + "through a link (another user may have planted it); remove it", e.getMessage());
        Path dangling = Files.createSymbolicLink(dir.resolve("dangling"), dir.resolve("nothing-yet"));
        assertThrows(FileSafety.UnsafePathException.class, () -> FileSafety.openForAppend(dangling, "the test log"));
        assertEquals("precious\n", Files.readString(target));
        assertFalse(Files.exists(dir.resolve("nothing-yet")), "a dangling link is not followed to create its target");
    }

    @Test
    void aFifoInPlaceOfALogIsRefusedWithoutBlocking() throws Exception {
        Path fifo = dir.resolve("fifo");
        Process mkfifo = new ProcessBuilder("mkfifo", fifo.toString()).start();
        assertTrue(mkfifo.waitFor(10, TimeUnit.SECONDS) && mkfifo.exitValue() == 0);
        Exception e = assertThrows(FileSafety.UnsafePathException.class, () -> FileSafety.openForAppend(fifo, "the test log"));
        assertTrue(e.getMessage().contains("is not a regular file"), e.getMessage());
    }

    @Test
    void aLogInADirectoryOthersCanWriteToIsRefused() throws Exception {
        Path open = Files.createDirectory(dir.resolve("open"));
        Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rwxrwxrwx"));
        Exception e = assertThrows(FileSafety.UnsafePathException.class,
                () -> FileSafety.openForAppend(open.resolve("log"), "the test log"));
        assertTrue(e.getMessage().startsWith("the directory of the test log " + open + " is writable by its group and "
                + "others"), e.getMessage());
    }

    @Test
    void ancestorsOthersCanWriteToAreRefusedUnlessSticky() throws Exception {
        Path shared = Files.createDirectory(dir.resolve("shared"));
        Files.setPosixFilePermissions(shared, PosixFilePermissions.fromString("rwxrwxrwx"));
        Exception e = assertThrows(FileSafety.UnsafePathException.class,
                () -> FileSafety.checkAncestors(shared.resolve("root"), "the server root", self(), "x"));
        assertTrue(e.getMessage().contains("is inside " + shared.toRealPath() + " ("), e.getMessage());
        Files.setAttribute(shared, "unix:mode", 01777);
        FileSafety.checkAncestors(shared.resolve("root"), "the server root", self(), "x");
    }
}
