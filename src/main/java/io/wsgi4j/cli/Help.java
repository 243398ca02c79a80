package io.wsgi4j.cli;

import java.util.ArrayList;
import java.util.List;

/** The text of {@code --help}, generated from the option table. */
public final class Help {
    private Help() {
    }

    public static List<String> usage() {
        return List.of(
                "Usage: wsgi4j start-server [options] SCRIPT",
                "       wsgi4j -k graceful|restart|graceful-stop|stop [options]",
                "       wsgi4j -v | -V [options] | --help",
                "",
                "Serves the WSGI application in SCRIPT (a WSGI script file, or with --application-type module",
                "a package.module[:callable]) in daemon processes, the way mod_wsgi-express does.",
                "",
                "  -k graceful|restart   Restart the running server's daemon processes one at a time, with no",
                "                        request refused (SIGUSR1 or SIGHUP to the server, as apachectl).",
                "  -k stop|graceful-stop Stop the running server, letting requests in progress finish (SIGTERM).",
                "                        -k finds the server by its pid file: give the same --server-root,",
                "                        --pid-file or --host/--port/--server-name as to start-server.",
                "  -v                    Print the version and exit.",
                "  -V                    Print the version, the process model and build facts (as httpd -V).");
    }

    /** Every start-server option, with its arguments, what it does and its default. */
    public static List<String> options() {
        List<String> lines = new ArrayList<>();
        lines.add("");
        lines.add("Options of start-server:");
        for (OptionSpec spec : StartServerOptions.ALL) {
            String synopsis = "  " + spec.synopsis();
            String help = spec.help() + (spec.defaultText().isEmpty() ? "" : " Default: " + spec.defaultText() + ".");
            List<String> wrapped = wrap(help, WIDTH - INDENT);
            if (synopsis.length() < INDENT) {
                lines.add(String.format("%-" + INDENT + "s%s", synopsis, wrapped.getFirst()));
            } else {
                lines.add(synopsis);
                lines.add(" ".repeat(INDENT) + wrapped.getFirst());
            }
            wrapped.stream().skip(1).forEach(line -> lines.add(" ".repeat(INDENT) + line));
        }
        return lines;
    }

    private static final int WIDTH = 100;
    private static final int INDENT = 32;

    static List<String> wrap(String text, int width) {
        List<String> lines = new ArrayList<>();
        StringBuilder line = new StringBuilder();
        for (String word : text.split(" ")) {
            if (!line.isEmpty() && line.length() + 1 + word.length() > width) {
                lines.add(line.toString());
                line.setLength(0);
            }
            if (!line.isEmpty()) {
                line.append(' ');
            }
            line.append(word);
        }
        lines.add(line.toString());
        return lines;
    }
}
