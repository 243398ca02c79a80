package io.wsgi4j.mpm;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedDeque;

/**
 * A server process's scoreboard, as Apache keeps one: a memory-mapped file in the server root with
 * fixed-size slots, one per request the process can hold at once, each naming the request running
 * in it. The process writes it; after the process has died the control process reads it to say
 * which requests died with it. The writes are plain stores into a shared mapping, so they survive a
 * SIGKILL or a crash: the kernel's page cache holds them, not the process.
 */
public final class Scoreboard implements AutoCloseable {
    static final int SLOT_BYTES = 256;
    private static final int HEADER_BYTES = 16;
    private static final long MAGIC = 0x5753_4734_4a53_4231L; // "WSG4JSB1"
    private static final byte FREE = 0;
    private static final byte BUSY = 1;

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

    /** The scoreboard file of the server process with this pid. */
    public static Path fileFor(Path serverRoot, long pid) {
        return serverRoot.resolve("scoreboard-" + pid);
    }

    /** Removes the scoreboards of server processes a killed control process left behind. */
    public static void removeLeftovers(Path serverRoot) throws IOException {
        try (var files = Files.newDirectoryStream(serverRoot, "scoreboard-*")) {
            for (Path file : files) {
                Files.deleteIfExists(file);
            }
        }
    }

    /** Creates (or truncates) the file with this many free slots and maps it. */
    public static Scoreboard create(Path file, int slots) throws IOException {
        long size = HEADER_BYTES + (long) slots * SLOT_BYTES;
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
            MappedByteBuffer map = channel.map(FileChannel.MapMode.READ_WRITE, 0, size);
            map.putLong(0, MAGIC).putInt(8, slots).putInt(12, SLOT_BYTES);
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

    /** The requests a scoreboard file shows running ("ID GET /path"), in slot order; none if there is no file. */
    public static List<String> running(Path file) throws IOException {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return List.of();
        }
        ByteBuffer data = ByteBuffer.wrap(bytes);
        if (bytes.length < HEADER_BYTES || data.getLong(0) != MAGIC) {
            return List.of();
        }
        int slots = data.getInt(8);
        int slotBytes = data.getInt(12);
        List<String> running = new ArrayList<>();
        for (int i = 0; i < slots && HEADER_BYTES + (long) (i + 1) * slotBytes <= bytes.length; i++) {
            int at = HEADER_BYTES + i * slotBytes;
            if (bytes[at] == BUSY) {
                int length = Math.min(Short.toUnsignedInt(data.getShort(at + 2)), slotBytes - 4);
                running.add(new String(bytes, at + 4, length, StandardCharsets.UTF_8));
            }
        }
        return running;
    }

    public Path file() {
        return file;
    }

    /** Removes the file (the process is stopping: nothing in it matters any more). */
    @Override
    public void close() throws IOException {
        Files.deleteIfExists(file);
    }
}
