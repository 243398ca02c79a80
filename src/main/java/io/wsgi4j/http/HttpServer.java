package io.wsgi4j.http;

import io.wsgi4j.config.ServerConfig;
import io.wsgi4j.gateway.Gateway;
import io.wsgi4j.log.AccessLog;
import io.wsgi4j.log.ErrorLog;
import java.io.IOException;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.http.UriCompliance;
import org.eclipse.jetty.io.ByteBufferPool;
import org.eclipse.jetty.io.ManagedSelector;
import org.eclipse.jetty.io.SelectorManager;
import org.eclipse.jetty.io.SocketChannelEndPoint;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.NetworkConnectionLimit;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.GracefulHandler;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jetty.util.thread.Scheduler;

/** The HTTP tier: Jetty's connector and parser, static files, and the hand-off of WSGI requests to a gateway. */
public final class HttpServer {
    private static final long HEARTBEAT_MILLIS = 250;

    /**
     * Jetty's default, plus what Apache accepts and wsgi4j handles itself: empty path segments
     * ("//", merged as by Apache's MergeSlashes), "%25" (decoded once: a name with a "%"),
     * escapes and raw bytes that are not UTF-8 or not URI characters (raw UTF-8, '"'), which reach
     * the application as PEP 3333 wants, one char per byte, and a fragment, which only
     * REQUEST_URI (the raw target) shows. Routing and RequestPath decode exactly once, so none
     * of these is ambiguous here; encoded slashes, dots and NULs are still refused.
     */
    static final UriCompliance URI_COMPLIANCE = UriCompliance.DEFAULT.with("wsgi4j",
            UriCompliance.Violation.AMBIGUOUS_EMPTY_SEGMENT, UriCompliance.Violation.AMBIGUOUS_PATH_ENCODING,
            UriCompliance.Violation.BAD_UTF8_ENCODING, UriCompliance.Violation.TRUNCATED_UTF8_ENCODING,
            UriCompliance.Violation.ILLEGAL_PATH_CHARACTERS, UriCompliance.Violation.FRAGMENT);

    private final Server server;
    private final ServerConnector connector;

    /**
     * Binds --host/--port itself and holds up to --max-clients connections.
     *
     * @param accessLog where requests are logged, or null for no access log
     */
    public HttpServer(ServerConfig config, Gateway gateway, ErrorLog log, AccessLog accessLog, String serverSoftware)
            throws IOException {
        this(config, Listener.bound(config.http().maxClients()), gateway, log, accessLog, serverSoftware);
    }

