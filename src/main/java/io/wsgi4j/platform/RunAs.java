package io.wsgi4j.platform;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * How a process started as root starts a program as another user: through {@code setpriv}
 * (util-linux), which sets the groups, the group and the user, then execs the program, so that
 * the program never runs as root. (The JDK cannot change a child's user, and a JVM must not fork
 * and run Java code before exec.) Without another user, programs are started as they are.
 *
 * @param setpriv  the setpriv executable, when the user changes
 * @param identity who the programs run as
 */
public record RunAs(Optional<Path> setpriv, Identity identity) {
    /** Where setpriv is looked for: system directories only, never PATH. */
    private static final List<Path> SETPRIV = List.of(Path.of("/usr/bin/setpriv"), Path.of("/bin/setpriv"),
            Path.of("/usr/sbin/setpriv"), Path.of("/sbin/setpriv"));

    /** Programs run as this process's own user. */
    public static RunAs self() {
        return new RunAs(Optional.empty(), Identity.current());
    }

    /**
     * Programs run as {@code identity}, through a setpriv that only root can change (it runs as root).
     *
     * @throws FileSafety.UnsafePathException when there is none, or only one another user could have changed
     */
    public static RunAs user(Identity identity) throws FileSafety.UnsafePathException {
        for (Path candidate : SETPRIV) {
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                Path real;
                try {
                    real = candidate.toRealPath();
                } catch (java.io.IOException e) {
                    continue;
                }
                if (FileSafety.uid(real) != 0 || (FileSafety.mode(real) & 0022) != 0) {
                    throw new FileSafety.UnsafePathException(real + " (" + FileSafety.describe(real) + ") could be "
                            + "changed by a user other than root, and wsgi4j would run it as root to start processes as "
                            + identity.user() + "; make it root's and not writable by group or others");
                }
                FileSafety.checkDirectory(real.getParent(), "the directory of setpriv", Set.of(0),
                        "make it root's and not writable by group or others");
                return new RunAs(Optional.of(real), identity);
            }
        }
        throw new FileSafety.UnsafePathException("to run the application as " + identity.user()
                + ", wsgi4j starts its processes through setpriv, which is not installed (looked in /usr/bin, /bin, "
                + "/usr/sbin, /sbin): install util-linux (Debian: apt-get install util-linux)");
    }

    /** Whether programs started through this change user. */
    public boolean changesUser() {
        return setpriv.isPresent();
    }

    /** {@code command}, preceded by what makes it run as the user. */
    public List<String> wrap(List<String> command) {
        if (setpriv.isEmpty()) {
            return command;
        }
        List<String> wrapped = new ArrayList<>();
        wrapped.add(setpriv.get().toString());
        wrapped.addAll(identity.setprivArguments());
        wrapped.addAll(command);
        return wrapped;
    }

    /** The variables describing the user (HOME, USER, LOGNAME) for a program that changes user; else none. */
    public Map<String, String> environment() {
        return setpriv.isPresent() ? identity.environment() : Map.of();
    }
}
