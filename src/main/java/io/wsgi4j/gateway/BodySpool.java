package io.wsgi4j.gateway;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * A request body too large to keep in memory: a temporary file, readable by its owner only, written
 * through one bounded buffer (so the heap stays flat whatever the size) and deleted on close.
 */
public final class BodySpool implements AutoCloseable {
    /** The spool files' name prefix, in the spool directory. */
    public static final String PREFIX = "wsgi4j-body-";

    private static final FileAttribute<?> OWNER_ONLY =
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"));
    private static final int PIECE = 64 * 1024;

    private final Path path;
    private final FileChannel file;
    private final ByteBuffer piece = ByteBuffer.allocateDirect(PIECE);
    private long length;
    private boolean deleted;

    private BodySpool(Path path, FileChannel file) {
        this.path = path;
        this.file = file;
    }

    /** Creates an empty spool file in {@code directory}, its name tagged with the request id. */
    static BodySpool create(Path directory, String requestId) throws IOException {
        Path path = Files.createTempFile(directory, PREFIX + requestId + "-", ".tmp", OWNER_ONLY);
        try {
            return new BodySpool(path, FileChannel.open(path, StandardOpenOption.WRITE));
        } catch (IOException e) {
            Files.deleteIfExists(path);
            throw e;
        }
    }

    /** Deletes spool files a previous server left in {@code directory} (it was killed mid-request). */
    public static void removeLeftovers(Path directory) throws IOException {
        try (DirectoryStream<Path> files = Files.newDirectoryStream(directory, PREFIX + "*.tmp")) {
            for (Path file : files) {
                Files.deleteIfExists(file);
            }
        }
    }

    /** The file, for the application to read once {@link #finish()} has returned. */
    public Path path() {
        return path;
    }

    /** The bytes written so far. */
    public long length() {
        return length;
    }

    void write(ByteBuffer data) throws IOException {
        while (data.hasRemaining()) {
            int n = Math.min(data.remaining(), piece.remaining());
            piece.put(piece.position(), data, data.position(), n);
            piece.position(piece.position() + n);
            data.position(data.position() + n);
            length += n;
            if (!piece.hasRemaining()) {
                flush();
            }
        }
    }

    void write(byte[] data, int offset, int count) throws IOException {
        write(ByteBuffer.wrap(data, offset, count));
    }

    /** Writes what is still buffered and closes the file for writing: the whole body is in it. */
    void finish() throws IOException {
        flush();
        file.close();
    }

    private void flush() throws IOException {
        piece.flip();
        while (piece.hasRemaining()) {
            file.write(piece);
        }
        piece.clear();
    }

    /** Deletes the file; the application may still hold it open, which Linux allows. */
    @Override
    public void close() throws IOException {
        if (deleted) {
            return;
        }
        deleted = true;
        try {
            file.close();
        } finally {
            Files.deleteIfExists(path);
        }
    }
}
