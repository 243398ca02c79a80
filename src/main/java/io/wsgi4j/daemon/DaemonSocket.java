package io.wsgi4j.daemon;

import io.wsgi4j.config.LogLevel;
import io.wsgi4j.log.ErrorLog;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * The UNIX socket the daemon processes' threads connect to (mode 0600): it accepts each connection,
 * checks its HELLO ("token pid thread") against the token the processes were given on stdin, and
 * hands the connection on.
 */
final class DaemonSocket implements AutoCloseable {
    /** Receives each connection that proved itself. */
    interface Greeted {
        void connected(SocketChannel socket, long pid, int thread) throws IOException;
    }

    private final Path path;
    private final ErrorLog log;
    private final Greeted greeted;
    private final String token;
    private ServerSocketChannel listener;
    private Object fileKey;
    private volatile boolean closed;

    DaemonSocket(Path path, ErrorLog log, Greeted greeted) {
        this.path = path;
        this.log = log;
        this.greeted = greeted;
        byte[] secret = new byte[16];
        new SecureRandom().nextBytes(secret);
        this.token = HexFormat.of().formatHex(secret);
    }

    Path path() {
        return path;
    }

    /** The secret a daemon process proves itself with. */
    String token() {
        return token;
    }

    /** Binds the socket and starts accepting. */
    void open() throws IOException {
        Files.deleteIfExists(path);
        listener = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        listener.bind(UnixDomainSocketAddress.of(path), 1024);
        Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rw-------"));
        fileKey = Files.readAttributes(path, BasicFileAttributes.class).fileKey();
        Thread.ofVirtual().name("wsgi4j-daemon-accept").start(this::acceptLoop);
    }

    private void acceptLoop() {
        while (!closed) {
            SocketChannel socket;
            try {
                socket = listener.accept();
            } catch (IOException e) {
                if (!closed) {
                    log.log(LogLevel.ERROR, "wsgi4j: the daemon socket " + path + " failed: " + e.getMessage());
                }
                return;
            }
            Thread.ofVirtual().start(() -> greet(socket));
        }
    }

    private void greet(SocketChannel socket) {
        try {
            ByteBuffer header = ByteBuffer.allocate(Frame.HEADER_SIZE);
            readFully(socket, header);
            int length = header.getInt(1);
            if (header.get(0) != Frame.HELLO || length <= 0 || length > 256) {
                throw new IOException("the first frame was not a HELLO");
            }
            ByteBuffer payload = ByteBuffer.allocate(length);
            readFully(socket, payload);
            String[] hello = new String(payload.array(), StandardCharsets.US_ASCII).split(" ");
            if (hello.length != 3 || !MessageDigest.isEqual(hello[0].getBytes(StandardCharsets.US_ASCII),
                    token.getBytes(StandardCharsets.US_ASCII))) {
                throw new IOException("wrong token");
            }
            greeted.connected(socket, Long.parseLong(hello[1]), Integer.parseInt(hello[2]));
        } catch (IOException | RuntimeException e) {
            log.log(LogLevel.WARN, "wsgi4j: refused a connection on the daemon socket: " + e.getMessage());
            try {
                socket.close();
            } catch (IOException ignored) {
                // already closed
            }
        }
    }

    private static void readFully(SocketChannel socket, ByteBuffer buffer) throws IOException {
        while (buffer.hasRemaining()) {
            if (socket.read(buffer) < 0) {
                throw new IOException("connection closed during HELLO");
            }
        }
        buffer.flip();
    }

    /** Stops accepting and removes the socket file, unless another server has bound one at the path since. */
    @Override
    public void close() {
        closed = true;
        try {
            if (listener != null) {
                listener.close();
            }
        } catch (IOException e) {
            // closing anyway
        }
        try {
            if (fileKey != null && Files.exists(path)
                    && Files.readAttributes(path, BasicFileAttributes.class).fileKey().equals(fileKey)) {
                Files.delete(path);
            }
        } catch (IOException e) {
            // left behind; removed at the next start
        }
    }
}
