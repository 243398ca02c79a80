package io.wsgi4j.mpm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The scoreboard: made and read by the control process, written by the server process it was made for. */
class ScoreboardTest {
    @TempDir
    Path root;

    @Test
    void showsTheRequestsRunningAndForgetsThoseThatEnded() throws Exception {
        try (Scoreboard.Record record = Scoreboard.create(Scoreboard.fileFor(root, 42), 3, -1, -1)) {
            Scoreboard board = Scoreboard.attach(record.file());
            int a = board.begin("id-1", "GET /a");
            int b = board.begin("id-2", "POST /b?x=1");
            assertEquals(List.of("id-1 GET /a", "id-2 POST /b?x=1"), record.running());
            board.end(a);
            assertEquals(List.of("id-2 POST /b?x=1"), record.running());
            int c = board.begin("id-3", "GET /c");
            assertEquals(a, c, "the slot freed last is taken first");
            board.end(b);
            board.end(c);
            assertEquals(List.of(), record.running());
        }
    }

    @Test
    void aFullScoreboardLetsRequestsRunUnrecorded() throws Exception {
        try (Scoreboard.Record record = Scoreboard.create(Scoreboard.fileFor(root, 1), 1, -1, -1)) {
            Scoreboard board = Scoreboard.attach(record.file());
            int first = board.begin("id-1", "GET /");
            assertEquals(-1, board.begin("id-2", "GET /"));
            board.end(-1);
            assertEquals(List.of("id-1 GET /"), record.running());
            board.end(first);
        }
    }

    @Test
    void aLongDescriptionIsCutToTheSlot() throws Exception {
        try (Scoreboard.Record record = Scoreboard.create(Scoreboard.fileFor(root, 2), 2, -1, -1)) {
            Scoreboard.attach(record.file()).begin("id", "GET /" + "x".repeat(1000));
            assertEquals(Scoreboard.SLOT_BYTES - 4, record.running().getFirst().length());
        }
    }

    @Test
    void theControlReadsWhatItMadeWhateverTheProcessDidToThePath() throws Exception {
        try (Scoreboard.Record record = Scoreboard.create(Scoreboard.fileFor(root, 3), 2, -1, -1)) {
            Scoreboard.attach(record.file()).begin("id-1", "GET /a");
            // A process that replaces its scoreboard's path (with a link, say) changes nothing the control reads.
            Path elsewhere = Files.writeString(root.resolve("elsewhere"), "x".repeat(4096));
            Files.move(record.file(), root.resolve("moved"));
            Files.createSymbolicLink(record.file(), elsewhere);
            assertEquals(List.of("id-1 GET /a"), record.running());
            // One that truncates it shows nothing rather than garbage.
            try (FileChannel channel = FileChannel.open(root.resolve("moved"), StandardOpenOption.WRITE)) {
                channel.truncate(10);
            }
            assertEquals(List.of(), record.running());
        }
    }

    @Test
    void aProcessAttachesOnlyToAScoreboardMadeForItAndNeverThroughALink() throws Exception {
        Path foreign = Files.writeString(root.resolve("scoreboard-7"), "not a scoreboard at all, but long enough");
        assertThrows(IOException.class, () -> Scoreboard.attach(foreign));
        try (Scoreboard.Record record = Scoreboard.create(Scoreboard.fileFor(root, 8), 1, -1, -1)) {
            Path link = Files.createSymbolicLink(root.resolve("scoreboard-link"), record.file());
            assertThrows(IOException.class, () -> Scoreboard.attach(link));
        }
        assertThrows(IOException.class, () -> Scoreboard.create(foreign, 1, -1, -1), "an existing file is not reused");
    }

    @Test
    void leftoversAreRemovedAndClosingTheRecordRemovesTheFile() throws Exception {
        Scoreboard.Record record = Scoreboard.create(Scoreboard.fileFor(root, 4), 1, -1, -1);
        assertTrue(Files.exists(record.file()));
        record.close();
        assertFalse(Files.exists(record.file()));
        Files.writeString(root.resolve("scoreboard-99"), "");
        Files.writeString(root.resolve("error_log"), "kept");
        Scoreboard.removeLeftovers(root);
        assertFalse(Files.exists(root.resolve("scoreboard-99")));
        assertEquals("kept", Files.readString(root.resolve("error_log")));
    }
}
