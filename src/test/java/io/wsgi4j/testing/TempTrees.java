package io.wsgi4j.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;

/** Removes the temporary directories the test servers make. */
public final class TempTrees {
    private TempTrees() {
    }

    /** Deletes a directory and everything in it; what cannot be deleted is left behind. */
    public static void delete(Path root) {
        try (var paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            // a temporary directory left behind
        }
    }
}
