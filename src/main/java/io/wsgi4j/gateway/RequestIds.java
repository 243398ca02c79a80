package io.wsgi4j.gateway;

import java.security.SecureRandom;
import java.util.concurrent.atomic.AtomicLong;

/** Gives each request an id unique across server restarts: a random prefix per server and a counter. */
public final class RequestIds {
    private final String prefix;
    private final AtomicLong counter = new AtomicLong();

    public RequestIds() {
        SecureRandom random = new SecureRandom();
        StringBuilder p = new StringBuilder(8);
        String alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
        for (int i = 0; i < 8; i++) {
            p.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        prefix = p.toString();
    }

    /** The next id, such as {@code k3x9q2ab-1f}. */
    public String next() {
        return prefix + "-" + Long.toString(counter.incrementAndGet(), 36);
    }
}
