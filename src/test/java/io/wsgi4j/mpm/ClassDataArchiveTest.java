package io.wsgi4j.mpm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClassDataArchiveTest {
    @TempDir
    Path dir;

    @Test
    void oneProcessWritesTheArchiveThenEveryProcessMapsIt() throws Exception {
        Path jar = Files.writeString(dir.resolve("wsgi4j.jar"), "jar");
        ClassDataArchive archive = ClassDataArchive.in(dir.resolve("cache"), "1.0", jar.toString());
        List<String> writer = archive.optionsForNext();
        assertEquals(2, writer.size(), "the archive, and its warnings silenced: " + writer);
        assertTrue(writer.getFirst().startsWith("-XX:ArchiveClassesAtExit="), writer.toString());
        assertEquals(List.of(), archive.optionsForNext(), "a second writer while the first runs");
        archive.started(100, writer);
        Path written = Path.of(writer.getFirst().substring("-XX:ArchiveClassesAtExit=".length()));
        Files.writeString(written, "classes");
        archive.exited(99, true);
        assertFalse(Files.exists(archive.path()), "another process's exit");
        archive.exited(100, true);
        assertEquals("classes", Files.readString(archive.path()));
        assertEquals(List.of("-XX:SharedArchiveFile=" + archive.path()), archive.optionsForNext());
    }

    @Test
    void aWriterThatCrashedLeavesNoArchiveAndTheNextWrites() throws Exception {
        Path jar = Files.writeString(dir.resolve("wsgi4j.jar"), "jar");
        ClassDataArchive archive = ClassDataArchive.in(dir.resolve("cache"), "1.0", jar.toString());
        List<String> writer = archive.optionsForNext();
        archive.started(100, writer);
        archive.exited(100, false);
        assertFalse(Files.exists(archive.path()));
        assertTrue(archive.optionsForNext().getFirst().startsWith("-XX:ArchiveClassesAtExit="));
    }

    @Test
    void aReadOnlyDirectoryMeansNoArchive() throws Exception {
        Path jar = Files.writeString(dir.resolve("wsgi4j.jar"), "jar");
        Path cache = Files.createDirectory(dir.resolve("ro"));
        Files.setPosixFilePermissions(cache, PosixFilePermissions.fromString("r-xr-xr-x"));
        try {
            ClassDataArchive archive = ClassDataArchive.in(cache, "1.0", jar.toString());
            // root may write anywhere: only a directory that really refuses counts.
            if (!Files.isWritable(cache)) {
                assertEquals(List.of(), archive.optionsForNext());
            }
            ClassDataArchive nowhere = ClassDataArchive.in(jar.resolve("not-a-directory"), "1.0", jar.toString());
            assertEquals(List.of(), nowhere.optionsForNext());
        } finally {
            Files.setPosixFilePermissions(cache, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
    }

    @Test
    void onlyTheMostRecentArchivesAreKept() throws Exception {
        Path jar = Files.writeString(dir.resolve("wsgi4j.jar"), "jar");
        Path cache = Files.createDirectory(dir.resolve("cache"));
        for (int i = 0; i < 6; i++) {
            Path old = Files.writeString(cache.resolve("wsgi4j-0.9-old" + i + ".jsa"), "old");
            Files.setLastModifiedTime(old, java.nio.file.attribute.FileTime.fromMillis(1_000_000L * (i + 1)));
        }
        Files.writeString(cache.resolve("unrelated.jsa"), "kept");
        ClassDataArchive archive = ClassDataArchive.in(cache, "1.0", jar.toString());
        List<String> writer = archive.optionsForNext();
        archive.started(7, writer);
        Files.writeString(Path.of(writer.getFirst().substring("-XX:ArchiveClassesAtExit=".length())), "new");
        archive.exited(7, true);
        try (var files = Files.list(cache)) {
            assertEquals(List.of("unrelated.jsa", "wsgi4j-0.9-old3.jsa", "wsgi4j-0.9-old4.jsa", "wsgi4j-0.9-old5.jsa",
                    archive.path().getFileName().toString()).stream().sorted().toList(),
                    files.map(f -> f.getFileName().toString()).sorted().toList());
        }
    }

    @Test
    void aRebuiltJarGetsAnArchiveOfItsOwn() throws Exception {
        Path jar = Files.writeString(dir.resolve("wsgi4j.jar"), "jar");
        Path before = ClassDataArchive.in(dir, "1.0", jar.toString()).path();
        Files.writeString(jar, "a longer jar");
        assertFalse(before.equals(ClassDataArchive.in(dir, "1.0", jar.toString()).path()));
    }
}
