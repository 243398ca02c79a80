package io.wsgi4j.server;

/** What the {@code start-server} command holds while it runs: a daemon-mode server, or embedded mode's control process. */
public interface RunningServer extends AutoCloseable {
    /** The port it listens on. */
    int port();

    /** Replaces the processes running the application one at a time, each once its successor is ready. */
    void gracefulRestart(String why);

    /** Stops gracefully. */
    @Override
    void close();
}
