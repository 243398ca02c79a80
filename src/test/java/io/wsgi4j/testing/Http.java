package io.wsgi4j.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** A raw HTTP/1.1 client for tests: exact bytes out, responses parsed from the socket by hand. */
public final class Http {
    private Http() {
    }

    /** A parsed response. */
    public record Response(int status, String reason, List<String[]> headers, byte[] body, boolean chunked) {

        /** The first header with this name (case-insensitive), if any. */
        public Optional<String> header(String name) {
            return headers.stream().filter(h -> h[0].equalsIgnoreCase(name)).map(h -> h[1]).findFirst();
        }

        /** Every header with this name. */
        public List<String> headers(String name) {
            return headers.stream().filter(h -> h[0].equalsIgnoreCase(name)).map(h -> h[1]).toList();
        }

        public String text() {
            return new String(body, StandardCharsets.UTF_8);
        }

        public String latin1() {
            return new String(body, StandardCharsets.ISO_8859_1);
        }
    }

    /** Sends one GET on a new connection and reads the response. */
    public static Response get(int port, String target) throws IOException {
        return exchange(port, "GET " + target + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
    }

    /** Sends a request (text, as latin-1 bytes) on a new connection and reads one response. */
    public static Response exchange(int port, String request) throws IOException {
        return exchange(port, request.getBytes(StandardCharsets.ISO_8859_1));
    }

    /** Sends raw bytes on a new connection and reads one response. */
    public static Response exchange(int port, byte[] request) throws IOException {
        try (Connection connection = new Connection(port)) {
            connection.send(request);
            String method = new String(request, 0, Math.min(request.length, 5), StandardCharsets.ISO_8859_1);
            return connection.read(method.startsWith("HEAD "));
        }
    }

    /** A connection kept open across requests (keep-alive, pipelining, slow sending). */
    public static final class Connection implements AutoCloseable {
        private final Socket socket;
        private final InputStream in;
        private final OutputStream out;

        public Connection(int port) throws IOException {
            this(port, 0);
        }

        /**
         * A connection whose receive buffer is {@code receiveBuffer} bytes (0: the system's), so that
         * a client that reads nothing leaves the server little room in the kernel's buffers.
         */
        public Connection(int port, int receiveBuffer) throws IOException {
            socket = new Socket();
            if (receiveBuffer > 0) {
                socket.setReceiveBufferSize(receiveBuffer);
            }
            socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
            socket.setSoTimeout(30_000);
            in = new java.io.BufferedInputStream(socket.getInputStream());
            out = socket.getOutputStream();
        }

        public Socket socket() {
            return socket;
        }

        public void send(String text) throws IOException {
            send(text.getBytes(StandardCharsets.ISO_8859_1));
        }

        public void send(byte[] bytes) throws IOException {
            out.write(bytes);
            out.flush();
        }

        public Response read() throws IOException {
            return read(false);
        }

        /** Reads one response; {@code head}: it answers a HEAD request, so it has no body. */
        public Response read(boolean head) throws IOException {
            Response partial = readHead();
            int status = partial.status();
            if (head || status == 204 || status == 304 || status / 100 == 1) {
                return partial;
            }
            if (partial.chunked()) {
                return new Response(status, partial.reason(), partial.headers(), chunkedBody(), true);
            }
            Optional<String> length = partial.header("Content-Length");
            if (length.isPresent()) {
                return new Response(status, partial.reason(), partial.headers(),
                        in.readNBytes(Integer.parseInt(length.get())), false);
            }
            return new Response(status, partial.reason(), partial.headers(), in.readAllBytes(), false);
        }

        /**
         * Reads a response's status line and headers only, leaving its body on the connection
         * (for {@link #readChunk()} and the like); {@code chunked()} tells how the body is framed.
         */
        public Response readHead() throws IOException {
            String statusLine = line();
            if (statusLine == null) {
                throw new IOException("connection closed before a response");
            }
            String[] parts = statusLine.split(" ", 3);
            int status = Integer.parseInt(parts[1]);
            String reason = parts.length > 2 ? parts[2] : "";
            List<String[]> headers = new ArrayList<>();
            String line;
            while ((line = line()) != null && !line.isEmpty()) {
                int colon = line.indexOf(':');
                headers.add(new String[]{line.substring(0, colon).trim(), line.substring(colon + 1).trim()});
            }
            Response partial = new Response(status, reason, headers, new byte[0], false);
            Optional<String> te = partial.header("Transfer-Encoding");
            boolean chunked = te.isPresent() && te.get().toLowerCase(Locale.ROOT).contains("chunked");
            return new Response(status, reason, headers, new byte[0], chunked);
        }

        /** Reads the next chunk of a chunked body; null at the last (empty) chunk, whose trailers are read too. */
        public byte[] readChunk() throws IOException {
            String size = line();
            if (size != null && size.isEmpty()) {
                // The CRLF that ends the previous chunk: Jetty sends it with the next chunk, so it
                // is read here rather than right after the data (which could wait for the next chunk).
                size = line();
            }
            if (size == null) {
                throw new IOException("connection closed inside a chunked body");
            }
            int n = Integer.parseInt(size.split(";")[0].trim(), 16);
            if (n == 0) {
                String trailer;
                while ((trailer = line()) != null && !trailer.isEmpty()) {
                    // trailers are ignored
                }
                return null;
            }
            byte[] chunk = in.readNBytes(n);
            if (chunk.length < n) {
                throw new IOException("connection closed inside a chunk");
            }
            return chunk;
        }

        /** Reads up to {@code n} bytes, fewer only if the connection closes first. */
        public byte[] readBytes(int n) throws IOException {
            return in.readNBytes(n);
        }

        /** Reads one CRLF- or LF-terminated line (latin-1, without its end); null at the end of the stream. */
        public String readLine() throws IOException {
            return line();
        }

        /** Whether the server has closed the connection (reads EOF within the timeout). */
        public boolean closedByServer(int timeoutMillis) throws IOException {
            socket.setSoTimeout(timeoutMillis);
            try {
                return in.read() < 0;
            } catch (SocketTimeoutException e) {
                return false;
            } catch (IOException e) {
                return true;
            } finally {
                socket.setSoTimeout(30_000);
            }
        }

        private byte[] chunkedBody() throws IOException {
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            byte[] chunk;
            while ((chunk = readChunk()) != null) {
                body.write(chunk);
            }
            return body.toByteArray();
        }

        private String line() throws IOException {
            ByteArrayOutputStream line = new ByteArrayOutputStream();
            int c;
            while ((c = in.read()) >= 0) {
                if (c == '\n') {
                    byte[] bytes = line.toByteArray();
                    int n = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
                    return new String(bytes, 0, n, StandardCharsets.ISO_8859_1);
                }
                line.write(c);
            }
            return line.size() == 0 ? null : line.toString(StandardCharsets.ISO_8859_1);
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
