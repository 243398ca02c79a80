package io.wsgi4j.config;

/** How the application is found: {@code --application-type}. */
public enum ApplicationType {
    /** A WSGI script file, executed as mod_wsgi does. */
    SCRIPT,
    /** An importable module, {@code package.module[:callable]}. */
    MODULE;

    /** The name used on the command line and by the worker runtime. */
    public String key() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
