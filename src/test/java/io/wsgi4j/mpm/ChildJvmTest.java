package io.wsgi4j.mpm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** Which compiler the server processes get: C2 alone while they are few for the cores, C1 alone past that. */
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
        assertTrue(options.contains("-XX:+UseSerialGC"), options.toString());
    }
}
