package io.wsgi4j.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wsgi4j.platform.FileSafety;
import io.wsgi4j.platform.Identity;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The server root: ours or refused, private, cleared of what a killed server left, with the
 * runtime unpacked and the worker's run directory made.
 */
class ServerRootTest {
    @TempDir
    Path parent;

    @Test
    void preparingRemovesLeftoversOnlyAndKeepsItPrivate() throws Exception {
        Path directory = Files.createDirectory(parent.resolve("root"));
        Path run = Files.createDirectory(directory.resolve("run"));
        Path leftover = Files.writeString(run.resolve("wsgi4j-body-abc-1-123.tmp"), "a body");
        Path scoreboard = Files.writeString(directory.resolve("scoreboard-3"), "");
        Path log = Files.writeString(directory.resolve("error_log"), "a log line\n");
        ServerRoot root = ServerRoot.prepare(directory, Identity.current());
        assertTrue(Files.notExists(leftover), "the killed server's spool file is gone");
        assertTrue(Files.notExists(scoreboard), "and its scoreboards");
        assertEquals("a log line\n", Files.readString(log), "other files stay");
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(directory)));
        assertTrue(Files.exists(root.runtime().resolve("wsgi4j_worker/streams.py")));
        assertEquals(run, root.run());
        assertEquals(run.resolve("wsgi.sock"), root.socket());
    }

    @Test
    void aNewServerRootIsCreatedPrivate() throws Exception {
        Path directory = parent.resolve("fresh");
        ServerRoot.prepare(directory, Identity.current());
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(directory)));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(directory.resolve("run"))));
    }

    @Test
    void aServerRootOthersCanWriteToIsRefusedAndLeftAsItWas() throws Exception {
        Path directory = Files.createDirectory(parent.resolve("open"));
        Files.setPosixFilePermissions(directory, PosixFilePermissions.fromString("rwxrwxrwx"));
        Exception e = assertThrows(FileSafety.UnsafePathException.class,
                () -> ServerRoot.prepare(directory, Identity.current()));
        assertTrue(e.getMessage().startsWith("the server root " + directory + " is writable by its group and others"),
                e.getMessage());
        assertTrue(e.getMessage().contains("mode 0777 (drwxrwxrwx)"), e.getMessage());
        assertTrue(e.getMessage().contains("--server-root"), e.getMessage());
        assertFalse(Files.exists(directory.resolve("python")), "nothing was unpacked into it");
        assertEquals("rwxrwxrwx", PosixFilePermissions.toString(Files.getPosixFilePermissions(directory)));
    }

    @Test
    void aServerRootThatIsALinkIsRefused() throws Exception {
        Path real = Files.createDirectory(parent.resolve("real"));
        Path link = Files.createSymbolicLink(parent.resolve("link"), real);
        Exception e = assertThrows(FileSafety.UnsafePathException.class,
                () -> ServerRoot.prepare(link, Identity.current()));
        assertTrue(e.getMessage().contains("is a symbolic link (to " + real + ")"), e.getMessage());
    }

    @Test
    void aServerRootInsideADirectoryOthersCanWriteToIsRefused() throws Exception {
        Path open = Files.createDirectory(parent.resolve("shared"));
        Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rwxrwxrwx"));
        Exception e = assertThrows(FileSafety.UnsafePathException.class,
                () -> ServerRoot.prepare(open.resolve("root"), Identity.current()));
        assertTrue(e.getMessage().contains("is inside " + open.toRealPath()), e.getMessage());
        // Sticky, as /tmp is, it is fine: others cannot move what is ours.
        Files.setAttribute(open, "unix:mode", 01777);
        ServerRoot.prepare(open.resolve("root"), Identity.current());
    }

    @Test
    void aWorkerRuntimeChangedByOthersIsRefusedBeforeAProcessStartsFromIt() throws Exception {
        ServerRoot root = ServerRoot.prepare(parent.resolve("r"), Identity.current());
        io.wsgi4j.python.WorkerRuntime.verify(root.runtime());
        Path module = root.runtime().resolve("wsgi4j_worker/main.py");
        Files.setPosixFilePermissions(module, PosixFilePermissions.fromString("rw-rw-rw-"));
        Exception e = assertThrows(FileSafety.UnsafePathException.class,
                () -> io.wsgi4j.python.WorkerRuntime.verify(root.runtime()));
        assertTrue(e.getMessage().contains(module + " is writable by its group or others"), e.getMessage());
        Files.delete(module);
        Files.createSymbolicLink(module, parent);
        e = assertThrows(FileSafety.UnsafePathException.class, () -> io.wsgi4j.python.WorkerRuntime.verify(root.runtime()));
        assertTrue(e.getMessage().contains(module + " is a symbolic link"), e.getMessage());
        // The next start unpacks it afresh.
        ServerRoot.prepare(parent.resolve("r"), Identity.current());
        io.wsgi4j.python.WorkerRuntime.verify(root.runtime());
    }
}
