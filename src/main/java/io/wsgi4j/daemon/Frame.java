package io.wsgi4j.daemon;

/**
 * The frames between the server and a worker thread (the Python side is
 * {@code wsgi4j_worker/protocol.py}): a type byte, a big-endian 32-bit payload length, the payload.
 */
final class Frame {
    private Frame() {
    }

    static final int HEADER_SIZE = 5;

    // server -> worker
    static final byte REQUEST = 'R';
    static final byte BODY = 'B';
    static final byte BODY_ERROR = 'E';
    static final byte FILE_ACK = 'K';

    // worker -> server
    static final byte HELLO = 'H';
    static final byte READ = 'r';
    static final byte START = 'S';
    static final byte DATA = 'D';
    static final byte FILE = 'F';
    static final byte END = 'Z';
    static final byte ABORT = 'X';

    /** REQUEST flag: the inline body is the whole request body. */
    static final int FLAG_BODY_COMPLETE = io.wsgi4j.gateway.ReceivedBody.FLAG_BODY_COMPLETE;
    /** REQUEST flag: the inline part is the UTF-8 path of a file holding the whole body (the server deletes it). */
    static final int FLAG_BODY_SPOOLED = io.wsgi4j.gateway.ReceivedBody.FLAG_BODY_SPOOLED;

    /** Request-frame prefix after the frame header: flags (1 byte) and the environ's length (4 bytes). */
    static final int REQUEST_PREFIX = 5;

    static String name(int type) {
        return switch (type) {
            case REQUEST -> "REQUEST";
            case BODY -> "BODY";
            case BODY_ERROR -> "BODY_ERROR";
            case FILE_ACK -> "FILE_ACK";
            case HELLO -> "HELLO";
            case READ -> "READ";
            case START -> "START";
            case DATA -> "DATA";
            case FILE -> "FILE";
            case END -> "END";
            case ABORT -> "ABORT";
            default -> String.format("0x%02x", type & 0xFF);
        };
    }
}
