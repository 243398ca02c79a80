package io.wsgi4j.python;

import io.wsgi4j.config.ApplicationConfig;
import io.wsgi4j.config.DaemonConfig;
import io.wsgi4j.platform.FileSafety;
import io.wsgi4j.platform.Identity;
import io.wsgi4j.platform.Libc;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.LinkOption;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The Python worker runtime shipped inside the jar, unpacked into the server root for the daemon
 * processes (and the embedded interpreter), and checked before each process starts from it.
 */
public final class WorkerRuntime {
    /** The runtime's modules (python/wsgi4j_worker/ in the source tree). */
    public static final List<String> MODULES = List.of(
            "__init__.py", "embedded.py", "gateway.py", "loader.py", "log.py", "main.py", "monitor.py", "proctitle.py", "protocol.py",
            "stacks.py", "streams.py");

    private static final String PACKAGE = "wsgi4j_worker";
    private static final String RESOURCE_DIR = "/io/wsgi4j/python/" + PACKAGE + "/";
    private static final String REMEDY = "remove the server root's python directory (wsgi4j unpacks it again at the "
            + "next start), or choose another --server-root";

    /** The command line that starts a daemon process from a runtime unpacked in {@code directory}. */
    public static List<String> command(Path interpreter, Path directory) {
        String bootstrap = "import sys; sys.path.insert(0, sys.argv[1]); "
                + "from wsgi4j_worker.main import main; del sys.path[0]; sys.argv[:] = ['wsgi4j']; main()";
        return List.of(interpreter.toString(), "-c", bootstrap, directory.toString());
    }

    private WorkerRuntime() {
    }

    /**
     * The configuration a daemon process reads from stdin when it starts (main.py): one JSON line,
     * the embedded interpreter's keys with the group's socket and the daemon's own.
     */
    public static String configLine(DaemonConfig config, ApplicationConfig application, Path socket, String token) {
        return "{" + "\"socket\":" + Json.string(socket.toString())
                + ",\"token\":" + Json.string(token)
                + ",\"group\":" + Json.string(config.name())
                + ",\"display_name\":" + Json.string(config.displayName())
                + ",\"threads\":" + config.threads()
                + ",\"reload_on_changes\":" + config.reloadOnChanges()
                + "," + applicationKeys(config, application) + "}";
    }

    /** The configuration the embedded interpreter is prepared with (embedded.py's prepare): one JSON line. */
    public static String embeddedConfigLine(DaemonConfig config, ApplicationConfig application) {
        return "{" + applicationKeys(config, application) + "}";
    }

    private static String applicationKeys(DaemonConfig config, ApplicationConfig application) {
        StringBuilder paths = new StringBuilder("[");
        for (Path path : config.python().paths()) {
            if (paths.length() > 1) {
                paths.append(',');
            }
            paths.append(Json.string(path.toString()));
        }
        paths.append(']');
        return "\"application_type\":" + Json.string(application.type().key())
                + ",\"entry_point\":" + Json.string(application.entryPoint())
                + ",\"callable_object\":" + Json.string(application.callableObject())
                + ",\"working_directory\":" + Json.string(config.workingDirectory().toString())
                + ",\"python_path\":" + paths;
    }

    /**
     * Unpacks the runtime into {@code directory} (its package goes in a subdirectory), both
     * directories created if needed and checked to be this user's and private; returns the directory.
     *
     * @param group the worker's group, given read access (a worker running as another user), or -1
     */
    public static Path install(Path directory, int group) throws IOException {
        Path target = directory.resolve(PACKAGE);
        for (Path dir : List.of(directory, target)) {
            FileSafety.createOrCheckDirectory(dir, "the worker runtime directory", Set.of(Libc.geteuid()), REMEDY);
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString(group >= 0 ? "rwxr-x---" : "rwx------"));
            if (group >= 0) {
                FileSafety.setGroup(dir, group);
            }
        }
        Set<PosixFilePermission> mode = PosixFilePermissions.fromString(group >= 0 ? "rw-r-----" : "rw-------");
        for (String module : MODULES) {
            try (InputStream in = WorkerRuntime.class.getResourceAsStream(RESOURCE_DIR + module)) {
                if (in == null) {
                    throw new IOException("the worker runtime module " + module + " is missing from the wsgi4j jar");
                }
                Path tmp = Files.createTempFile(target, module, ".tmp", PosixFilePermissions.asFileAttribute(mode));
                Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
                Files.setPosixFilePermissions(tmp, mode);
                if (group >= 0) {
                    FileSafety.setGroup(tmp, group);
                }
                Files.move(tmp, target.resolve(module), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            }
        }
        return directory;
    }

    /**
     * Checks, before a process starts from it, that no user other than root or this one could have
     * changed the runtime unpacked in {@code directory}: its directories, modules and compiled modules.
     *
     * @throws FileSafety.UnsafePathException naming what is wrong
     */
    public static void verify(Path directory) throws FileSafety.UnsafePathException {
        Set<Integer> owners = FileSafety.selfOrRoot();
        Path target = directory.resolve(PACKAGE);
        FileSafety.checkDirectory(directory, "the worker runtime directory", owners, REMEDY);
        FileSafety.checkDirectory(target, "the worker runtime directory", owners, REMEDY);
        List<Path> files = new ArrayList<>();
        for (String module : MODULES) {
            files.add(target.resolve(module));
        }
        Path cache = target.resolve("__pycache__");
        if (Files.exists(cache, LinkOption.NOFOLLOW_LINKS)) {
            FileSafety.checkDirectory(cache, "the worker runtime directory", owners, REMEDY);
            try (var compiled = Files.list(cache)) {
                compiled.forEach(files::add);
            } catch (IOException e) {
                throw new FileSafety.UnsafePathException("the worker runtime directory " + cache + " cannot be read: "
                        + e.getMessage());
            }
        }
        for (Path file : files) {
            String problem;
            if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
                problem = Files.isSymbolicLink(file) ? "is a symbolic link" : "is missing or not a regular file";
            } else if (!owners.contains(FileSafety.uid(file))) {
                problem = "belongs to " + Identity.userName(FileSafety.uid(file));
            } else if ((FileSafety.mode(file) & 0022) != 0) {
                problem = "is writable by its group or others";
            } else {
                continue;
            }
            throw new FileSafety.UnsafePathException("the worker runtime file " + file + " " + problem + " ("
                    + FileSafety.describe(file) + "): wsgi4j runs no code another user could have changed; " + REMEDY);
        }
    }
}
