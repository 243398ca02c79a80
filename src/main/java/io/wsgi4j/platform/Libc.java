package io.wsgi4j.platform;

import java.lang.foreign.AddressLayout;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;

/**
 * The libc calls the control and server processes make through the FFM API: sockets, posix_spawn,
 * waitpid, and reads and writes on plain file descriptors. Each call returns its raw result; a
 * failure throws {@link LibcException} with errno's text.
 */
public final class Libc {
    public static final int AF_UNIX = 1;
    public static final int AF_INET = 2;
    public static final int AF_INET6 = 10;
    public static final int SOCK_STREAM = 1;
    public static final int SOCK_CLOEXEC = 0x80000;
    public static final int SOL_SOCKET = 1;
    public static final int SO_REUSEADDR = 2;
    public static final int IPPROTO_IPV6 = 41;
    public static final int IPV6_V6ONLY = 26;
    public static final int F_GETFD = 1;
    public static final int F_SETFD = 2;
    public static final int F_DUPFD_CLOEXEC = 1030;
    public static final int FD_CLOEXEC = 1;
    public static final int EINTR = 4;
    public static final int ENOENT = 2;
    public static final int EACCES = 13;
    public static final int ELOOP = 40;
    public static final int O_WRONLY = 01;
    public static final int O_CREAT = 0100;
    public static final int O_APPEND = 02000;
    public static final int O_NONBLOCK = 04000;
    public static final int O_CLOEXEC = 02000000;
    /** The one open flag used here whose value differs between architectures (arm64 has its own). */
    public static final int O_NOFOLLOW = "aarch64".equals(System.getProperty("os.arch")) ? 0100000 : 0400000;
    private static final short POSIX_SPAWN_SETPGROUP = 0x02;
    private static final short POSIX_SPAWN_SETSIGDEF = 0x04;
    private static final short POSIX_SPAWN_SETSIGMASK = 0x08;

    /** glibc's posix_spawn_file_actions_t is 80 bytes and posix_spawnattr_t 336; both are given room to spare. */
    private static final long SPAWN_STRUCT_BYTES = 1024;
    /** sigset_t on Linux: 1024 bits. */
    private static final long SIGSET_BYTES = 128;

    private static final Linker LINKER = Linker.nativeLinker();
    private static final StructLayout CALL_STATE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CALL_STATE.varHandle(MemoryLayout.PathElement.groupElement("errno"));
    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT;
    private static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG;
    private static final AddressLayout ADDRESS = ValueLayout.ADDRESS;

