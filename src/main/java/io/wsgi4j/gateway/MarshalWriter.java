package io.wsgi4j.gateway;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Writes the subset of Python's {@code marshal} format an environ needs, so that a worker
 * rebuilds the dict with one {@code marshal.loads} call.
 *
 * <p>Codes used: {@code { 0} dict, {@code z a u} strings, {@code T F N} constants,
 * {@code i} 32-bit ints, {@code )} small tuples. They decode identically on CPython 3.4 and later.
 */
public final class MarshalWriter {
    private byte[] buffer;
    private int size;

    public MarshalWriter(int initialCapacity) {
        buffer = new byte[initialCapacity];
    }

    /** Reserves room for bytes written later at a known position (a frame header, say). */
    public int skip(int count) {
        ensure(count);
        int at = size;
        size += count;
        return at;
    }

    public MarshalWriter beginDict() {
        return put('{');
    }

    public MarshalWriter endDict() {
        return put('0');
    }

    public MarshalWriter none() {
        return put('N');
    }

    public MarshalWriter bool(boolean value) {
        return put(value ? 'T' : 'F');
    }

    public MarshalWriter int32(int value) {
        put('i');
        return int32le(value);
    }

    /** A tuple of small ints, such as {@code wsgi.version}. */
    public MarshalWriter intTuple(int... values) {
        put(')');
        put((byte) values.length);
        for (int value : values) {
            int32(value);
        }
        return this;
    }

    /** A {@code str}. Environ strings hold one char per byte (latin-1), as PEP 3333 requires. */
    public MarshalWriter str(String value) {
        // One intrinsic pass: a string is ASCII exactly when its UTF-8 form is as long as it is.
        byte[] utf8 = value.getBytes(StandardCharsets.UTF_8);
        if (utf8.length == value.length()) {
            return ascii(utf8);
        }
        put('u');
        int32le(utf8.length);
        return raw(utf8, 0, utf8.length);
    }

    /** A {@code str} from its ASCII bytes (keys encoded once, for instance). */
    public MarshalWriter ascii(byte[] ascii) {
        int length = ascii.length;
        if (length < 256) {
            ensure(2 + length);
            buffer[size++] = 'z';
            buffer[size++] = (byte) length;
        } else {
            put('a');
            int32le(length);
        }
        return raw(ascii, 0, length);
    }

    /** Bytes with no marshal code: payload after the environ, or a frame header. */
    public MarshalWriter raw(byte[] bytes, int offset, int length) {
        ensure(length);
        System.arraycopy(bytes, offset, buffer, size, length);
        size += length;
        return this;
    }

    public MarshalWriter putByte(int value) {
        return put((byte) value);
    }

    /** Writes a big-endian 32-bit value at an earlier position. */
    public void setInt32be(int at, int value) {
        buffer[at] = (byte) (value >>> 24);
        buffer[at + 1] = (byte) (value >>> 16);
        buffer[at + 2] = (byte) (value >>> 8);
        buffer[at + 3] = (byte) value;
    }

    public void setByte(int at, int value) {
        buffer[at] = (byte) value;
    }

    public int size() {
        return size;
    }

    /** The written bytes; valid up to {@link #size()}. */
    public byte[] array() {
        return buffer;
    }

    public byte[] toByteArray() {
        return Arrays.copyOf(buffer, size);
    }

    private MarshalWriter int32le(int value) {
        ensure(4);
        buffer[size++] = (byte) value;
        buffer[size++] = (byte) (value >>> 8);
        buffer[size++] = (byte) (value >>> 16);
        buffer[size++] = (byte) (value >>> 24);
        return this;
    }

    private MarshalWriter put(char code) {
        return put((byte) code);
    }

    private MarshalWriter put(byte value) {
        ensure(1);
        buffer[size++] = value;
        return this;
    }

    private void ensure(int more) {
        if (size + more > buffer.length) {
            buffer = Arrays.copyOf(buffer, Math.max(buffer.length * 2, size + more));
        }
    }
}