    /**
     * @param listener  where connections come from and how many are held at once
     * @param accessLog where requests are logged, or null for no access log
     */
    public HttpServer(ServerConfig config, Listener listener, Gateway gateway, ErrorLog log, AccessLog accessLog,
                      String serverSoftware) throws IOException {
        QueuedThreadPool threads = new QueuedThreadPool(64, 4) {
            // A thread that ran Python (embedded mode) gives its thread state back as it ends.
            @Override
            public Thread newThread(Runnable runnable) {
                Runnable serving = () -> {
                    try {
                        runnable.run();
                    } finally {
                        gateway.threadEnded();
                    }
                };
                long stack = gateway.threadStackSize();
                if (stack <= 0) {
                    return super.newThread(serving);
                }
                // What Jetty's own newThread sets, and the gateway's stack size.
                Thread thread = new Thread(null, serving, getName(), stack);
                thread.setDaemon(isDaemon());
                thread.setPriority(getThreadsPriority());
                thread.setName(getName() + "-" + thread.threadId());
                thread.setContextClassLoader(getClass().getClassLoader());
                return thread;
            }
        };
        threads.setName("wsgi4j-http");
        // Unpooled buffers: from Jetty 12.1.6 to 12.1.14 (12.1.5 is clean), with bad requests from
        // clients that end their side at once, a pooled buffer was taken by a second connection
        // while the first still wrote into it (one connection's response headers showed up in
        // another's request; ConnectionIsolationIT, and a bare Jetty server, reproduce it).
        // A buffer that is never reused cannot be shared; heap ones are cheap to allocate.
        server = new Server(threads, null, new ByteBufferPool.NonPooling());

        HttpConfiguration http = new HttpConfiguration();
        http.setSendServerVersion(false);
        http.setSendXPoweredBy(false);
        http.setSendDateHeader(true);
        http.setUseInputDirectByteBuffers(false);
        http.setUseOutputDirectByteBuffers(false);
        // Unpooled, every buffer is allocated afresh: start response heads small (most fit in
        // 4 KiB) and let Jetty retry larger ones, up to mod_wsgi's default header-buffer-size.
        http.setResponseHeaderSize(4 * 1024);
        http.setMaxResponseHeaderSize(64 * 1024);
        // Apache's head limits; Jetty's bound on the whole head only backs up the per-line checks.
        RequestLimits limits = RequestLimits.APACHE;
        http.setRequestHeaderSize(limits.headBytes());
        // Without this the parser's field cache hands over its own spelling of common values
        // ("Connection: Close" as "close"); CGI passes header values as received.
        http.setHeaderCacheCaseSensitive(true);
        http.setUriCompliance(URI_COMPLIANCE);
        boolean keepAlive = !config.http().keepAliveTimeout().isZero();
        http.setPersistentConnectionsEnabled(keepAlive);

        HeadAllowance head = new HeadAllowance(config.http().readTimeouts());
        // Served on their selector (embedded worker and prefork): a selector per connection the process
        // may hold, each new connection given one with the fewest, so that a connection has its
        // selector, and its request thread, to itself, as it has its thread in Apache's worker MPM.
        boolean onSelectors = gateway.dispatch() == Gateway.Dispatch.SELECTOR_THREAD;
        int selectors = onSelectors ? Math.max(1, Math.min(listener.connectionLimit(), 64)) : -1;
        long socketTimeout = config.http().socketTimeout().toMillis();
        connector = new ServerConnector(server, 1, selectors,
                new Http1ConnectionFactory(http, limits, head, socketTimeout, log)) {
            // Whatever the listener must redo once the socket is closed (a server process puts back
            // the stdout and stderr the JDK detaches when an inherited channel closes).
            @Override
            public void close() {
                super.close();
                listener.afterClose().run();
            }

            @Override
            protected SocketChannelEndPoint newEndPoint(SocketChannel channel, ManagedSelector selector,
                    SelectionKey key) {
                TimedEndPoint endPoint = new TimedEndPoint(channel, selector, key, getScheduler(), socketTimeout);
                endPoint.setIdleTimeout(getIdleTimeout());
                return endPoint;
            }

            @Override
            protected SelectorManager newSelectorManager(Executor executor, Scheduler scheduler, int count) {
                if (!onSelectors) {
                    return super.newSelectorManager(executor, scheduler, count);
                }
                return new ServerConnectorManager(executor, scheduler, count) {
                    // Connections handed to a selector that has not registered them yet: a burst of
                    // accepts would otherwise all see the same counts and go to one selector, and its
                    // thread would serve them one after another while the others stay idle.
                    private final Map<SelectableChannel, ManagedSelector> handedOver = new ConcurrentHashMap<>();
                    private SelectableChannel accepting;  // only the acceptor's thread accepts

                    @Override
                    protected void onAccepting(SelectableChannel channel) {
                        accepting = channel;
                        super.onAccepting(channel);
                    }

                    @Override
                    protected ManagedSelector chooseSelector() {
                        ManagedSelector fewest = null;
                        int fewestConnections = Integer.MAX_VALUE;
                        for (ManagedSelector selector : getBeans(ManagedSelector.class)) {
                            int connections = selector.size();
                            for (ManagedSelector waiting : handedOver.values()) {
                                connections += waiting == selector ? 1 : 0;
                            }
                            if (connections < fewestConnections) {
                                fewest = selector;
                                fewestConnections = connections;
                            }
                        }
                        if (fewest == null) {
                            return super.chooseSelector();
                        }
                        if (accepting != null) {
                            handedOver.put(accepting, fewest);
                            accepting = null;
                        }
                        return fewest;
                    }

                    @Override
                    protected SocketChannelEndPoint newEndPoint(SelectableChannel channel, ManagedSelector selector,
                            SelectionKey key) throws IOException {
                        handedOver.remove(channel);
                        return super.newEndPoint(channel, selector, key);
                    }

                    @Override
                    protected void onAcceptFailed(SelectableChannel channel, Throwable cause) {
                        handedOver.remove(channel);
                        super.onAcceptFailed(channel, cause);
                    }
                };
            }
        };
        // An inherited socket (System.inheritedChannel()) is already bound and listening; host and port are then unused.
        connector.setInheritChannel(listener.inherited());
        listener.connectionEvents().forEach(connector::addEventListener);
        connector.setHost(config.listenHost().isEmpty() ? null : config.listenHost());
        connector.setPort(config.port());
        connector.setIdleTimeout((keepAlive ? config.http().keepAliveTimeout() : config.http().socketTimeout()).toMillis());
        connector.setAcceptQueueSize(511);
        server.addConnector(connector);
        // Apache's MaxRequestWorkers: past the limit the connector stops accepting, and new
        // connections wait in the kernel's listen queue.
        server.addBean(new NetworkConnectionLimit(listener.connectionLimit(), connector));

        server.setErrorHandler(new ErrorPages());
        server.setHandler(new GracefulHandler(new Routes(config, gateway, log, serverSoftware, server.getByteBufferPool())));
        if (accessLog != null) {
            server.setRequestLog(accessLog.requestLog(config.logging().accessLogFormat(), config.serverName()));
        }
        server.setStopAtShutdown(false);
    }

