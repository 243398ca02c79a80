package io.wsgi4j.mpm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ScoreboardTest {
    @TempDir
    Path root;

    @Test
    void showsTheRequestsRunningAndForgetsThoseThatEnded() throws Exception {
        Path file = Scoreboard.fileFor(root, 42);
        Scoreboard board = Scoreboard.create(file, 3);
        int a = board.begin("id-1", "GET /a");
        int b = board.begin("id-2", "POST /b?x=1");
        assertEquals(List.of("id-1 GET /a", "id-2 POST /b?x=1"), Scoreboard.running(file));
        board.end(a);
        assertEquals(List.of("id-2 POST /b?x=1"), Scoreboard.running(file));
        int c = board.begin("id-3", "GET /c");
        assertEquals(a, c, "the slot freed last is taken first");
        board.end(b);
        board.end(c);
        assertEquals(List.of(), Scoreboard.running(file));
    }

    @Test
    void aFullScoreboardLetsRequestsRunUnrecorded() throws Exception {
        Scoreboard board = Scoreboard.create(Scoreboard.fileFor(root, 1), 1);
        int first = board.begin("id-1", "GET /");
        assertEquals(-1, board.begin("id-2", "GET /"));
        board.end(-1);
        assertEquals(List.of("id-1 GET /"), Scoreboard.running(board.file()));
        board.end(first);
    }

    @Test
    void aLongDescriptionIsCutToTheSlot() throws Exception {
        Scoreboard board = Scoreboard.create(Scoreboard.fileFor(root, 2), 2);
        board.begin("id", "GET /" + "x".repeat(1000));
        String shown = Scoreboard.running(board.file()).getFirst();
        assertEquals(Scoreboard.SLOT_BYTES - 4, shown.length());
    }

    @Test
    void noFileOrAForeignFileShowsNothing() throws Exception {
        assertEquals(List.of(), Scoreboard.running(root.resolve("scoreboard-404")));
        Path foreign = root.resolve("scoreboard-7");
        Files.writeString(foreign, "not a scoreboard at all, but long enough");
        assertEquals(List.of(), Scoreboard.running(foreign));
    }

    @Test
    void leftoversAreRemovedAndCloseRemovesTheFile() throws Exception {
        Scoreboard board = Scoreboard.create(Scoreboard.fileFor(root, 3), 1);
        Files.writeString(root.resolve("scoreboard-99"), "");
        Files.writeString(root.resolve("error_log"), "kept");
        Scoreboard.removeLeftovers(root);
        assertFalse(Files.exists(root.resolve("scoreboard-99")));
        assertFalse(Files.exists(board.file()));
        assertEquals("kept", Files.readString(root.resolve("error_log")));
        board.close();
    }
}
