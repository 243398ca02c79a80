package io.wsgi4j.gateway;

import io.wsgi4j.config.ApplicationConfig;
import io.wsgi4j.config.ApplicationType;
import io.wsgi4j.config.DaemonConfig;
import io.wsgi4j.config.ServerModel;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * The environ entries that are the same for every request of an application, marshalled once.
 *
 * @param marshalled the dict entries (keys and values, no dict markers)
 * @param mountPoint the application's mount point ("" for the root)
 * @param passAuthorization whether HTTP_AUTHORIZATION is passed
 */
public record EnvironDefaults(byte[] marshalled, String mountPoint, boolean passAuthorization) {

    /**
     * Builds the constant entries.
     *
     * @param serverSoftware the SERVER_SOFTWARE value
     * @param runOnce        {@code wsgi.run_once}
     */
    public static EnvironDefaults of(ApplicationConfig application, ServerModel model, DaemonConfig daemon,
                                     Optional<Path> documentRoot, String serverSoftware, boolean runOnce) {
        MarshalWriter out = new MarshalWriter(1024);
        // SetEnv values first: the CGI variables written after them win, as in Apache.
        for (Map.Entry<String, String> entry : application.setenv()) {
            out.str(entry.getKey()).str(latin1(entry.getValue()));
        }
        out.str("GATEWAY_INTERFACE").str("CGI/1.1");
        out.str("SERVER_SOFTWARE").str(serverSoftware);
        if (application.type() == ApplicationType.SCRIPT) {
            out.str("SCRIPT_FILENAME").str(latin1(application.entryPoint()));
        }
        documentRoot.ifPresent(root -> out.str("DOCUMENT_ROOT").str(latin1(root.toString())));
        out.str("wsgi.version").intTuple(1, 0);
        out.str("wsgi.multithread").bool(model.multithread());
        out.str("wsgi.multiprocess").bool(model.multiprocess());
        out.str("wsgi.run_once").bool(runOnce);
        out.str("wsgi.input_terminated").bool(true);
        // As mod_wsgi, an empty process group means embedded mode.
        out.str("wsgi4j.process_group").str(model.embedded() ? "" : latin1(daemon.name()));
        out.str("wsgi4j.application_group").str("");
        out.str("wsgi4j.callable_object").str(application.callableObject());
        out.str("wsgi4j.script_reloading").str("0");
        return new EnvironDefaults(out.toByteArray(), application.mountPoint(), application.passAuthorization());
    }

    /** A file-system or configuration string as PEP 3333 wants it: its UTF-8 bytes, one char each. */
    static String latin1(String value) {
        return new String(value.getBytes(java.nio.charset.StandardCharsets.UTF_8),
                java.nio.charset.StandardCharsets.ISO_8859_1);
    }
}
