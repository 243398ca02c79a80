package io.wsgi4j.mpm;

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
final class Libc {
    static final int AF_UNIX = 1;
    static final int AF_INET = 2;
    static final int AF_INET6 = 10;
    static final int SOCK_STREAM = 1;
    static final int SOCK_CLOEXEC = 0x80000;
    static final int SOL_SOCKET = 1;
    static final int SO_REUSEADDR = 2;
    static final int IPPROTO_IPV6 = 41;
    static final int IPV6_V6ONLY = 26;
    static final int F_GETFD = 1;
    static final int F_SETFD = 2;
    static final int F_DUPFD_CLOEXEC = 1030;
    static final int FD_CLOEXEC = 1;
    static final int EINTR = 4;
    static final short POSIX_SPAWN_SETPGROUP = 0x02;
    static final short POSIX_SPAWN_SETSIGDEF = 0x04;
    static final short POSIX_SPAWN_SETSIGMASK = 0x08;

    /** glibc's posix_spawn_file_actions_t is 80 bytes and posix_spawnattr_t 336; both are given room to spare. */
    static final long SPAWN_STRUCT_BYTES = 1024;
    /** sigset_t on Linux: 1024 bits. */
    static final long SIGSET_BYTES = 128;

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
    private static final MethodHandle SIGFILLSET = LINKER.downcallHandle(symbol("sigfillset"),
            FunctionDescriptor.of(INT, ADDRESS));

    private Libc() {
    }

    /** A libc call that failed, with errno's number and text. */
    static final class LibcException extends java.io.IOException {
        private final int errno;

        LibcException(String call, int errno) {
            super(call + ": " + strerror(errno));
            this.errno = errno;
        }

        int errno() {
            return errno;
        }
    }

    private static MemorySegment symbol(String name) {
        return LINKER.defaultLookup().find(name).orElseThrow(() -> new UnsatisfiedLinkError("libc has no " + name));
    }

    private static MethodHandle errnoHandle(String name, FunctionDescriptor descriptor) {
        return LINKER.downcallHandle(symbol(name), descriptor, Linker.Option.captureCallState("errno"));
    }

    static String strerror(int errno) {
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

    static int socket(int domain, int type) throws LibcException {
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

    static void setIntOption(int fd, int level, int option, int value) throws LibcException {
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

    static void bind(int fd, MemorySegment address) throws LibcException {
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

    static void listen(int fd, int backlog) throws LibcException {
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
    static void getsockname(int fd, MemorySegment address) throws LibcException {
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
    static int[] socketpair() throws LibcException {
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
    static void close(int fd) {
        try (Arena arena = Arena.ofConfined()) {
            int ignored = (int) CLOSE.invokeExact(callState(arena), fd);
        } catch (Throwable e) {
            throw unexpected("close", e);
        }
    }

    /** Reads up to {@code buffer}'s size; 0 at end of file. Retries when interrupted by a signal. */
    static int read(int fd, MemorySegment buffer) throws LibcException {
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
    static void writeFully(int fd, byte[] bytes) throws LibcException {
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

    static void dup2(int from, int to) throws LibcException {
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

    static int fcntl(int fd, int command, int argument) throws LibcException {
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
    static int waitpid(int pid) throws LibcException {
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
    static int spawn(String[] argv, String[] envp, int[][] dups, int closeFrom) throws LibcException {
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
}
