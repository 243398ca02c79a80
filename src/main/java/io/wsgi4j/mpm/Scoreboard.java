package io.wsgi4j.mpm;

import io.wsgi4j.platform.FileSafety;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedDeque;

/**
 * A server process's scoreboard, as Apache keeps one: a memory-mapped file with fixed-size slots,
 * one per request the process can hold at once, each naming the request running in it. The
 * process writes it; after the process has died the control process reads it to say which
 * requests died with it. The writes are plain stores into a shared mapping, so they survive a
 * SIGKILL or a crash: the kernel's page cache holds them, not the process.
 *
 * <p>As Apache's parent makes the scoreboard, the control process creates the file (in the server
 * root, where the server process cannot replace it) before it starts the process, and reads it
 * through the descriptor it kept: the server process may run as another user, and whatever that
 * process did to the file, the control process never opens a path it could have changed. Its
 * contents are untrusted text: bounded, and escaped when logged.
 */
public final class Scoreboard {
    static final int SLOT_BYTES = 256;
    private static final int HEADER_BYTES = 16;
    private static final long MAGIC = 0x5753_4734_4a53_4231L; // "WSG4JSB1"
    private static final byte FREE = 0;
    private static final byte BUSY = 1;
    private static final String PREFIX = "scoreboard-";

    private final Path file;
    private final MappedByteBuffer map;
    private final ConcurrentLinkedDeque<Integer> free = new ConcurrentLinkedDeque<>();

    private Scoreboard(Path file, MappedByteBuffer map, int slots) {
        this.file = file;
        this.map = map;
        for (int i = 0; i < slots; i++) {
            free.add(i);
        }
    }

    /** The scoreboard file of the {@code number}th server process the control process starts. */
    static Path fileFor(Path serverRoot, long number) {
        return serverRoot.resolve(PREFIX + number);
    }

    /** Removes the scoreboards a killed control process left behind in the server root. */
    public static void removeLeftovers(Path serverRoot) throws IOException {
        try (var files = Files.newDirectoryStream(serverRoot, PREFIX + "*")) {
            for (Path file : files) {
                Files.deleteIfExists(file);
            }
        }
    }

    /**
     * The control process's side: creates the file for a server process (which must not exist),
     * sized for {@code slots} and owned by {@code uid}/{@code gid} (the user the process runs as;
     * -1 for this one), and keeps it open to read after the process has gone.
     */
    static Record create(Path file, int slots, int uid, int gid) throws IOException {
        long size = HEADER_BYTES + (long) slots * SLOT_BYTES;
        FileChannel channel = FileChannel.open(file, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
                        StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        try {
            ByteBuffer header = ByteBuffer.allocate(HEADER_BYTES).putLong(MAGIC).putInt(slots).putInt(SLOT_BYTES).flip();
            channel.write(header, 0);
            channel.truncate(size);
            channel.write(ByteBuffer.allocate(1), size - 1);
            if (uid >= 0) {
                FileSafety.setOwner(file, uid, gid);
            }
            return new Record(file, channel, slots);
        } catch (IOException e) {
            channel.close();
            Files.deleteIfExists(file);
            throw e;
        }
    }

    /** The server process's side: maps the file the control process made for it. */
    static Scoreboard attach(Path file) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE,
                LinkOption.NOFOLLOW_LINKS)) {
            ByteBuffer header = ByteBuffer.allocate(HEADER_BYTES);
            channel.read(header, 0);
            if (header.getLong(0) != MAGIC || header.getInt(12) != SLOT_BYTES) {
                throw new IOException("the scoreboard " + file + " was not made by this wsgi4j's control process");
            }
            int slots = header.getInt(8);
            MappedByteBuffer map = channel.map(FileChannel.MapMode.READ_WRITE, 0, HEADER_BYTES + (long) slots * SLOT_BYTES);
            return new Scoreboard(file, map, slots);
        }
    }

    /**
     * Records a request as running: its id and what it is ("GET /path"). Returns the slot to give
     * {@link #end}, or -1 if every slot is taken (the request then runs unrecorded).
     */
    public int begin(String requestId, String description) {
        Integer slot = free.pollFirst();
        if (slot == null) {
            return -1;
        }
        byte[] text = (requestId + " " + description).getBytes(StandardCharsets.UTF_8);
        int length = Math.min(text.length, SLOT_BYTES - 4);
        int at = HEADER_BYTES + slot * SLOT_BYTES;
        map.put(at + 4, text, 0, length);
        map.putShort(at + 2, (short) length);
        // The state last: a reader never sees a busy slot with a half-written text.
        map.put(at, BUSY);
        return slot;
    }

    /** Frees a slot {@link #begin} gave. */
    public void end(int slot) {
        if (slot < 0) {
            return;
        }
        map.put(HEADER_BYTES + slot * SLOT_BYTES, FREE);
        // The most recently freed slot first: the requests of a quiet process stay in the first page.
        free.addFirst(slot);
    }

    public Path file() {
        return file;
    }

    /** The control process's hold on one server process's scoreboard. */
    static final class Record implements AutoCloseable {
        private final Path file;
        private final FileChannel channel;
        private final int slots;

        private Record(Path file, FileChannel channel, int slots) {
            this.file = file;
            this.channel = channel;
            this.slots = slots;
        }

        Path file() {
            return file;
        }

        /**
         * The requests the scoreboard shows running ("ID GET /path"), in slot order, read through
         * the descriptor: as many slots as the control process made, whatever the file now says.
         */
        List<String> running() throws IOException {
            ByteBuffer bytes = ByteBuffer.allocate(HEADER_BYTES + slots * SLOT_BYTES);
            while (bytes.hasRemaining() && channel.read(bytes, bytes.position()) > 0) {
                // until the end of what was made, or of what is left
            }
            List<String> running = new ArrayList<>();
            for (int i = 0; i < slots && HEADER_BYTES + (i + 1) * SLOT_BYTES <= bytes.position(); i++) {
                int at = HEADER_BYTES + i * SLOT_BYTES;
                if (bytes.get(at) == BUSY) {
                    int length = Math.min(Short.toUnsignedInt(bytes.getShort(at + 2)), SLOT_BYTES - 4);
                    running.add(new String(bytes.array(), at + 4, length, StandardCharsets.UTF_8));
                }
            }
            return running;
        }

        /** Closes the descriptor and removes the file: the process has gone. */
        @Override
        public void close() throws IOException {
            try {
                channel.close();
            } finally {
                Files.deleteIfExists(file);
            }
        }
    }
}
