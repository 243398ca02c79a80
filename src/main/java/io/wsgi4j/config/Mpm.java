package io.wsgi4j.config;

import java.util.Optional;

/** Apache's multi-processing modules, as {@code --server-mpm} names them. */
public enum Mpm {
    /** Server processes that each run one request at a time. */
    PREFORK(false),
    /** Server processes with a fixed number of request threads each. */
    WORKER(true),
    /** As worker, and idle keep-alive connections hold no request thread. */
    EVENT(true);

    private final boolean threaded;

    Mpm(boolean threaded) {
        this.threaded = threaded;
    }

    /** Whether its server processes have more than one request thread ({@code httpd -V}'s "threaded"). */
    public boolean threaded() {
        return threaded;
    }

    /** The lower-case name Apache 2.4 prints. */
    public String key() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    /** The MPM of that name, if there is one. */
    public static Optional<Mpm> parse(String name) {
        for (Mpm mpm : values()) {
            if (mpm.key().equals(name)) {
                return Optional.of(mpm);
            }
        }
        return Optional.empty();
    }
}
