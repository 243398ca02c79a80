package io.wsgi4j.gateway;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The status and headers an application gave {@code start_response}, as the worker sends them:
 * latin-1 lines separated by CRLF, the status line first.
 *
 * @param status  the status code
 * @param reason  the reason phrase the application gave
 * @param headers the headers, in order
 */
public record ResponseHead(int status, String reason, List<Header> headers) {

    /** One response header. */
    public record Header(String name, String value) {
    }

    /** A response head that cannot be sent as it is. */
    public static final class InvalidHeadException extends Exception {
        public InvalidHeadException(String message) {
            super(message);
        }
    }

    public ResponseHead {
        headers = List.copyOf(headers);
    }

    /** Parses and checks a head; nothing malformed may reach the client. */
    public static ResponseHead parse(byte[] bytes, int offset, int length) throws InvalidHeadException {
        String text = new String(bytes, offset, length, StandardCharsets.ISO_8859_1);
        List<String> lines = lines(text);
        String statusLine = lines.getFirst();
        if (statusLine.length() < 4 || statusLine.charAt(3) != ' ') {
            throw new InvalidHeadException("invalid status line " + quote(statusLine));
        }
        int status;
        try {
            status = Integer.parseInt(statusLine.substring(0, 3));
        } catch (NumberFormatException e) {
            throw new InvalidHeadException("invalid status line " + quote(statusLine));
        }
        if (status < 200 || status > 599) {
            throw new InvalidHeadException("status " + status + " cannot end a response");
        }
        String reason = statusLine.substring(4);
        checkValue("status line", reason);
        List<Header> headers = new ArrayList<>(lines.size() - 1);
        for (int i = 1; i < lines.size(); i++) {
            String line = lines.get(i);
            int colon = line.indexOf(": ");
            if (colon <= 0) {
                throw new InvalidHeadException("invalid header line " + quote(line));
            }
            String name = line.substring(0, colon);
            String value = line.substring(colon + 2);
            for (int j = 0; j < name.length(); j++) {
                if (!isTokenChar(name.charAt(j))) {
                    throw new InvalidHeadException("invalid header name " + quote(name));
                }
            }
            checkValue("header " + name, value);
            headers.add(new Header(name, value));
        }
        return new ResponseHead(status, reason, headers);
    }

    /** The CRLF-separated lines (String.split would compile a pattern for each head). */
    private static List<String> lines(String text) {
        List<String> lines = new ArrayList<>(16);
        int start = 0;
        int end;
        while ((end = text.indexOf("\r\n", start)) >= 0) {
            lines.add(text.substring(start, end));
            start = end + 2;
        }
        lines.add(text.substring(start));
        return lines;
    }

    private static void checkValue(String what, String value) throws InvalidHeadException {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if ((c < 0x20 && c != '\t') || c == 0x7f) {
                throw new InvalidHeadException(what + " has a control character: " + quote(value));
            }
        }
    }

    static boolean isTokenChar(char c) {
        return c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
    }

    private static String quote(String s) {
        StringBuilder out = new StringBuilder("'");
        for (char c : s.toCharArray()) {
            if (c < 0x20 || c == 0x7f) {
                out.append(String.format("\\x%02x", (int) c));
            } else {
                out.append(c);
            }
        }
        return out.append('\'').toString();
    }
}
