package io.wsgi4j.http;

import io.wsgi4j.testing.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * One raw HTTP/1.1 request of the shared conformance vectors (../shared/conformance), with the
 * parse it must give (valid cases) or the error it must get (invalid cases).
 *
 * @param name        "valid/NNN" or "invalid/NNN"
 * @param raw         the bytes to send on a fresh connection
 * @param settings    the gunicorn settings the case was written for; empty for the defaults
 * @param expected    for valid cases, the requests the application must see, in order
 * @param expectError for invalid cases, gunicorn's exception name; null for valid cases
 */
record RequestVector(String name, byte[] raw, Map<String, Object> settings, List<Request> expected,
                     String expectError) {

    /** The vectors file inside the shared conformance folder. */
    static final String FILE = "http-request-vectors.json";

    /**
     * One request as the application must receive it.
     *
     * @param method  the request method
     * @param uri     the raw request target
     * @param major   HTTP major version
     * @param minor   HTTP minor version
     * @param headers field names (upper-cased) and values, in order
     * @param body    the decoded body (chunked framing removed)
     */
    record Request(String method, String uri, int major, int minor, List<String[]> headers, byte[] body) {

        /** SERVER_PROTOCOL for this version. */
        String protocol() {
            return "HTTP/" + major + "." + minor;
        }
    }

    boolean valid() {
        return expectError == null;
    }

    @Override
    public String toString() {
        return name;
    }

    /** Reads every vector of the file. */
    @SuppressWarnings("unchecked")
    static List<RequestVector> load(Path file) throws IOException {
        List<RequestVector> vectors = new ArrayList<>();
        for (Object item : (List<Object>) Json.parse(Files.readString(file, StandardCharsets.UTF_8))) {
            Map<String, Object> record = (Map<String, Object>) item;
            List<Request> expected = new ArrayList<>();
            for (Object e : (List<Object>) record.getOrDefault("expect", List.of())) {
                expected.add(request((Map<String, Object>) e));
            }
            vectors.add(new RequestVector((String) record.get("name"), decode(record.get("raw_b64")),
                    (Map<String, Object>) record.getOrDefault("settings", Map.of()), expected,
                    (String) record.get("expect_error")));
        }
        return vectors;
    }

    @SuppressWarnings("unchecked")
    private static Request request(Map<String, Object> e) {
        List<Object> version = (List<Object>) e.get("version");
        List<String[]> headers = new ArrayList<>();
        for (Object h : (List<Object>) e.get("headers")) {
            List<Object> pair = (List<Object>) h;
            headers.add(new String[]{(String) pair.get(0), (String) pair.get(1)});
        }
        return new Request((String) e.get("method"), (String) e.get("uri"), ((Long) version.get(0)).intValue(),
                ((Long) version.get(1)).intValue(), headers, decode(e.get("body_b64")));
    }

    private static byte[] decode(Object base64) {
        return base64 == null ? new byte[0] : Base64.getDecoder().decode((String) base64);
    }
}
