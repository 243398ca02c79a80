package io.wsgi4j.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.wsgi4j.testing.Http;
import io.wsgi4j.testing.Json;
import io.wsgi4j.testing.TestServer;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * Connections never share bytes: several clients at once send malformed requests (and end their
 * side at once) between good ones; every good request must be parsed as sent and answered.
 *
 * <p>Guards the unpooled buffers of {@link HttpServer}: with Jetty's buffer pool, this traffic
 * let one connection's buffer be written by another now and then (a few good requests in some
 * thousands came out garbled). A race, so this test catches a regression often, not always.
 */
class ConnectionIsolationIT {
    private static final int CLIENTS = 4;
    private static final int ROUNDS = 60;

    /** Requests Jetty's parser refuses, each at a different point. */
    private static final List<String> MALFORMED = List.of(
            "GET /a HTTP/1.0\r\nContent-Length: -0\r\n\r\n",
            "PUT /a HTTP/1.0\r\nContent-Length: bla\r\n\r\n{\"test\": 1}",
            "GET /a HTTP/1.1\r\nHost: x\r\nba\u0000z: bar\r\n\r\n",
            "GET\u00c3\u009f /a HTTP/1.1\r\nHost: x\r\n\r\n",
            "GET /a HTTP/0.99\r\n\r\n",
            "GET /a HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nContent-Length: 2\r\n\r\nxyz",
            "GET /a HTTP/1.1\r\nLong: one\r\n two\r\nHost: x\r\n\r\n",
            "GET /a HTTP/1.1\r\n\r\n",
            "GET /a HTTP/1.1\r\nHost: x\r\nHost: y\r\n\r\n",
            "GET /a HTTP/1.1\r\nHost: x\r\nContent-Length : 3\r\n\r\nxyz");

    @Test
    void malformedRequestsNeverDisturbOtherConnections() throws Exception {
        try (TestServer server = TestServer.start("environ.wsgi", "--threads", "4");
             ExecutorService clients = Executors.newFixedThreadPool(CLIENTS)) {
            List<Future<List<String>>> results = new ArrayList<>();
            for (int client = 0; client < CLIENTS; client++) {
                int id = client;
                results.add(clients.submit(() -> run(server.port(), id)));
            }
            List<String> wrong = new ArrayList<>();
            for (Future<List<String>> result : results) {
                wrong.addAll(result.get());
            }
            assertEquals(List.of(), wrong, "good requests that were not answered as sent");
        }
    }

    private static List<String> run(int port, int client) throws IOException {
        List<String> wrong = new ArrayList<>();
        for (int round = 0; round < ROUNDS; round++) {
            for (int i = 0; i < MALFORMED.size(); i++) {
                try (Http.Connection connection = new Http.Connection(port)) {
                    connection.send(MALFORMED.get(i));
                    connection.socket().shutdownOutput();
                    while (connection.read() != null) {
                        // a 4xx, then the server closes
                    }
                } catch (IOException closed) {
                    // the end of the connection
                }
                String path = "/isolation/" + client + "/" + round + "/" + i;
                Http.Response response;
                try {
                    response = Http.get(port, path);
                } catch (IOException e) {
                    wrong.add(path + ": no answer (" + e.getMessage() + ")");
                    continue;
                }
                if (response.status() != 200) {
                    wrong.add(path + ": " + response.status());
                } else if (!path.equals(Json.object(response.text()).get("PATH_INFO"))) {
                    wrong.add(path + ": answered as " + Json.object(response.text()).get("PATH_INFO"));
                }
            }
        }
        return Collections.unmodifiableList(wrong);
    }
}
