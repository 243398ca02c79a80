package io.wsgi4j.config;

import java.time.Duration;

/**
 * When a daemon process is replaced by a fresh one (gracefully: the new one is ready before the
 * old one stops taking requests). Zero turns a trigger off.
 *
 * @param maximumRequests   after this many requests ({@code maximum-requests})
 * @param restartInterval   after this long ({@code restart-interval})
 * @param inactivityTimeout after this long without a request ({@code inactivity-timeout})
 * @param cpuTimeLimit      after this much CPU time ({@code cpu-time-limit})
 * @param memoryLimit       once its resident set exceeds this many bytes ({@code memory-limit})
 */
public record RecyclePolicy(long maximumRequests, Duration restartInterval, Duration inactivityTimeout,
                            Duration cpuTimeLimit, long memoryLimit) {

    /** No trigger at all. */
    public static final RecyclePolicy NEVER = new RecyclePolicy(0, Duration.ZERO, Duration.ZERO, Duration.ZERO, 0);
}
