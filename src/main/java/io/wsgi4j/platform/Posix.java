package io.wsgi4j.platform;

/** Signals and the process's own ids, for the rest of the server (the calls themselves are in {@link Libc}). */
public final class Posix {
    public static final int SIGHUP = 1;
    public static final int SIGINT = 2;
    public static final int SIGQUIT = 3;
    public static final int SIGKILL = 9;
    public static final int SIGUSR1 = 10;
    public static final int SIGUSR2 = 12;
    public static final int SIGTERM = 15;

    private Posix() {
    }

    /** Sends a signal to a process group (the group led by {@code pgid}); false if there is none. */
    public static boolean killGroup(long pgid, int signal) {
        return kill(-pgid, signal);
    }

    /** Sends a signal to a process; false if it does not exist or may not be signalled. */
    public static boolean kill(long pid, int signal) {
        return Libc.kill(pid, signal);
    }

    /**
     * Gives a signal its default disposition again. A process inherits ignored signals: a shell
     * without job control ignores SIGINT in the commands it starts in the background, and the JVM
     * then refuses to handle it.
     */
    public static void restoreDefaultDisposition(int signal) {
        Libc.defaultSignal(signal);
    }

    /**
     * The effective user id of this process. (Not the owner of /proc/self: a process that changed
     * its user is not dumpable, and its /proc entries then belong to root.)
     */
    public static int uid() {
        return Libc.geteuid();
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
