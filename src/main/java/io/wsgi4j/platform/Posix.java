package io.wsgi4j.platform;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.file.Files;
import java.nio.file.Path;

/** The few POSIX calls the JDK does not offer, made through the FFM API. */
public final class Posix {
    public static final int SIGHUP = 1;
    public static final int SIGINT = 2;
    public static final int SIGQUIT = 3;
    public static final int SIGKILL = 9;
    public static final int SIGUSR1 = 10;
    public static final int SIGUSR2 = 12;
    public static final int SIGTERM = 15;

    private static final MethodHandle KILL = Linker.nativeLinker().downcallHandle(
            Linker.nativeLinker().defaultLookup().find("kill").orElseThrow(),
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));

    private static final MethodHandle SIGNAL = Linker.nativeLinker().downcallHandle(
            Linker.nativeLinker().defaultLookup().find("signal").orElseThrow(),
            FunctionDescriptor.of(ValueLayout.ADDRESS, ValueLayout.JAVA_INT, ValueLayout.ADDRESS));

    private Posix() {
    }

    /** Sends a signal to a process group (the group led by {@code pgid}); false if there is none. */
    public static boolean killGroup(long pgid, int signal) {
        return kill(-pgid, signal);
    }

    /** Sends a signal to a process; false if it does not exist or may not be signalled. */
    public static boolean kill(long pid, int signal) {
        try {
            return (int) KILL.invokeExact((int) pid, signal) == 0;
        } catch (Throwable e) {
            throw new IllegalStateException("kill(" + pid + ", " + signal + ") failed", e);
        }
    }

    /**
     * Gives a signal its default disposition again. A process inherits ignored signals: a shell
     * without job control ignores SIGINT in the commands it starts in the background, and the JVM
     * then refuses to handle it.
     */
    public static void restoreDefaultDisposition(int signal) {
        try {
            MemorySegment previous = (MemorySegment) SIGNAL.invokeExact(signal, MemorySegment.NULL);
            if (previous.address() == -1L) {
                throw new IllegalStateException("signal(" + signal + ", SIG_DFL) failed");
            }
        } catch (RuntimeException e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException("signal(" + signal + ", SIG_DFL) failed", e);
        }
    }

    /** The real user id of this process (the owner of /proc/self). */
    public static int uid() {
        try {
            return (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
        } catch (Exception e) {
            return 0;
        }
    }

    /** The conventional name of a signal, for log messages. */
    public static String signalName(int signal) {
        return switch (signal) {
            case 1 -> "SIGHUP";
            case 2 -> "SIGINT";
            case 3 -> "SIGQUIT";
            case 4 -> "SIGILL";
            case 6 -> "SIGABRT";
            case 7 -> "SIGBUS";
            case 8 -> "SIGFPE";
            case 9 -> "SIGKILL";
            case 10 -> "SIGUSR1";
            case 11 -> "SIGSEGV";
            case 12 -> "SIGUSR2";
            case 13 -> "SIGPIPE";
            case 14 -> "SIGALRM";
            case 15 -> "SIGTERM";
            case 24 -> "SIGXCPU";
            case 25 -> "SIGXFSZ";
            default -> "signal " + signal;
        };
    }

    /** Describes how a child process ended, from the exit value Java reports (128 + n for signal n). */
    public static String describeExit(int exitValue) {
        if (exitValue > 128 && exitValue < 128 + 65) {
            int signal = exitValue - 128;
            return "killed by signal " + signal + " (" + signalName(signal) + ")";
        }
        return "exited with status " + exitValue;
    }
}
