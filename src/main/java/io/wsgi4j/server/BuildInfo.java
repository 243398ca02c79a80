package io.wsgi4j.server;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/**
 * What this build of wsgi4j is: its version, when it was built, which Jetty it was built with.
 *
 * @param version the wsgi4j version
 * @param built   the build time, {@code yyyy-MM-ddTHH:mm:ss}
 * @param jetty   the Jetty version
 */
public record BuildInfo(String version, String built, String jetty) {

    /** Reads the facts the build wrote into the jar. */
    public static BuildInfo load() {
        Properties properties = new Properties();
        try (InputStream in = BuildInfo.class.getResourceAsStream("/io/wsgi4j/build.properties")) {
            if (in != null) {
                properties.load(in);
            }
        } catch (IOException e) {
            // fall back to "unknown" below
        }
        return new BuildInfo(properties.getProperty("version", "unknown"), properties.getProperty("built", "unknown"),
                properties.getProperty("jetty", "unknown"));
    }

    /** The product token, as in {@code Server:} headers and SERVER_SOFTWARE: {@code wsgi4j/0.1.0}. */
    public String serverSoftware() {
        return "wsgi4j/" + version;
    }
}