    private static final MethodHandle SOCKET = errnoHandle("socket", FunctionDescriptor.of(INT, INT, INT, INT));
    private static final MethodHandle SETSOCKOPT = errnoHandle("setsockopt",
            FunctionDescriptor.of(INT, INT, INT, INT, ADDRESS, INT));
    private static final MethodHandle BIND = errnoHandle("bind", FunctionDescriptor.of(INT, INT, ADDRESS, INT));
    private static final MethodHandle LISTEN = errnoHandle("listen", FunctionDescriptor.of(INT, INT, INT));
    private static final MethodHandle GETSOCKNAME = errnoHandle("getsockname",
            FunctionDescriptor.of(INT, INT, ADDRESS, ADDRESS));
    private static final MethodHandle SOCKETPAIR = errnoHandle("socketpair",
            FunctionDescriptor.of(INT, INT, INT, INT, ADDRESS));
    private static final MethodHandle CLOSE = errnoHandle("close", FunctionDescriptor.of(INT, INT));
    private static final MethodHandle READ = errnoHandle("read", FunctionDescriptor.of(LONG, INT, ADDRESS, LONG));
    private static final MethodHandle WRITE = errnoHandle("write", FunctionDescriptor.of(LONG, INT, ADDRESS, LONG));
    private static final MethodHandle DUP2 = errnoHandle("dup2", FunctionDescriptor.of(INT, INT, INT));
    // fcntl is variadic: its third argument must be passed as a variadic int.
    private static final MethodHandle FCNTL = LINKER.downcallHandle(symbol("fcntl"),
            FunctionDescriptor.of(INT, INT, INT, INT), Linker.Option.firstVariadicArg(2),
            Linker.Option.captureCallState("errno"));
    private static final MethodHandle WAITPID = errnoHandle("waitpid", FunctionDescriptor.of(INT, INT, ADDRESS, INT));
    private static final MethodHandle STRERROR = LINKER.downcallHandle(symbol("strerror"),
            FunctionDescriptor.of(ADDRESS, INT));
    // posix_spawn and its helpers return the error number instead of setting errno.
    private static final MethodHandle SPAWN = LINKER.downcallHandle(symbol("posix_spawn"),
            FunctionDescriptor.of(INT, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS));
    private static final MethodHandle ACTIONS_INIT = LINKER.downcallHandle(symbol("posix_spawn_file_actions_init"),
            FunctionDescriptor.of(INT, ADDRESS));
    private static final MethodHandle ACTIONS_DESTROY = LINKER.downcallHandle(
            symbol("posix_spawn_file_actions_destroy"), FunctionDescriptor.of(INT, ADDRESS));
    private static final MethodHandle ACTIONS_DUP2 = LINKER.downcallHandle(
            symbol("posix_spawn_file_actions_adddup2"), FunctionDescriptor.of(INT, ADDRESS, INT, INT));
    private static final MethodHandle ACTIONS_CLOSEFROM = LINKER.downcallHandle(
            symbol("posix_spawn_file_actions_addclosefrom_np"), FunctionDescriptor.of(INT, ADDRESS, INT));
    private static final MethodHandle ATTR_INIT = LINKER.downcallHandle(symbol("posix_spawnattr_init"),
            FunctionDescriptor.of(INT, ADDRESS));
    private static final MethodHandle ATTR_DESTROY = LINKER.downcallHandle(symbol("posix_spawnattr_destroy"),
            FunctionDescriptor.of(INT, ADDRESS));
    private static final MethodHandle ATTR_SETFLAGS = LINKER.downcallHandle(symbol("posix_spawnattr_setflags"),
            FunctionDescriptor.of(INT, ADDRESS, ValueLayout.JAVA_SHORT));
    private static final MethodHandle ATTR_SETPGROUP = LINKER.downcallHandle(symbol("posix_spawnattr_setpgroup"),
            FunctionDescriptor.of(INT, ADDRESS, INT));
    private static final MethodHandle ATTR_SETSIGMASK = LINKER.downcallHandle(symbol("posix_spawnattr_setsigmask"),
            FunctionDescriptor.of(INT, ADDRESS, ADDRESS));
    private static final MethodHandle ATTR_SETSIGDEFAULT = LINKER.downcallHandle(
            symbol("posix_spawnattr_setsigdefault"), FunctionDescriptor.of(INT, ADDRESS, ADDRESS));
    private static final MethodHandle SIGEMPTYSET = LINKER.downcallHandle(symbol("sigemptyset"),
            FunctionDescriptor.of(INT, ADDRESS));
    // open is variadic: the mode is passed as a variadic int.
    private static final MethodHandle OPEN = LINKER.downcallHandle(symbol("open"),
            FunctionDescriptor.of(INT, ADDRESS, INT, INT), Linker.Option.firstVariadicArg(2),
            Linker.Option.captureCallState("errno"));
    private static final MethodHandle FTRUNCATE = errnoHandle("ftruncate", FunctionDescriptor.of(INT, INT, LONG));
    private static final MethodHandle KILL = errnoHandle("kill", FunctionDescriptor.of(INT, INT, INT));
    private static final MethodHandle SIGNAL = LINKER.downcallHandle(symbol("signal"),
            FunctionDescriptor.of(ADDRESS, INT, ADDRESS));
    private static final MethodHandle GETUID = LINKER.downcallHandle(symbol("getuid"), FunctionDescriptor.of(INT));
    private static final MethodHandle GETEUID = LINKER.downcallHandle(symbol("geteuid"), FunctionDescriptor.of(INT));
    private static final MethodHandle GETEGID = LINKER.downcallHandle(symbol("getegid"), FunctionDescriptor.of(INT));
    private static final MethodHandle SETGROUPS = errnoHandle("setgroups", FunctionDescriptor.of(INT, LONG, ADDRESS));
    private static final MethodHandle SETRESGID = errnoHandle("setresgid", FunctionDescriptor.of(INT, INT, INT, INT));
    private static final MethodHandle SETRESUID = errnoHandle("setresuid", FunctionDescriptor.of(INT, INT, INT, INT));
    private static final MethodHandle GETRESUID = errnoHandle("getresuid",
            FunctionDescriptor.of(INT, ADDRESS, ADDRESS, ADDRESS));
    private static final MethodHandle GETRESGID = errnoHandle("getresgid",
            FunctionDescriptor.of(INT, ADDRESS, ADDRESS, ADDRESS));
    private static final MethodHandle GETGROUPS = errnoHandle("getgroups", FunctionDescriptor.of(INT, INT, ADDRESS));
    // The _r lookups return the error number instead of setting errno, and NULL in *result when there is no entry.
    private static final MethodHandle GETPWNAM_R = LINKER.downcallHandle(symbol("getpwnam_r"),
            FunctionDescriptor.of(INT, ADDRESS, ADDRESS, ADDRESS, LONG, ADDRESS));
    private static final MethodHandle GETPWUID_R = LINKER.downcallHandle(symbol("getpwuid_r"),
            FunctionDescriptor.of(INT, INT, ADDRESS, ADDRESS, LONG, ADDRESS));
    private static final MethodHandle GETGRNAM_R = LINKER.downcallHandle(symbol("getgrnam_r"),
            FunctionDescriptor.of(INT, ADDRESS, ADDRESS, ADDRESS, LONG, ADDRESS));
    private static final MethodHandle GETGRGID_R = LINKER.downcallHandle(symbol("getgrgid_r"),
            FunctionDescriptor.of(INT, INT, ADDRESS, ADDRESS, LONG, ADDRESS));
    private static final MethodHandle GETGROUPLIST = LINKER.downcallHandle(symbol("getgrouplist"),
            FunctionDescriptor.of(INT, ADDRESS, INT, ADDRESS, ADDRESS));
    /** glibc's struct passwd on LP64: name, passwd, uid, gid, gecos, dir, shell. */
    private static final long PASSWD_BYTES = 48;
    /** glibc's struct group on LP64: name, passwd, gid, members. */
    private static final long GROUP_BYTES = 32;
    private static final MethodHandle SIGFILLSET = LINKER.downcallHandle(symbol("sigfillset"),
            FunctionDescriptor.of(INT, ADDRESS));