    /**
     * Binds the port (and starts listening) without serving yet: what a server started as root does
     * before it becomes --user. {@link #start} binds if this was not called.
     */
    public void bind() throws IOException {
        connector.open();
    }

    /** Binds the port if not yet bound, and starts serving. */
    public void start() throws Exception {
        server.start();
        heartbeat(server.getScheduler());
    }

    /**
     * Keeps a task of its own due first on Jetty's scheduler. Each new connection schedules its idle
     * check (a client without keep-alive: one per request), as does each head that arrives slowly
     * ({@link HeadTimer}); when that check is the scheduler's earliest task, the scheduler's thread
     * is woken to wait for it instead, a thread switch. With a task due sooner always queued, a new
     * check is never the earliest, and the scheduler's thread wakes four times a second instead.
     */
    private void heartbeat(Scheduler scheduler) {
        if (server.isRunning()) {
            scheduler.schedule(() -> heartbeat(scheduler), HEARTBEAT_MILLIS, TimeUnit.MILLISECONDS);
        }
    }

    /** The port actually bound (useful with port 0). */
    public int port() {
        return connector.getLocalPort();
    }

    /**
     * Stops accepting (the listening socket is closed; connections still queued stay in the kernel
     * for the processes that share it) and waits, up to {@code timeout}, until every connection
     * accepted so far has been served and closed: stopping the server at once would refuse a
     * request whose connection was accepted but not yet read (503 from the graceful handler) or
     * close it unanswered. Idle keep-alive connections close at their keep-alive timeout.
     */
    public void stopAccepting(Duration timeout) throws InterruptedException {
        // close(), not shutdown(): shutdown interrupts the acceptor thread, and a connection its
        // accept() had just taken from the shared queue is then lost (ClosedByInterruptException
        // is thrown even though the accept completed). Closing the channel under a blocked accept
        // either wakes it empty-handed or lets it return the connection, which is then served.
        // (With no acceptor thread, accepting from the selector, Jetty's close() leaves the channel
        // open, and at a quota as small as prefork's the selector's accepts reset connections.)
        connector.close();
        // A connection the acceptor took just before the close becomes an endpoint only once the
        // selector has registered it: "no endpoints" counts only when it holds twice, well apart.
        long deadline = System.nanoTime() + timeout.toNanos();
        int quiet = 0;
        while (quiet < 2 && System.nanoTime() < deadline) {
            Thread.sleep(100);
            quiet = connector.getConnectedEndPoints().isEmpty() ? quiet + 1 : 0;
        }
    }

    /** Stops accepting connections, lets requests in progress finish for up to {@code graceful}, then stops. */
    public void stop(Duration graceful) throws Exception {
        server.setStopTimeout(graceful.toMillis());
        try {
            server.stop();
        } finally {
            // A port bound by bind() for a server that then failed to start is not closed by stop().
            connector.close();
        }
    }
}
