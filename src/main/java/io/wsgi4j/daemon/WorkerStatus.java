package io.wsgi4j.daemon;

import java.time.Duration;

/**
 * What one daemon process is doing, as the status page and the tests see it.
 *
 * @param slot          its position in the group (0 to processes - 1)
 * @param pid           its process id
 * @param state         starting, ready, stopping
 * @param accepting     whether it takes new requests
 * @param retiring      why it is being replaced, or null
 * @param requests      the requests it has taken
 * @param busy          the requests it is running now
 * @param threads       its connected request threads
 * @param residentBytes its resident set at the last sample (0 before the first)
 * @param cpuTime       the CPU time it had used at the last sample
 * @param uptime        how long it has been running
 */
public record WorkerStatus(int slot, long pid, String state, boolean accepting, RecycleReason retiring, long requests,
                           int busy, int threads, long residentBytes, Duration cpuTime, Duration uptime) {
}
