package io.wsgi4j.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The server root: private to its owner, cleared of bodies a killed server left spooled, with the runtime unpacked. */
class ServerRootTest {
    @TempDir
    Path parent;

    @Test
    void preparingRemovesLeftoverSpoolFilesOnly() throws Exception {
        Path directory = parent.resolve("root");
        Files.createDirectories(directory);
        Path leftover = Files.writeString(directory.resolve("wsgi4j-body-abc-1-123.tmp"), "a body");
        Path log = Files.writeString(directory.resolve("error_log"), "a log line\n");
        ServerRoot root = ServerRoot.prepare(directory);
        assertTrue(Files.notExists(leftover), "the killed server's spool file is gone");
        assertEquals("a log line\n", Files.readString(log), "other files stay");
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(directory)));
        assertTrue(Files.exists(root.runtime().resolve("wsgi4j_worker/streams.py")));
    }
}
