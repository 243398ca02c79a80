package io.wsgi4j.config;

import java.util.List;
import java.util.Map;

/**
 * The WSGI application and how requests reach it.
 *
 * @param type              script file or Python module
 * @param entryPoint        absolute script path, or {@code package.module[:callable]}
 * @param callableObject    the name of the WSGI callable ({@code WSGICallableObject})
 * @param mountPoint        the URL prefix the application is mounted at; "" for the root
 * @param setenv            extra environ entries ({@code SetEnv}), in order
 * @param passAuthorization whether the Authorization header reaches the application
 */
public record ApplicationConfig(
        ApplicationType type,
        String entryPoint,
        String callableObject,
        String mountPoint,
        List<Map.Entry<String, String>> setenv,
        boolean passAuthorization) {

    public ApplicationConfig {
        setenv = List.copyOf(setenv);
    }
}
