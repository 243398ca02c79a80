package io.wsgi4j.mpm;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class WaitStatusTest {
    @Test
    void decodesExitsAndSignalsAsWaitpidReportsThem() {
        assertEquals("exited with status 0", WaitStatus.of(0).describe());
        assertEquals("exited with status 1", WaitStatus.of(1 << 8).describe());
        assertEquals("killed by signal 9 (SIGKILL)", WaitStatus.of(9).describe());
        // SIGABRT with the core-dump bit: a JVM that crashed (hs_err) and dumped core.
        assertEquals("killed by signal 6 (SIGABRT)", WaitStatus.of(0x80 | 6).describe());
        assertEquals(new WaitStatus(-1, 11), WaitStatus.of(11));
    }
}
