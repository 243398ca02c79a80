package io.wsgi4j.mpm;

import io.wsgi4j.platform.Posix;

/**
 * How a server process ended, decoded from waitpid's status.
 *
 * @param exitCode its exit status, or -1 when a signal ended it
 * @param signal   the signal that ended it, or 0 when it exited
 */
public record WaitStatus(int exitCode, int signal) {

    /** Decodes a raw wait status (WIFEXITED/WEXITSTATUS, WIFSIGNALED/WTERMSIG). */
    public static WaitStatus of(int raw) {
        int signal = raw & 0x7f;
        return signal == 0 ? new WaitStatus((raw >> 8) & 0xff, 0) : new WaitStatus(-1, signal);
    }

    public boolean signalled() {
        return signal != 0;
    }

    /** "exited with status 0", "killed by signal 9 (SIGKILL)": the words the daemon processes' exit lines use. */
    public String describe() {
        return Posix.describeExit(signalled() ? 128 + signal : exitCode);
    }
}
