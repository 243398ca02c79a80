package io.wsgi4j.config;

/** Where the application runs: mod_wsgi's daemon mode (the default) or embedded mode. */
public enum OperatingMode {
    /** In a supervised group of separate CPython processes, reached over a UNIX socket. */
    DAEMON,
    /** Inside the server processes themselves, CPython loaded into the JVM ({@code --embedded-mode}). */
    EMBEDDED;

    /** The name the banner and {@code -V} show. */
    public String key() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
