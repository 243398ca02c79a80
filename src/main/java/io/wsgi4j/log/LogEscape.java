package io.wsgi4j.log;

/**
 * Escaping of text written to the logs, as Apache 2.4 escapes it, so that bytes a client or an
 * application chose can neither end a log line, fake another one, nor send control sequences to a
 * terminal that shows the log.
 *
 * <p>Both variants write printable ASCII (0x20..0x7e) as it is and everything else as an escape:
 * {@code \b \n \r \t \v} as those C escapes, a backslash as {@code \\}, any other byte as {@code \xhh}
 * (lowercase hex). They differ in the double quote, which the access log escapes (its values stand
 * between quotes) and the error log does not, and in how a char becomes bytes: see each method.
 */
final class LogEscape {
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private LogEscape() {
    }

    /**
     * Apache's {@code ap_escape_logitem}, for the access log: a double quote is escaped too. Header text
     * reaches us from Jetty as ISO-8859-1 (one char per byte), so a char up to 0xff is that one byte;
     * a wider char (from a UTF-8 request target) is escaped byte by byte of its UTF-8 encoding.
     */
    static void logItem(StringBuilder out, String value) {
        escape(out, value, 0, true);
    }

    /**
     * Apache's {@code ap_escape_errorlog_item}, which its default error-log writer applies to every
     * message: as {@link #logItem} but a double quote stays as it is, and the message is Unicode text,
     * so every char outside ASCII is escaped byte by byte of its UTF-8 encoding.
     *
     * @return the value itself when nothing in it needs escaping (the common case, checked in one pass)
     */
    static String errorLogItem(String value) {
        int i = 0;
        int length = value.length();
        while (i < length && !escaped(value.charAt(i))) {
            i++;
        }
        if (i == length) {
            return value;
        }
        StringBuilder out = new StringBuilder(length + 16).append(value, 0, i);
        escape(out, value, i, false);
        return out.toString();
    }

    /** Whether the error log escapes this char (the access log also escapes the double quote). */
    private static boolean escaped(char c) {
        return c < 0x20 || c >= 0x7f || c == '\\';
    }

    private static void escape(StringBuilder out, String value, int from, boolean accessLog) {
        int length = value.length();
        for (int i = from; i < length; i++) {
            char c = value.charAt(i);
            if (!escaped(c)) {
                if (c == '"' && accessLog) {
                    out.append('\\');
                }
                out.append(c);
                continue;
            }
            switch (c) {
                case '\\' -> out.append("\\\\");
                case '\b' -> out.append("\\b");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case 0x0b -> out.append("\\v");
                default -> {
                    if (c < 0x80 || (accessLog && c <= 0xff)) {
                        hex(out, c);
                    } else if (Character.isHighSurrogate(c) && i + 1 < length
                            && Character.isLowSurrogate(value.charAt(i + 1))) {
                        utf8(out, Character.toCodePoint(c, value.charAt(++i)));
                    } else {
                        // A lone surrogate is written as the three bytes of its value, so it still shows.
                        utf8(out, c);
                    }
                }
            }
        }
    }

    private static void utf8(StringBuilder out, int codePoint) {
        if (codePoint < 0x800) {
            hex(out, 0xc0 | codePoint >> 6);
        } else if (codePoint < 0x10000) {
            hex(out, 0xe0 | codePoint >> 12);
            hex(out, 0x80 | (codePoint >> 6 & 0x3f));
        } else {
            hex(out, 0xf0 | codePoint >> 18);
            hex(out, 0x80 | (codePoint >> 12 & 0x3f));
            hex(out, 0x80 | (codePoint >> 6 & 0x3f));
        }
        hex(out, 0x80 | (codePoint & 0x3f));
    }

    private static void hex(StringBuilder out, int b) {
        out.append('\\').append('x').append(HEX[b >> 4 & 0xf]).append(HEX[b & 0xf]);
    }
}
