package io.wsgi4j.daemon;

/** Why a daemon process was replaced by a fresh one. */
public enum RecycleReason {
    MAXIMUM_REQUESTS("--maximum-requests"),
    RESTART_INTERVAL("--restart-interval"),
    INACTIVITY_TIMEOUT("--inactivity-timeout"),
    CPU_TIME_LIMIT("--cpu-time-limit"),
    MEMORY_LIMIT("--memory-limit"),
    REQUEST_TIMEOUT("--request-timeout"),
    GRACEFUL_RESTART("graceful restart"),
    SCRIPT_CHANGED("script reloading"),
    MODULE_CHANGED("--reload-on-changes");

    private final String source;

    RecycleReason(String source) {
        this.source = source;
    }

    /** The option or event behind it, as log lines name it. */
    public String source() {
        return source;
    }
}
