package io.wsgi4j.http;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.eclipse.jetty.http.CompressedContentFormat;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.http.HttpURI;
import org.eclipse.jetty.http.MimeTypes;
import org.eclipse.jetty.http.PreEncodedHttpField;
import org.eclipse.jetty.http.content.FileMappingHttpContentFactory;
import org.eclipse.jetty.http.content.HttpContent;
import org.eclipse.jetty.http.content.PreCompressedHttpContentFactory;
import org.eclipse.jetty.http.content.ResourceHttpContentFactory;
import org.eclipse.jetty.http.content.ValidatingCachingHttpContentFactory;
import org.eclipse.jetty.io.ByteBufferPool;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.ResourceService;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.URIUtil;
import org.eclipse.jetty.util.resource.Resource;
import org.eclipse.jetty.util.resource.ResourceFactory;

/**
 * Static files from one directory (or one file) through Jetty's {@link ResourceService}:
 * ETag, Last-Modified, 304, ranges, precompressed {@code .gz} variants and content types.
 * Nothing outside the directory is ever served, symbolic links included.
 */
final class StaticFiles {
    private static final HttpField ALLOW = new PreEncodedHttpField(HttpHeader.ALLOW, "GET, HEAD, OPTIONS");

    private final ResourceService service = new FileService();
    private final Path root;
    private final Path realRoot;
    private final String singleFile;

    /**
     * @param target a directory to serve, or a single file
     * @param types  content types by extension
     */
    StaticFiles(Path target, MimeTypes types, ByteBufferPool pool) throws IOException {
        boolean file = Files.isRegularFile(target);
        this.root = file ? target.getParent() : target;
        this.realRoot = root.toRealPath();
        this.singleFile = file ? "/" + target.getFileName() : null;
        Resource base = ResourceFactory.root().newResource(root);
        ByteBufferPool.Sized buffers = new ByteBufferPool.Sized(pool);
        HttpContent.Factory contents = new ResourceHttpContentFactory(base, types, buffers);
        contents = new StrongEtags(contents);
        contents = new FileMappingHttpContentFactory(contents);
        contents = new PreCompressedHttpContentFactory(contents, java.util.List.of(CompressedContentFormat.GZIP));
        contents = new ValidatingCachingHttpContentFactory(contents, Duration.ofSeconds(1).toMillis(), buffers);
        service.setHttpContentFactory(contents);
        service.setPrecompressedFormats(java.util.List.of(CompressedContentFormat.GZIP));
        service.setEtags(true);
        service.setAcceptRanges(true);
        service.setDirAllowed(false);
        service.setWelcomeMode(ResourceService.WelcomeMode.SERVE);
        // Apache's DirectoryIndex: a directory's index.html, found relative to this root.
        service.setWelcomeFactory((content, request) -> {
            Path directory = content.getResource().getPath();
            if (directory == null || !Files.isRegularFile(directory.resolve("index.html"))) {
                return null;
            }
            String relative = root.relativize(directory).toString();
            return URIUtil.encodePath((relative.isEmpty() ? "/" : "/" + relative + "/") + "index.html");
        });
    }

    /**
     * The content for a path below this root, or null when there is none to serve.
     *
     * @param subPath the path below the URL prefix, in {@link #routingPath} form ("" or starting with "/")
     */
    HttpContent find(String subPath, Request request) throws IOException {
        String path = singleFile != null ? (subPath.isEmpty() ? singleFile : null) : (subPath.isEmpty() ? "/" : subPath);
        if (path == null) {
            return null;
        }
        HttpContent content = service.getContent(path, request);
        if (content == null || content.getResource() == null) {
            return null;
        }
        Resource resource = content.getResource();
        if (!resource.exists()) {
            return null;
        }
        Path file = resource.getPath();
        // "file.txt/" resolves to file.txt on Linux; Apache answers 404, and so do we.
        if (path.endsWith("/") && !resource.isDirectory()) {
            return null;
        }
        if (file == null || !file.toRealPath().startsWith(realRoot)) {
            return null;
        }
        return content;
    }

