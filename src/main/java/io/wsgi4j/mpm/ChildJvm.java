package io.wsgi4j.mpm;

import io.wsgi4j.platform.Libc;
import io.wsgi4j.platform.RunAs;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.TreeMap;

/**
 * The command line and environment of a server process: the control process's own {@code java}
 * and classpath, lean JVM options, and the very start-server arguments the user gave, run as the
 * worker user (through setpriv when that is another user), with environment variables naming its
 * slot (so that it knows it is a server process), its scoreboard, and who started the server.
 *
 * @param java        the java executable
 * @param classPath   the classpath (the wsgi4j jar)
 * @param jvmOptions  the options every server process gets
 * @param arguments   the start-server arguments
 * @param environment the control process's environment
 * @param runAs       the user the server processes run as
 */
public record ChildJvm(String java, String classPath, List<String> jvmOptions, List<String> arguments,
                       Map<String, String> environment, RunAs runAs) {
    /** JVM options for the server processes, besides the lean ones (as WSGI4J_JAVA_OPTS is for bin/wsgi4j's JVM). */
    public static final String EXTRA_OPTIONS_VARIABLE = "WSGI4J_SERVER_JAVA_OPTS";
    /** Set in a server process's environment to its slot number. */
    public static final String SLOT_VARIABLE = "WSGI4J_SERVER_PROCESS";
    /** Set in a server process's environment to the scoreboard file the control process made for it. */
    static final String SCOREBOARD_VARIABLE = "WSGI4J_SCOREBOARD";
    /**
     * Set in a server process's environment to the uid of the user who started the server: part of
     * the default server root's name, which must be the control process's even under --user.
     */
    static final String STARTED_BY_VARIABLE = "WSGI4J_STARTED_BY";

    public ChildJvm {
        jvmOptions = List.copyOf(jvmOptions);
        arguments = List.copyOf(arguments);
        environment = Map.copyOf(environment);
    }

    /**
     * A server process of this JVM running {@code start-server arguments}.
     *
     * @param crashDirectory where a crashing server process writes its hs_err file (writable by it)
     * @param processes      how many server processes run at once (--processes)
     */
    public static ChildJvm ofThisJvm(List<String> arguments, Path crashDirectory, RunAs runAs, int processes) {
        String java = ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        List<String> options = new ArrayList<>(leanOptions(crashDirectory, processes,
                Runtime.getRuntime().availableProcessors()));
        // Added to (and able to override) the lean options: a larger heap, a profiler.
        String extra = System.getenv(EXTRA_OPTIONS_VARIABLE);
        if (extra != null && !extra.isBlank()) {
            options.addAll(List.of(extra.trim().split("\\s+")));
        }
        return new ChildJvm(java, System.getProperty("java.class.path"), options, arguments, System.getenv(), runAs);
    }

    /** The uid of the user who started the server, as a server process was told; empty in any other process. */
    public static OptionalInt startedBy() {
        String value = System.getenv(STARTED_BY_VARIABLE);
        try {
            return value == null ? OptionalInt.empty() : OptionalInt.of(Integer.parseInt(value));
        } catch (NumberFormatException e) {
            return OptionalInt.empty();
        }
    }

    /**
     * What keeps a server process small: the options every wsgi4j JVM gets ({@link #SHARED_OPTIONS},
     * read by bin/wsgi4j too), a modest heap whose young generation is small enough that an idle
     * process touches little of it, no hsperfdata file (a shared mapping per JVM nobody reads), and
     * the compiler for how many processes share the cores ({@link #compiler}). Malloc's free memory,
     * which the compiler leaves behind, is returned to the system (TrimNativeHeapInterval).
     * A crash's hs_err file goes to the server root, where the control process looks for it.
     */
    public static List<String> leanOptions(Path crashDirectory, int processes, int cores) {
        List<String> options = new ArrayList<>(sharedOptions());
        options.addAll(List.of(compiler(processes, cores), "-XX:TrimNativeHeapInterval=5000",
                "-Xms8m", "-Xmn4m", "-Xmx128m", "-XX:-UsePerfData",
                "-XX:ErrorFile=" + crashDirectory.resolve("hs_err_pid%p.log")));
        return List.copyOf(options);
    }

    /** The resource (src/main/resources) holding the JVM options of every wsgi4j JVM, one per line. */
    static final String SHARED_OPTIONS = "lean-jvm.options";

    /** The options of {@link #SHARED_OPTIONS}: its lines that are neither blank nor comments. */
    static List<String> sharedOptions() {
        try (InputStream in = ChildJvm.class.getResourceAsStream(SHARED_OPTIONS)) {
            if (in == null) {
                throw new IllegalStateException(SHARED_OPTIONS + " is missing from the wsgi4j jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().map(String::strip)
                    .filter(line -> !line.isEmpty() && !line.startsWith("#")).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * C2 alone while the server processes are few for the cores: once warm it runs the HTTP tier
     * much faster than C1, and without C1's code and profiles beside its own it costs little more
     * memory; its price is a slower start (the interpreter runs the start-up code until C2 has
     * compiled it). Every process compiles the same code for itself, though: with many processes
     * per core their C2 compilations crowd out the requests for minutes, and C1 alone, which
     * compiles at once and cheaply, serves more. Tiered compilation (C1, then C2) was slower and
     * larger than either here. Figures in docs/PERFORMANCE.md.
     */
    static String compiler(int processes, int cores) {
        return processes <= 2 * cores ? "-XX:-TieredCompilation" : "-XX:TieredStopAtLevel=1";
    }

    /** The hs_err file a crashed server process with this pid wrote (it may not exist). */
    public static Path errorFile(Path crashDirectory, long pid) {
        return crashDirectory.resolve("hs_err_pid" + pid + ".log");
    }

    /**
     * argv: java, the options, {@code extraOptions} (the class data archive's), the jar (or the
     * classpath and the main class) and the arguments. The jar's manifest grants native access:
     * --enable-native-access on the command line would differ from what the JDK's base CDS archive
     * was dumped with, and the JVM would then refuse part of the archive, with errors on stdout.
     */
    String[] argv(List<String> extraOptions) {
        return runAs.wrap(command(extraOptions)).toArray(String[]::new);
    }

    private List<String> command(List<String> extraOptions) {
        List<String> argv = new ArrayList<>();
        argv.add(java);
        argv.addAll(jvmOptions);
        argv.addAll(extraOptions);
        if (classPath.endsWith(".jar") && !classPath.contains(File.pathSeparator)) {
            argv.addAll(List.of("-jar", classPath, "start-server"));
        } else {
            argv.addAll(List.of("--enable-native-access=ALL-UNNAMED", "-cp", classPath, "io.wsgi4j.Main", "start-server"));
        }
        argv.addAll(arguments);
        return argv;
    }

    /** The environment, with the slot number, the scoreboard, who started the server, and the user's HOME. */
    String[] envp(int slot, Path scoreboard) {
        Map<String, String> env = new TreeMap<>(environment);
        env.putAll(runAs.environment());
        env.put(SLOT_VARIABLE, Integer.toString(slot));
        env.put(SCOREBOARD_VARIABLE, scoreboard.toString());
        env.put(STARTED_BY_VARIABLE, Integer.toString(Libc.geteuid()));
        return env.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toArray(String[]::new);
    }
}
