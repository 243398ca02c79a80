package io.wsgi4j.daemon;

import java.util.List;
import java.util.Map;

/**
 * A process group at one moment: its processes, the requests waiting for a thread, and how many
 * times processes were replaced, by reason.
 *
 * @param name     the group's name
 * @param workers  every live process, the ones being replaced included
 * @param waiting  requests waiting for a free thread
 * @param recycles replacements so far, by reason
 */
public record GroupStatus(String name, List<WorkerStatus> workers, int waiting, Map<RecycleReason, Long> recycles) {
}
