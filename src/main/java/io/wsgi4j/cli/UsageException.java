package io.wsgi4j.cli;

/** The command line is wrong; the message says how, and the caller points to --help. */
public final class UsageException extends Exception {
    public UsageException(String message) {
        super(message);
    }
}
