package io.wsgi4j.daemon;

import java.util.List;

/**
 * The one error-log line each daemon process gets when it ends: which process, why it ended,
 * what became of the requests it had, and what takes its place.
 */
final class ExitLines {
    private ExitLines() {
    }

    /**
     * A process that was replaced (a recycling limit, a request timeout, a restart).
     *
     * @param replacement the pid of the process taking over, 0 if none is known
     */
    static String replaced(WorkerProcess worker, String displayName, long replacement) {
        StringBuilder line = new StringBuilder("wsgi4j: daemon process ").append(worker.pid()).append(' ')
                .append(displayName).append(' ').append(worker.retiringDetail());
        if (replacement != 0) {
            line.append("; replaced by process ").append(replacement);
        }
        List<String> failed = worker.failedRequests();
        List<String> cut = worker.interruptedRequests();
        if (failed.isEmpty() && cut.isEmpty()) {
            line.append("; every request it took was completed");
        }
        if (!cut.isEmpty()) {
            line.append("; ").append(cut.size()).append(" request(s) cut by the server: ").append(String.join(", ", cut));
        }
        if (!failed.isEmpty()) {
            line.append("; ").append(failed.size()).append(" request(s) in progress failed: ")
                    .append(String.join(", ", failed));
        }
        line.append("; ");
        if (worker.killedBecause() != null) {
            line.append("killed (SIGKILL) ").append(worker.killedBecause());
        } else {
            line.append(worker.exitDescription());
        }
        return line.append(" after ").append(worker.uptimeMillis() / 1000.0).append(" s").toString();
    }

    /**
     * A process that died by itself, or was killed while starting.
     *
     * @param replacing the pid of the process it was starting to replace, 0 if it was not a replacement
     * @param next      what happens now ("starting a new process", "next start in 2 s"...)
     */
    static String lost(WorkerProcess worker, String displayName, long replacing, String next) {
        List<String> failed = worker.failedRequests();
        String requests = failed.isEmpty() ? "no request was in progress"
                : failed.size() + " request(s) in progress failed: " + String.join(", ", failed);
        String how = worker.killedBecause() != null
                ? "was killed (SIGKILL) " + worker.killedBecause()
                : worker.exitDescription() + " after " + worker.uptimeMillis() + " ms";
        return "wsgi4j: daemon process " + worker.pid() + " " + displayName + " " + how
                + (replacing != 0 ? " (it was starting to replace process " + replacing + ")" : "")
                + "; " + requests + "; " + next;
    }
}
