package io.wsgi4j.testing;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;

/** The CPython interpreters the tests run against: every 3.8 to 3.13 found on the machine. */
public final class Pythons {
    private Pythons() {
    }

    /**
     * One CPython minor version and where it was found, if it was, and whether the server runs it
     * embedded (inside its own JVM) rather than in daemon processes.
     */
    public record Python(int minor, Optional<Path> executable, boolean embedded) {

        public Python(int minor, Optional<Path> executable) {
            this(minor, executable, false);
        }

        /** The interpreter; aborts the calling test (reported as skipped, with the reason) when absent. */
        public Path require() {
            Assumptions.assumeTrue(executable.isPresent(),
                    "CPython 3." + minor + " was not found on this machine (looked in ~/.pyenv/versions, /usr/bin, "
                            + "/usr/local/bin); skipping its run");
            return executable.get();
        }

        @Override
        public String toString() {
            return "CPython 3." + minor + executable.map(p -> " (" + p + ")").orElse(" (absent)")
                    + (embedded ? ", embedded" : ", daemon");
        }
    }

    /**
     * Every supported minor version, found or not, for parameterised tests; only those named by the
     * system property {@value #ONLY} (e.g. "3.11,3.13") when it is set, as {@code bin/test --quick} does.
     */
    public static List<Python> all() {
        String only = System.getProperty(ONLY, "").strip();
        List<Python> pythons = new ArrayList<>();
        for (int minor = 8; minor <= 13; minor++) {
            if (only.isEmpty() || List.of(only.split("\\s*,\\s*")).contains("3." + minor)) {
                pythons.add(new Python(minor, find(minor)));
            }
        }
        return pythons;
    }

    /** The system property that narrows {@link #all()} to some minor versions. */
    public static final String ONLY = "wsgi4j.test.pythons";

    /** Every supported minor version, found or not, once in daemon mode and once in embedded mode. */
    public static List<Python> allInBothModes() {
        List<Python> pythons = new ArrayList<>();
        for (Python python : all()) {
            pythons.add(python);
            pythons.add(new Python(python.minor(), python.executable(), true));
        }
        return pythons;
    }

    /** Every supported minor version, found or not, in embedded mode. */
    public static List<Python> allEmbedded() {
        return all().stream().map(p -> new Python(p.minor(), p.executable(), true)).toList();
    }

    /** The python3 on PATH, which the default configuration runs. */
    public static Path defaultPython() {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(":")) {
            Path candidate = Path.of(dir, "python3");
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        return Path.of("/usr/bin/python3");
    }

    static Optional<Path> find(int minor) {
        String name = "python3." + minor;
        Path pyenv = Path.of(System.getProperty("user.home"), ".pyenv", "versions");
        if (Files.isDirectory(pyenv)) {
            try (DirectoryStream<Path> versions = Files.newDirectoryStream(pyenv, "3." + minor + ".*")) {
                for (Path version : versions) {
                    Path candidate = version.resolve("bin").resolve(name);
                    if (Files.isExecutable(candidate)) {
                        return Optional.of(candidate);
                    }
                }
            } catch (IOException e) {
                // fall through to the system locations
            }
        }
        for (String dir : List.of("/usr/bin", "/usr/local/bin")) {
            Path candidate = Path.of(dir, name);
            if (Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }
}
