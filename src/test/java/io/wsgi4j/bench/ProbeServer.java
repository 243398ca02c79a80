package io.wsgi4j.bench;

import io.wsgi4j.cli.ArgumentParser;
import io.wsgi4j.cli.ConfigBuilder;
import io.wsgi4j.cli.StartServerOptions;
import io.wsgi4j.config.LogLevel;
import io.wsgi4j.config.ServerConfig;
import io.wsgi4j.gateway.Exchange;
import io.wsgi4j.gateway.Gateway;
import io.wsgi4j.gateway.ResponseHead;
import io.wsgi4j.http.HttpServer;
import io.wsgi4j.http.Listener;
import io.wsgi4j.log.ErrorLog;
import io.wsgi4j.mpm.ChildJvm;
import io.wsgi4j.platform.Posix;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;

/**
 * The HTTP tier's own cost, for benchmarks only (never a test): {@code ProbeServer KIND PORT [start-server options]}
 * serves a fixed "wsgi.multithread = True" body with no Python, through
 * <ul>
 *   <li>{@code inline}: wsgi4j's connector, handlers and exchange, on the thread that read the request, which
 *       blocks (embedded event's path);</li>
 *   <li>{@code selector}: the same, on the selector thread that read the request (embedded worker and prefork);</li>
 *   <li>{@code virtual}: the same, on a virtual thread per request (daemon mode's path);</li>
 *   <li>{@code jetty}: a bare Jetty handler on a default connector, for comparison.</li>
 * </ul>
 */
public final class ProbeServer {
    private static final byte[] BODY = "wsgi.multithread = True".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] HEAD = ("200 OK\r\nContent-type: text/plain\r\nContent-Length: " + BODY.length)
            .getBytes(StandardCharsets.ISO_8859_1);

    private ProbeServer() {
    }

    public static void main(String[] args) throws Exception {
        String kind = args[0];
        if (kind.equals("jvm-options")) {
            // The options of a server process alone on two cores, so that the probe measures what it runs.
            System.out.println(String.join(" ", ChildJvm.leanOptions(Path.of(System.getProperty("java.io.tmpdir")), 1, 2)));
            return;
        }
        int port = Integer.parseInt(args[1]);
        if (kind.equals("jetty")) {
            Server server = new Server();
            ServerConnector connector = new ServerConnector(server);
            connector.setPort(port);
            server.addConnector(connector);
            server.setHandler(new Handler.Abstract.NonBlocking() {
                @Override
                public boolean handle(Request request, Response response, Callback callback) {
                    response.getHeaders().put("Content-Type", "text/plain");
                    response.write(true, ByteBuffer.wrap(BODY), callback);
                    return true;
                }
            });
            server.start();
            server.join();
            return;
        }
        List<String> options = new ArrayList<>(List.of("probe.wsgi", "--port", Integer.toString(port)));
        options.addAll(List.of(args).subList(2, args.length));
        ServerConfig config = ConfigBuilder.build(new ArgumentParser(StartServerOptions.ALL).parse(options),
                Path.of("/tmp"), Posix.uid());
        boolean inline = kind.equals("inline");
        Gateway gateway = new Gateway() {
            @Override
            public void serve(Exchange exchange) {
                try {
                    exchange.receiveBody();
                    exchange.start(ResponseHead.parse(HEAD, 0, HEAD.length));
                    exchange.write(ByteBuffer.wrap(BODY), true);
                    exchange.finish();
                } catch (Exception e) {
                    exchange.fail(500, e.toString());
                } finally {
                    exchange.release();
                }
            }

            @Override
            public Dispatch dispatch() {
                return kind.equals("selector") ? Dispatch.SELECTOR_THREAD
                        : inline ? Dispatch.READING_THREAD : Dispatch.VIRTUAL_THREAD;
            }

            @Override
            public boolean serveWithoutWaiting(Exchange exchange) {
                if (!kind.equals("selector") || exchange.bodyToReceive()) {
                    return false;
                }
                exchange.mayNotWait();
                serve(exchange);
                return true;
            }
        };
        // As a server process of worker 1 x 8 holds them: eight connections at once (a selector each).
        HttpServer http = new HttpServer(config, Listener.bound(8), gateway, ErrorLog.toStream(System.err, LogLevel.WARN),
                null, "wsgi4j-probe");
        http.start();
        System.out.println("listening on " + http.port());
        new CountDownLatch(1).await();
    }
}