    /**
     * Whether a proper prefix of this path, ending at a segment, is a regular file: Apache then takes
     * the rest for path info, which its default handler refuses (404).
     */
    boolean isBelowFile(String subPath, Request request) throws IOException {
        for (int slash = subPath.indexOf('/', 1); slash > 0; slash = subPath.indexOf('/', slash + 1)) {
            HttpContent content = find(subPath.substring(0, slash), request);
            if (content == null) {
                return false;
            }
            if (!content.getResource().isDirectory()) {
                return true;
            }
        }
        return false;
    }

    /**
     * Serves the content found by {@link #find}: GET and HEAD; OPTIONS says so; other methods get 405
     * (POST too, which Apache's default handler would answer like GET: a choice of the project).
     */
    void serve(Request request, Response response, Callback callback, HttpContent content) throws Exception {
        String method = request.getMethod();
        if (HttpMethod.OPTIONS.is(method)) {
            response.getHeaders().put(ALLOW);
            response.getHeaders().put(HttpHeader.CONTENT_LENGTH, 0L);
            response.write(true, null, callback);
            return;
        }
        if (!HttpMethod.GET.is(method) && !HttpMethod.HEAD.is(method)) {
            response.getHeaders().put(ALLOW);
            Response.writeError(request, response, callback, HttpStatus.METHOD_NOT_ALLOWED_405);
            return;
        }
        if (content.getResource().isDirectory() && !request.getHttpURI().getCanonicalPath().endsWith("/")) {
            DirectoryRedirect.send(request, response, callback);
            return;
        }
        service.doGet(RequestConditions.adjust(request, content), response, callback, content);
    }

    /**
     * The path that routing compares with URL prefixes: Jetty's canonical path (dot segments resolved,
     * still percent-encoded where it matters) with repeated slashes merged, as Apache's MergeSlashes does.
     *
     * @return null when the request has no canonical path (Jetty found it unusable)
     */
    static String routingPath(Request request) {
        String canonical = request.getHttpURI().getCanonicalPath();
        return canonical == null ? null : URIUtil.compactPath(canonical);
    }

    /** A configured URL path (plain text) in the form {@link #routingPath} gives, so that the two compare. */
    static String routingForm(String urlPath) {
        if (urlPath.isEmpty()) {
            return urlPath;
        }
        return HttpURI.build().path(URIUtil.encodePath(urlPath)).asImmutable().getCanonicalPath();
    }

    ResourceService service() {
        return service;
    }

    /** Jetty's service, but a 304 is a bare status with its validators, not an error page. */
    private static final class FileService extends ResourceService {
        /** A 304 carries what the 200 would have: the ETag even when the date matched, and Vary (RFC 9110 15.4.5). */
        @Override
        protected void putNotModifiedHeaders(Response response, HttpContent content) {
            super.putNotModifiedHeaders(response, content);
            if (content.getETag() != null) {
                response.getHeaders().put(content.getETag());
            }
            if (content.getContentEncoding() != null || !content.getPreCompressedContentFormats().isEmpty()) {
                response.getHeaders().put(HttpHeader.VARY, HttpHeader.ACCEPT_ENCODING.asString());
            }
            response.getHeaders().put(HttpHeader.CONTENT_LENGTH, content.getContentLengthValue());
        }

        @Override
        protected void writeHttpError(Request request, Response response, Callback callback, int status) {
            if (status != HttpStatus.NOT_MODIFIED_304) {
                super.writeHttpError(request, response, callback, status);
                return;
            }
            // An error page would add "Cache-Control: no-store" and "Content-Length: 0", which a cache
            // would copy onto its stored 200 (RFC 9111 4.3.4).
            response.setStatus(status);
            response.write(true, null, callback);
        }
    }
}
