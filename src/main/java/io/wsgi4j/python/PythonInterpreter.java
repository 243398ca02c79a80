package io.wsgi4j.python;

import io.wsgi4j.config.ConfigException;
import io.wsgi4j.config.PythonConfig;
import io.wsgi4j.platform.RunAs;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A CPython interpreter found and probed at start-up.
 *
 * @param executable     the absolute path of the interpreter
 * @param version        its version, e.g. {@code 3.11.7}
 * @param major          its major version
 * @param minor          its minor version
 * @param prefix         its {@code sys.prefix} (a virtual environment's directory, for one)
 * @param sharedLibrary  the path of its {@code libpython}, when it was built with one
 * @param pythonHome     the {@code PYTHONHOME} the daemon processes need, if any
 */
public record PythonInterpreter(Path executable, String version, int major, int minor, Path prefix,
                                Optional<Path> sharedLibrary, Optional<Path> pythonHome) {

    /** The oldest and newest CPython minor versions wsgi4j is tested with. */
    public static final int OLDEST_MINOR = 8;
    public static final int NEWEST_MINOR = 13;

    private static final String PROBE = String.join(";",
            "import sys, sysconfig, platform",
            "v = sysconfig.get_config_var",
            "print(platform.python_implementation())",
            "print(platform.python_version())",
            "print('%d %d' % sys.version_info[:2])",
            "print(sys.prefix)",
            "print(v('Py_ENABLE_SHARED') or 0)",
            "print(v('LIBDIR') or '')",
            "print(v('LDLIBRARY') or '')",
            "print(sys.executable)",
            "print(v('INSTSONAME') or '')");

    /** Whether this is a version newer than any wsgi4j is tested with (it is still used). */
    public boolean newerThanTested() {
        return major > 3 || minor > NEWEST_MINOR;
    }

    /** Finds the interpreter the configuration names and checks that it is a usable CPython. */
    public static PythonInterpreter locate(PythonConfig config, Path cwd) throws ConfigException {
        return locate(config, cwd, RunAs.self());
    }

    /**
     * Finds the interpreter the configuration names and checks that it is a usable CPython,
     * asking it as the user the application will run as (a server started as root runs no Python as root).
     */
    public static PythonInterpreter locate(PythonConfig config, Path cwd, RunAs runAs) throws ConfigException {
        Optional<Path> home = config.home();
        Path executable = null;
        Optional<Path> pythonHome = Optional.empty();
        if (home.isPresent()) {
            for (String name : List.of("bin/python3", "bin/python")) {
                Path candidate = home.get().resolve(name);
                if (Files.isExecutable(candidate)) {
                    executable = candidate;
                    break;
                }
            }
            if (executable == null) {
                // An installation prefix without its own interpreter: run --python with PYTHONHOME.
                pythonHome = home;
            }
        }
        if (executable == null) {
            executable = find(config.executable(), cwd);
        }
        return probe(executable, pythonHome, runAs);
    }

    /** Resolves a name on PATH, or a path against {@code cwd}. */
    static Path find(String name, Path cwd) throws ConfigException {
        if (name.contains("/")) {
            Path path = cwd.resolve(name).normalize();
            if (!Files.exists(path)) {
                throw new ConfigException("cannot start Python: '" + path + "' does not exist");
            }
            if (!Files.isExecutable(path) || Files.isDirectory(path)) {
                throw new ConfigException("cannot start Python: '" + path + "' is not an executable file");
            }
            return path;
        }
        String pathVariable = Optional.ofNullable(System.getenv("PATH")).orElse("/usr/local/bin:/usr/bin:/bin");
        for (String directory : pathVariable.split(":")) {
            if (directory.isEmpty()) {
                continue;
            }
            Path candidate = Path.of(directory, name);
            if (Files.isExecutable(candidate) && !Files.isDirectory(candidate)) {
                return candidate;
            }
        }
        throw new ConfigException("cannot start Python: '" + name
                + "' was not found on PATH; name the interpreter with --python or --python-home");
    }

    private static PythonInterpreter probe(Path executable, Optional<Path> pythonHome, RunAs runAs)
            throws ConfigException {
        ProcessBuilder builder = new ProcessBuilder(runAs.wrap(List.of(executable.toString(), "-c", PROBE)));
        builder.redirectErrorStream(true);
        builder.environment().putAll(runAs.environment());
        pythonHome.ifPresent(h -> builder.environment().put("PYTHONHOME", h.toString()));
        String output;
        int status;
        try {
            Process process = builder.start();
            process.getOutputStream().close();
            byte[] bytes = process.getInputStream().readAllBytes();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new ConfigException("cannot start Python '" + executable + "': it did not answer within 30 s");
            }
            output = new String(bytes, StandardCharsets.UTF_8);
            status = process.exitValue();
        } catch (IOException e) {
            throw new ConfigException("cannot start Python '" + executable + "': " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ConfigException("interrupted while starting Python '" + executable + "'");
        }
        List<String> lines = output.lines().toList();
        if (status != 0 || lines.size() < 8 || !lines.get(2).matches("\\d+ \\d+")) {
            String said = lines.isEmpty() ? "printed nothing" : "said '" + lines.getLast() + "'";
            throw new ConfigException("'" + executable + "' is not a usable Python interpreter: asked for its version, it "
                    + said + " and exited with status " + status);
        }
        if (!lines.get(0).equals("CPython")) {
            throw new ConfigException("'" + executable + "' is " + lines.get(0) + " " + lines.get(1)
                    + "; wsgi4j runs CPython 3." + OLDEST_MINOR + " to 3." + NEWEST_MINOR);
        }
        String[] mm = lines.get(2).split(" ");
        int major = Integer.parseInt(mm[0]);
        int minor = Integer.parseInt(mm[1]);
        if (major < 3 || (major == 3 && minor < OLDEST_MINOR)) {
            throw new ConfigException("'" + executable + "' is Python " + lines.get(1)
                    + ", too old: wsgi4j runs CPython 3." + OLDEST_MINOR + " to 3." + NEWEST_MINOR);
        }
        Optional<Path> library = Optional.empty();
        if (lines.get(4).equals("1") && !lines.get(5).isEmpty() && !lines.get(6).isEmpty()) {
            library = Optional.of(Path.of(lines.get(5), lines.get(6)));
            // LDLIBRARY is the development symlink (libpython3.11.so); without the -dev package only
            // the versioned file the interpreter itself links against is there.
            if (!Files.exists(library.get()) && lines.size() > 8 && !lines.get(8).isEmpty()) {
                library = Optional.of(Path.of(lines.get(5), lines.get(8)));
            }
        }
        // sys.executable is the interpreter itself, not a wrapper such as a pyenv shim.
        Path real = lines.get(7).isEmpty() ? executable : Path.of(lines.get(7));
        return new PythonInterpreter(real, lines.get(1), major, minor, Path.of(lines.get(3)), library, pythonHome);
    }

    /**
     * The shared libpython embedded mode loads into the server, checked to exist.
     *
     * @throws ConfigException naming the interpreter when it was built without one
     */
    public Path requireSharedLibrary() throws ConfigException {
        if (sharedLibrary.isEmpty()) {
            throw new ConfigException("option --embedded-mode: " + executable + " (Python " + version
                    + ") was built without a shared libpython (sysconfig Py_ENABLE_SHARED is 0), so it cannot run "
                    + "inside the server; use daemon mode (leave out --embedded-mode) or a Python built with "
                    + "--enable-shared");
        }
        if (!Files.isRegularFile(sharedLibrary.get())) {
            throw new ConfigException("option --embedded-mode: the shared libpython of " + executable + ", "
                    + sharedLibrary.get() + ", does not exist; install it (Debian: libpython" + major + "." + minor
                    + ") or use daemon mode");
        }
        return sharedLibrary.get();
    }

    /**
     * Checks that the user {@code runAs} starts programs as can read each of these files (and
     * enter each directory), asking the kernel from a process of that user: the names it gives are
     * what a failure message calls each path ("the WSGI script").
     *
     * @throws ConfigException naming the first path the user cannot use
     */
    public void checkAccess(RunAs runAs, Map<Path, String> paths) throws ConfigException {
        if (paths.isEmpty()) {
            return;
        }
        List<String> command = new java.util.ArrayList<>(List.of(executable.toString(), "-S", "-c",
                "import os, sys\nfor p in sys.argv[1:]:\n"
                        + "    print(int(os.access(p, os.R_OK | (os.X_OK if os.path.isdir(p) else 0))))"));
        List<Path> order = List.copyOf(paths.keySet());
        order.forEach(p -> command.add(p.toString()));
        ProcessBuilder builder = new ProcessBuilder(runAs.wrap(command)).redirectErrorStream(true);
        builder.environment().putAll(environment());
        List<String> lines;
        try {
            Process process = builder.start();
            process.getOutputStream().close();
            lines = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines().toList();
            process.waitFor(30, TimeUnit.SECONDS);
        } catch (IOException e) {
            throw new ConfigException("cannot start Python '" + executable + "' as " + runAs.identity() + ": "
                    + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ConfigException("interrupted while starting Python '" + executable + "'");
        }
        if (lines.size() != order.size()) {
            throw new ConfigException("cannot start Python '" + executable + "' as " + runAs.identity() + ": it said '"
                    + String.join(" ", lines) + "'");
        }
        for (int i = 0; i < order.size(); i++) {
            if (!lines.get(i).equals("1")) {
                Path path = order.get(i);
                throw new ConfigException(paths.get(path) + " " + path + " cannot be " + (Files.isDirectory(path)
                        ? "entered" : "read") + " by " + runAs.identity() + ", who runs the application (--user): "
                        + "give that user access to it and to the directories above it, or place it elsewhere");
            }
        }
    }

    /** The environment variables a process of this interpreter needs, beyond the server's own. */
    public Map<String, String> environment() {
        Map<String, String> env = new HashMap<>();
        pythonHome.ifPresent(h -> env.put("PYTHONHOME", h.toString()));
        return env;
    }
}
