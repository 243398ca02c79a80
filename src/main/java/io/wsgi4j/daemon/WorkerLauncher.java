package io.wsgi4j.daemon;

import java.io.IOException;

/** Starts the workers of a group: daemon processes. */
public interface WorkerLauncher {
    /**
     * Starts a worker; it reads {@code configLine} (wsgi4j_worker's JSON configuration) and
     * connects its threads to the group's socket once it has loaded the application.
     */
    WorkerHost launch(String configLine) throws IOException;

    /** What the log calls a worker: "daemon process". */
    String kind();

    /** What a start is described with in the log: the interpreter and its version. */
    String describe();
}
