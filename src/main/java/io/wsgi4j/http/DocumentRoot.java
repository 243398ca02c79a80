package io.wsgi4j.http;

import java.io.IOException;
import java.nio.file.Path;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.http.MimeTypes;
import org.eclipse.jetty.http.content.HttpContent;
import org.eclipse.jetty.io.ByteBufferPool;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * {@code --document-root} as mod_wsgi-express sets it up: below the mount point, a URL naming a regular
 * file of the document root is that file ({@code RewriteCond %{REQUEST_FILENAME} !-f}); anything else
 * is the application's. Outside the mount point the document root serves nothing.
 */
final class DocumentRoot {
    private final StaticFiles files;
    private final String mountPoint;

    /**
     * @param mountPoint the application's mount point, "" for the root
     */
    DocumentRoot(Path directory, String mountPoint, MimeTypes types, ByteBufferPool pool) throws IOException {
        this.files = new StaticFiles(directory, types, pool);
        this.mountPoint = StaticFiles.routingForm(mountPoint);
    }

    StaticFiles files() {
        return files;
    }

    /**
     * Answers the request if the document root has it: the file, or 404 for a path below a file.
     *
     * @param path the request's {@link StaticFiles#routingPath}
     * @return false when the request is left to the application
     */
    boolean handle(String path, Request request, Response response, Callback callback) throws Exception {
        if (!mountPoint.isEmpty() && !path.equals(mountPoint) && !path.startsWith(mountPoint + "/")) {
            return false;
        }
        HttpContent content = files.find(path, request);
        if (content != null && !content.getResource().isDirectory()) {
            files.serve(request, response, callback, content);
            return true;
        }
        if (files.isBelowFile(path, request)) {
            Response.writeError(request, response, callback, HttpStatus.NOT_FOUND_404);
            return true;
        }
        return false;
    }
}
