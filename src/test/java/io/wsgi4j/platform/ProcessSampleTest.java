package io.wsgi4j.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Parsing /proc: a real sample of this JVM, and the awkward cases of the formats. */
class ProcessSampleTest {
    @Test
    void thisProcessHasMemoryAndCpuTime() {
        ProcessSample sample = ProcessSample.of(ProcessHandle.current().pid()).orElseThrow();
        assertTrue(sample.residentBytes() > 10L << 20, "a JVM uses more than 10 MiB: " + sample);
        assertTrue(sample.cpuTime().toMillis() > 0, sample.toString());
    }

    @Test
    void aProcessThatIsGoneHasNoSample() {
        assertTrue(ProcessSample.of(Integer.MAX_VALUE).isEmpty());
    }

    @Test
    void theCommandNameMayHoldSpacesAndParentheses() {
        String stat = "4242 ((wsgi:localhost:8000:0) x) S 1 4242 4242 0 -1 4194560 2231 0 0 0 150 25 0 0 20 0 6 0 "
                + "123 45678 3000 18446744073709551615";
        assertEquals(Duration.ofMillis(1750), ProcessSample.cpuTime(stat));
    }

    @Test
    void residentSetIsReadInKibibytes() {
        String status = "Name:\tpython3\nVmPeak:\t  30000 kB\nVmRSS:\t   12345 kB\nThreads:\t6\n";
        assertEquals(12345L * 1024, ProcessSample.residentBytes(status));
        assertEquals(0, ProcessSample.residentBytes("Name:\tzombie\nState:\tZ (zombie)\n"));
    }
}
