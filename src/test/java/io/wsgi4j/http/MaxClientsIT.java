package io.wsgi4j.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wsgi4j.testing.Http;
import io.wsgi4j.testing.TestServer;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * --max-clients: at most that many connections are open at once; the next ones are neither refused
 * nor accepted, they wait in the kernel's listen queue and are served as soon as another closes.
 */
class MaxClientsIT {
    private static final String GET = "GET / HTTP/1.1\r\nHost: localhost\r\n\r\n";

    @Test
    void aConnectionPastTheLimitIsServedOnlyOnceAnotherCloses() throws Exception {
        try (TestServer server = TestServer.start("pid.wsgi", "--max-clients", "3", "--keep-alive-timeout", "30")) {
            List<Http.Connection> open = new ArrayList<>();
            try {
                for (int i = 0; i < 3; i++) {
                    Http.Connection connection = new Http.Connection(server.port());
                    open.add(connection);
                    connection.send(GET);
                    assertEquals(200, connection.read().status());
                }
                // Connected (the kernel queues it), but not accepted: its request gets no answer.
                try (Http.Connection fourth = new Http.Connection(server.port())) {
                    fourth.send(GET);
                    fourth.socket().setSoTimeout(1500);
                    assertThrows(SocketTimeoutException.class, fourth::read, "served past --max-clients");

                    open.removeFirst().close();
                    fourth.socket().setSoTimeout(10_000);
                    long start = System.nanoTime();
                    assertEquals(200, fourth.read().status());
                    assertTrue(System.nanoTime() - start < 5_000_000_000L, "served late after a close");
                }
                // The connections within the limit were kept all along.
                for (Http.Connection connection : open) {
                    connection.send(GET);
                    assertEquals(200, connection.read().status());
                }
            } finally {
                for (Http.Connection connection : open) {
                    connection.close();
                }
            }
        }
    }
}