    private Libc() {
    }

    /** A libc call that failed, with errno's number and text. */
    public static final class LibcException extends java.io.IOException {
        private final int errno;

        LibcException(String call, int errno) {
            super(call + ": " + strerror(errno));
            this.errno = errno;
        }

        public int errno() {
            return errno;
        }
    }

    private static MemorySegment symbol(String name) {
        return LINKER.defaultLookup().find(name).orElseThrow(() -> new UnsatisfiedLinkError("libc has no " + name));
    }

    private static MethodHandle errnoHandle(String name, FunctionDescriptor descriptor) {
        return LINKER.downcallHandle(symbol(name), descriptor, Linker.Option.captureCallState("errno"));
    }

    public static String strerror(int errno) {
        try {
            MemorySegment text = (MemorySegment) STRERROR.invokeExact(errno);
            return text.reinterpret(256).getString(0);
        } catch (Throwable e) {
            return "errno " + errno;
        }
    }

    private static int errno(MemorySegment state) {
        return (int) ERRNO.get(state, 0L);
    }

    private static MemorySegment callState(Arena arena) {
        return arena.allocate(CALL_STATE);
    }

    private static RuntimeException unexpected(String call, Throwable e) {
        if (e instanceof RuntimeException r) {
            return r;
        }
        if (e instanceof Error error) {
            throw error;
        }
        return new IllegalStateException(call + " failed", e);
    }

