package io.wsgi4j.platform;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * What Linux reports of a running process: its resident set and the CPU time it has used,
 * read from {@code /proc/PID/status} and {@code /proc/PID/stat}.
 *
 * @param residentBytes the resident set size (VmRSS)
 * @param cpuTime       user plus system time
 */
public record ProcessSample(long residentBytes, Duration cpuTime) {
    /** USER_HZ: the unit of the times in /proc/PID/stat, 100 on every Linux architecture. */
    private static final long TICKS_PER_SECOND = 100;

    /** Reads the process's figures now; empty if it has gone. */
    public static Optional<ProcessSample> of(long pid) {
        Path dir = Path.of("/proc", Long.toString(pid));
        try {
            String status = Files.readString(dir.resolve("status"), StandardCharsets.US_ASCII);
            String stat = Files.readString(dir.resolve("stat"), StandardCharsets.US_ASCII);
            return Optional.of(new ProcessSample(residentBytes(status), cpuTime(stat)));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /** VmRSS from /proc/PID/status, in bytes (0 for a zombie, which has none). */
    static long residentBytes(String status) {
        for (String line : status.split("\n")) {
            if (line.startsWith("VmRSS:")) {
                String[] fields = line.substring(6).trim().split("\\s+");
                return Long.parseLong(fields[0]) * 1024;
            }
        }
        return 0;
    }

    /** utime + stime from /proc/PID/stat: the 14th and 15th fields, counted after the parenthesised name. */
    static Duration cpuTime(String stat) {
        // The command name may hold spaces and parentheses: the fields start after the last ')'.
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
        long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
        return Duration.ofMillis(ticks * 1000 / TICKS_PER_SECOND);
    }
}
