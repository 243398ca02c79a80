package io.wsgi4j.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/** Waits for things a test application leaves behind (it cannot answer once its client is gone). */
public final class Await {
    private Await() {
    }

    /** Waits up to {@code timeout} for a file to exist and returns its text. */
    public static String file(Path file, Duration timeout) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!Files.exists(file)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(file + " did not appear within " + timeout);
            }
            Thread.sleep(20);
        }
        return Files.readString(file, StandardCharsets.UTF_8);
    }
}
