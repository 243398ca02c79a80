package io.wsgi4j.config;

/** A configuration mistake, reported before anything starts; the message names the option. */
public final class ConfigException extends Exception {
    public ConfigException(String message) {
        super(message);
    }
}
