package io.wsgi4j.mpm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The server processes' JVM options: the shared ones, and the compiler by processes per core. */
class ChildJvmTest {
    @Test
    void c2AloneUpToTwoProcessesPerCoreThenC1() {
        assertEquals("-XX:-TieredCompilation", ChildJvm.compiler(1, 2));
        assertEquals("-XX:-TieredCompilation", ChildJvm.compiler(4, 2));
        assertEquals("-XX:TieredStopAtLevel=1", ChildJvm.compiler(5, 2));
        assertEquals("-XX:TieredStopAtLevel=1", ChildJvm.compiler(8, 2));
        assertEquals("-XX:-TieredCompilation", ChildJvm.compiler(8, 4));
    }

    @Test
    void theLeanOptionsCarryTheCompilerAndTheCrashDirectory() {
        var options = ChildJvm.leanOptions(Path.of("/srv/root/run"), 8, 2);
        assertTrue(options.contains("-XX:TieredStopAtLevel=1"), options.toString());
        assertTrue(options.contains("-XX:ErrorFile=/srv/root/run/hs_err_pid%p.log"), options.toString());
        assertTrue(options.containsAll(ChildJvm.sharedOptions()), options.toString());
    }

    @Test
    void theSharedOptionsAreTheLinesOfTheirFileWithoutComments() {
        var shared = ChildJvm.sharedOptions();
        assertTrue(shared.containsAll(java.util.List.of("-XX:+UseSerialGC", "-XX:+UseCompactObjectHeaders",
                "-XX:ArchiveRelocationMode=0", "-Xss512k")), shared.toString());
        assertTrue(shared.stream().allMatch(o -> o.startsWith("-") && !o.contains(" ")), shared.toString());
    }
}