    public static int socket(int domain, int type) throws LibcException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = callState(arena);
            int fd = (int) SOCKET.invokeExact(state, domain, type, 0);
            if (fd < 0) {
                throw new LibcException("socket", errno(state));
            }
            return fd;
        } catch (LibcException e) {
            throw e;
        } catch (Throwable e) {
            throw unexpected("socket", e);
        }
    }

    public static void setIntOption(int fd, int level, int option, int value) throws LibcException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = callState(arena);
            MemorySegment v = arena.allocateFrom(INT, value);
            if ((int) SETSOCKOPT.invokeExact(state, fd, level, option, v, (int) INT.byteSize()) != 0) {
                throw new LibcException("setsockopt", errno(state));
            }
        } catch (LibcException e) {
            throw e;
        } catch (Throwable e) {
            throw unexpected("setsockopt", e);
        }
    }

    public static void bind(int fd, MemorySegment address) throws LibcException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = callState(arena);
            if ((int) BIND.invokeExact(state, fd, address, (int) address.byteSize()) != 0) {
                throw new LibcException("bind", errno(state));
            }
        } catch (LibcException e) {
            throw e;
        } catch (Throwable e) {
            throw unexpected("bind", e);
        }
    }

    public static void listen(int fd, int backlog) throws LibcException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = callState(arena);
            if ((int) LISTEN.invokeExact(state, fd, backlog) != 0) {
                throw new LibcException("listen", errno(state));
            }
        } catch (LibcException e) {
            throw e;
        } catch (Throwable e) {
            throw unexpected("listen", e);
        }
    }

    /** The socket's own address, into {@code address} (as large as a sockaddr_in6). */
    public static void getsockname(int fd, MemorySegment address) throws LibcException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = callState(arena);
            MemorySegment length = arena.allocateFrom(INT, (int) address.byteSize());
            if ((int) GETSOCKNAME.invokeExact(state, fd, address, length) != 0) {
                throw new LibcException("getsockname", errno(state));
            }
        } catch (LibcException e) {
            throw e;
        } catch (Throwable e) {
            throw unexpected("getsockname", e);
        }
    }

    /** Two connected UNIX stream sockets, both close-on-exec. */
    public static int[] socketpair() throws LibcException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = callState(arena);
            MemorySegment fds = arena.allocate(INT, 2);
            if ((int) SOCKETPAIR.invokeExact(state, AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) != 0) {
                throw new LibcException("socketpair", errno(state));
            }
            return new int[] {fds.getAtIndex(INT, 0), fds.getAtIndex(INT, 1)};
        } catch (LibcException e) {
            throw e;
        } catch (Throwable e) {
            throw unexpected("socketpair", e);
        }
    }

    /** Closes a descriptor; errors are ignored, as there is nothing to do about them. */
    public static void close(int fd) {
        try (Arena arena = Arena.ofConfined()) {
            int ignored = (int) CLOSE.invokeExact(callState(arena), fd);
        } catch (Throwable e) {
            throw unexpected("close", e);
        }
    }

    /** Reads up to {@code buffer}'s size; 0 at end of file. Retries when interrupted by a signal. */
    public static int read(int fd, MemorySegment buffer) throws LibcException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = callState(arena);
            while (true) {
                long n = (long) READ.invokeExact(state, fd, buffer, buffer.byteSize());
                if (n >= 0) {
                    return (int) n;
                }
                if (errno(state) != EINTR) {
                    throw new LibcException("read", errno(state));
                }
            }
        } catch (LibcException e) {
            throw e;
        } catch (Throwable e) {
            throw unexpected("read", e);
        }
    }

    /** Writes all of {@code bytes}. */
    public static void writeFully(int fd, byte[] bytes) throws LibcException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = callState(arena);
            MemorySegment data = arena.allocateFrom(ValueLayout.JAVA_BYTE, bytes);
            long offset = 0;
            while (offset < bytes.length) {
                long n = (long) WRITE.invokeExact(state, fd, data.asSlice(offset), bytes.length - offset);
                if (n < 0) {
                    if (errno(state) == EINTR) {
                        continue;
                    }
                    throw new LibcException("write", errno(state));
                }
                offset += n;
            }
        } catch (LibcException e) {
            throw e;
        } catch (Throwable e) {
            throw unexpected("write", e);
        }
    }

    public static void dup2(int from, int to) throws LibcException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = callState(arena);
            if ((int) DUP2.invokeExact(state, from, to) < 0) {
                throw new LibcException("dup2", errno(state));
            }
        } catch (LibcException e) {
            throw e;
        } catch (Throwable e) {
            throw unexpected("dup2", e);
        }
    }

    public static int fcntl(int fd, int command, int argument) throws LibcException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = callState(arena);
            int result = (int) FCNTL.invokeExact(state, fd, command, argument);
            if (result < 0) {
                throw new LibcException("fcntl", errno(state));
            }
            return result;
        } catch (LibcException e) {
            throw e;
        } catch (Throwable e) {
            throw unexpected("fcntl", e);
        }
    }

    /** Waits for this child to end, retrying when interrupted by a signal; its raw wait status. */
    public static int waitpid(int pid) throws LibcException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = callState(arena);
            MemorySegment status = arena.allocate(INT);
            while (true) {
                int result = (int) WAITPID.invokeExact(state, pid, status, 0);
                if (result == pid) {
                    return status.get(INT, 0);
                }
                if (result < 0 && errno(state) != EINTR) {
                    throw new LibcException("waitpid", errno(state));
                }
            }
        } catch (LibcException e) {
            throw e;
        } catch (Throwable e) {
            throw unexpected("waitpid", e);
        }
    }

    /**
     * posix_spawn: runs {@code argv[0]} with this environment; the child gets {@code dups} (pairs
     * of from, to descriptors), every other descriptor from {@code closeFrom} up closed, a process
     * group of its own, and default signal dispositions with nothing blocked.
     *
     * @return the child's pid
     */
    public static int spawn(String[] argv, String[] envp, int[][] dups, int closeFrom) throws LibcException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment actions = arena.allocate(SPAWN_STRUCT_BYTES, 16);
            MemorySegment attributes = arena.allocate(SPAWN_STRUCT_BYTES, 16);
            check("posix_spawn_file_actions_init", (int) ACTIONS_INIT.invokeExact(actions));
            check("posix_spawnattr_init", (int) ATTR_INIT.invokeExact(attributes));
            try {
                for (int[] dup : dups) {
                    check("posix_spawn_file_actions_adddup2", (int) ACTIONS_DUP2.invokeExact(actions, dup[0], dup[1]));
                }
                check("posix_spawn_file_actions_addclosefrom_np", (int) ACTIONS_CLOSEFROM.invokeExact(actions, closeFrom));
                MemorySegment none = arena.allocate(SIGSET_BYTES, 8);
                check("sigemptyset", (int) SIGEMPTYSET.invokeExact(none));
                MemorySegment all = arena.allocate(SIGSET_BYTES, 8);
                check("sigfillset", (int) SIGFILLSET.invokeExact(all));
                check("posix_spawnattr_setsigmask", (int) ATTR_SETSIGMASK.invokeExact(attributes, none));
                check("posix_spawnattr_setsigdefault", (int) ATTR_SETSIGDEFAULT.invokeExact(attributes, all));
                check("posix_spawnattr_setpgroup", (int) ATTR_SETPGROUP.invokeExact(attributes, 0));
                check("posix_spawnattr_setflags", (int) ATTR_SETFLAGS.invokeExact(attributes,
                        (short) (POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK)));
                MemorySegment pid = arena.allocate(INT);
                int error = (int) SPAWN.invokeExact(pid, arena.allocateFrom(argv[0]), actions, attributes,
                        strings(arena, argv), strings(arena, envp));
                check("posix_spawn " + argv[0], error);
                return pid.get(INT, 0);
            } finally {
                int ignored = (int) ACTIONS_DESTROY.invokeExact(actions);
                ignored = (int) ATTR_DESTROY.invokeExact(attributes);
            }
        } catch (LibcException e) {
            throw e;
        } catch (Throwable e) {
            throw unexpected("posix_spawn", e);
        }
    }

    private static void check(String call, int error) throws LibcException {
        if (error != 0) {
            throw new LibcException(call, error);
        }
    }

    /** A NULL-terminated array of C strings. */
    private static MemorySegment strings(Arena arena, String[] values) {
        MemorySegment array = arena.allocate(ADDRESS, values.length + 1L);
        for (int i = 0; i < values.length; i++) {
            array.setAtIndex(ADDRESS, i, arena.allocateFrom(values[i]));
        }
        array.setAtIndex(ADDRESS, values.length, MemorySegment.NULL);
        return array;
    }

    /**
     * open(2); returns the descriptor.
     *
     * @param mode the permissions of a file it creates
     */
    public static int open(String path, int flags, int mode) throws LibcException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = callState(arena);
            while (true) {
                int fd = (int) OPEN.invokeExact(state, arena.allocateFrom(path), flags, mode);
                if (fd >= 0) {
                    return fd;
                }
                if (errno(state) != EINTR) {
                    throw new LibcException("open " + path, errno(state));
                }
            }
        } catch (LibcException e) {
            throw e;
        } catch (Throwable e) {
            throw unexpected("open", e);
        }
    }

    public static void ftruncate(int fd, long length) throws LibcException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = callState(arena);
            if ((int) FTRUNCATE.invokeExact(state, fd, length) != 0) {
                throw new LibcException("ftruncate", errno(state));
            }
        } catch (LibcException e) {
            throw e;
        } catch (Throwable e) {
            throw unexpected("ftruncate", e);
        }
    }

    /** Writes {@code length} bytes from native memory, all of them. */
    public static void writeFully(int fd, MemorySegment data, long length) throws LibcException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = callState(arena);
            long offset = 0;
            while (offset < length) {
                long n = (long) WRITE.invokeExact(state, fd, data.asSlice(offset), length - offset);
                if (n < 0) {
                    if (errno(state) == EINTR) {
                        continue;
                    }
                    throw new LibcException("write", errno(state));
                }
                offset += n;
            }
        } catch (LibcException e) {
            throw e;
        } catch (Throwable e) {
            throw unexpected("write", e);
        }
    }

    /** kill(2): false when there is no such process or it may not be signalled. */
    public static boolean kill(long pid, int signal) {
        try (Arena arena = Arena.ofConfined()) {
            return (int) KILL.invokeExact(callState(arena), (int) pid, signal) == 0;
        } catch (Throwable e) {
            throw unexpected("kill", e);
        }
    }

    /** signal(2) with SIG_DFL. */
    public static void defaultSignal(int signal) {
        try {
            MemorySegment previous = (MemorySegment) SIGNAL.invokeExact(signal, MemorySegment.NULL);
            if (previous.address() == -1L) {
                throw new IllegalStateException("signal(" + signal + ", SIG_DFL) failed");
            }
        } catch (Throwable e) {
            throw unexpected("signal", e);
        }
    }

    public static int getuid() {
        try {
            return (int) GETUID.invokeExact();
        } catch (Throwable e) {
            throw unexpected("getuid", e);
        }
    }

    public static int geteuid() {
        try {
            return (int) GETEUID.invokeExact();
        } catch (Throwable e) {
            throw unexpected("geteuid", e);
        }
    }

    public static int getegid() {
        try {
            return (int) GETEGID.invokeExact();
        } catch (Throwable e) {
            throw unexpected("getegid", e);
        }
    }

    /** The real, effective and saved user ids. */
    public static int[] getresuid() throws LibcException {
        return getres(GETRESUID, "getresuid");
    }

    /** The real, effective and saved group ids. */
    public static int[] getresgid() throws LibcException {
        return getres(GETRESGID, "getresgid");
    }

    private static int[] getres(MethodHandle call, String name) throws LibcException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = callState(arena);
            MemorySegment ids = arena.allocate(INT, 3);
            if ((int) call.invokeExact(state, ids, ids.asSlice(4), ids.asSlice(8)) != 0) {
                throw new LibcException(name, errno(state));
            }
            return new int[] {ids.getAtIndex(INT, 0), ids.getAtIndex(INT, 1), ids.getAtIndex(INT, 2)};
        } catch (LibcException e) {
            throw e;
        } catch (Throwable e) {
            throw unexpected(name, e);
        }
    }

    /** The supplementary group ids of this process. */
    public static int[] getgroups() throws LibcException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = callState(arena);
            MemorySegment ids = arena.allocate(INT, 65536);
            int n = (int) GETGROUPS.invokeExact(state, 65536, ids);
            if (n < 0) {
                throw new LibcException("getgroups", errno(state));
            }
            return ids.asSlice(0, n * INT.byteSize()).toArray(INT);
        } catch (LibcException e) {
            throw e;
        } catch (Throwable e) {
            throw unexpected("getgroups", e);
        }
    }

    /**
     * setgroups(2), setresgid(2) and setresuid(2), in that order: the process (every thread of it:
     * glibc applies each to all threads) becomes this user for good.
     */
    public static void becomeUser(int uid, int gid, int[] groups) throws LibcException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = callState(arena);
            MemorySegment list = arena.allocateFrom(INT, groups);
            if ((int) SETGROUPS.invokeExact(state, (long) groups.length, list) != 0) {
                throw new LibcException("setgroups", errno(state));
            }
            if ((int) SETRESGID.invokeExact(state, gid, gid, gid) != 0) {
                throw new LibcException("setresgid " + gid, errno(state));
            }
            if ((int) SETRESUID.invokeExact(state, uid, uid, uid) != 0) {
                throw new LibcException("setresuid " + uid, errno(state));
            }
        } catch (LibcException e) {
            throw e;
        } catch (Throwable e) {
            throw unexpected("setresuid", e);
        }
    }

    /** An entry of the user database. */
    public record Passwd(String name, int uid, int gid, String home) {
    }

    /** An entry of the group database. */
    public record Group(String name, int gid) {
    }

    public static java.util.Optional<Passwd> getpwnam(String name) throws LibcException {
        return passwd("getpwnam_r " + name, (arena, entry, buffer, size, result) ->
                (int) GETPWNAM_R.invokeExact(arena.allocateFrom(name), entry, buffer, size, result));
    }

    public static java.util.Optional<Passwd> getpwuid(int uid) throws LibcException {
        return passwd("getpwuid_r " + uid, (arena, entry, buffer, size, result) ->
                (int) GETPWUID_R.invokeExact(uid, entry, buffer, size, result));
    }

    public static java.util.Optional<Group> getgrnam(String name) throws LibcException {
        return group("getgrnam_r " + name, (arena, entry, buffer, size, result) ->
                (int) GETGRNAM_R.invokeExact(arena.allocateFrom(name), entry, buffer, size, result));
    }

    public static java.util.Optional<Group> getgrgid(int gid) throws LibcException {
        return group("getgrgid_r " + gid, (arena, entry, buffer, size, result) ->
                (int) GETGRGID_R.invokeExact(gid, entry, buffer, size, result));
    }

    /** One of the reentrant lookups: fills {@code entry} using {@code buffer}; returns an error number. */
    private interface Lookup {
        int call(Arena arena, MemorySegment entry, MemorySegment buffer, long size, MemorySegment result)
                throws Throwable;
    }

    private static final int ERANGE = 34;

    /** Runs a lookup with a buffer that grows while it is too small; the entry, or empty when there is none. */
    private static java.util.Optional<MemorySegment> lookup(Arena arena, String call, long entryBytes, Lookup lookup)
            throws LibcException {
        try {
            for (long size = 4096; ; size *= 4) {
                MemorySegment entry = arena.allocate(entryBytes, 8);
                MemorySegment buffer = arena.allocate(size, 8);
                MemorySegment result = arena.allocate(ADDRESS);
                int error = lookup.call(arena, entry, buffer, size, result);
                if (error == ERANGE && size < (1 << 24)) {
                    continue;
                }
                if (error != 0 && error != ENOENT) {
                    throw new LibcException(call, error);
                }
                return result.get(ADDRESS, 0).address() == 0 ? java.util.Optional.empty()
                        : java.util.Optional.of(entry);
            }
        } catch (LibcException e) {
            throw e;
        } catch (Throwable e) {
            throw unexpected(call, e);
        }
    }

    private static java.util.Optional<Passwd> passwd(String call, Lookup lookup) throws LibcException {
        try (Arena arena = Arena.ofConfined()) {
            return lookup(arena, call, PASSWD_BYTES, lookup).map(entry -> new Passwd(string(entry, 0),
                    entry.get(INT, 16), entry.get(INT, 20), string(entry, 32)));
        }
    }

    private static java.util.Optional<Group> group(String call, Lookup lookup) throws LibcException {
        try (Arena arena = Arena.ofConfined()) {
            return lookup(arena, call, GROUP_BYTES, lookup).map(entry -> new Group(string(entry, 0),
                    entry.get(INT, 16)));
        }
    }

    private static String string(MemorySegment entry, long offset) {
        MemorySegment pointer = entry.get(ADDRESS, offset);
        return pointer.address() == 0 ? "" : pointer.reinterpret(Integer.MAX_VALUE).getString(0);
    }

    /** getgrouplist(3): the groups {@code user} belongs to, {@code group} included. */
    public static int[] getgrouplist(String user, int group) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment name = arena.allocateFrom(user);
            for (int size = 64; ; size *= 4) {
                MemorySegment groups = arena.allocate(INT, size);
                MemorySegment count = arena.allocateFrom(INT, size);
                int n = (int) GETGROUPLIST.invokeExact(name, group, groups, count);
                if (n >= 0 || size >= 65536) {
                    int found = Math.min(count.get(INT, 0), size);
                    return groups.asSlice(0, found * INT.byteSize()).toArray(INT);
                }
            }
        } catch (Throwable e) {
            throw unexpected("getgrouplist", e);
        }
    }
}
