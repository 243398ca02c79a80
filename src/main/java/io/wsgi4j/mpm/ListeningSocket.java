package io.wsgi4j.mpm;

import io.wsgi4j.platform.Libc;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteOrder;

/**
 * The one listening socket the control process creates and every server process inherits as its
 * descriptor 0: one accept queue for all of them, as Apache's children share theirs.
 *
 * <p>Made with libc calls rather than a {@code ServerSocketChannel} because the control process
 * must hand the very descriptor to its children, and the JDK does not give a channel's descriptor out.
 *
 * @param fd   the descriptor (close-on-exec in the control process; the children get it by dup2)
 * @param port the port actually bound (the one asked for, or the kernel's choice for port 0)
 */
public record ListeningSocket(int fd, int port) implements AutoCloseable {
    /** Apache's default ListenBacklog. */
    public static final int APACHE_BACKLOG = 511;

    private static final ValueLayout.OfShort NET_SHORT = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final long SOCKADDR_IN_BYTES = 16;
    private static final long SOCKADDR_IN6_BYTES = 28;

    /**
     * Binds and listens: on every interface (IPv6 dual-stack, so IPv4 clients connect too) when
     * {@code host} is empty, else on that address (IPv4 or IPv6), with SO_REUSEADDR so that a
     * restart does not wait for the old connections' TIME_WAIT.
     */
    public static ListeningSocket open(String host, int port, int backlog) throws IOException {
        InetAddress address = host.isEmpty() ? null : resolve(host);
        boolean v4 = address instanceof Inet4Address;
        int fd = Libc.socket(v4 ? Libc.AF_INET : Libc.AF_INET6, Libc.SOCK_STREAM | Libc.SOCK_CLOEXEC);
        try (Arena arena = Arena.ofConfined()) {
            Libc.setIntOption(fd, Libc.SOL_SOCKET, Libc.SO_REUSEADDR, 1);
            MemorySegment sockaddr;
            if (v4) {
                sockaddr = arena.allocate(SOCKADDR_IN_BYTES, 4);
                sockaddr.set(ValueLayout.JAVA_SHORT, 0, (short) Libc.AF_INET);
                sockaddr.set(NET_SHORT, 2, (short) port);
                MemorySegment.copy(address.getAddress(), 0, sockaddr, ValueLayout.JAVA_BYTE, 4, 4);
            } else {
                // Dual-stack whatever the system's default (net.ipv6.bindv6only) when all interfaces are wanted.
                Libc.setIntOption(fd, Libc.IPPROTO_IPV6, Libc.IPV6_V6ONLY, address == null ? 0 : 1);
                sockaddr = arena.allocate(SOCKADDR_IN6_BYTES, 4);
                sockaddr.set(ValueLayout.JAVA_SHORT, 0, (short) Libc.AF_INET6);
                sockaddr.set(NET_SHORT, 2, (short) port);
                if (address != null) {
                    MemorySegment.copy(address.getAddress(), 0, sockaddr, ValueLayout.JAVA_BYTE, 8, 16);
                    sockaddr.set(ValueLayout.JAVA_INT, 24, ((Inet6Address) address).getScopeId());
                }
            }
            try {
                Libc.bind(fd, sockaddr);
            } catch (Libc.LibcException e) {
                throw new IOException("Failed to bind to " + (host.isEmpty() ? "*" : host) + ":" + port + ": "
                        + Libc.strerror(e.errno()), e);
            }
            Libc.listen(fd, backlog);
            MemorySegment bound = arena.allocate(SOCKADDR_IN6_BYTES, 4);
            Libc.getsockname(fd, bound);
            return new ListeningSocket(fd, Short.toUnsignedInt(bound.get(NET_SHORT, 2)));
        } catch (IOException | RuntimeException e) {
            Libc.close(fd);
            throw e;
        }
    }

    private static InetAddress resolve(String host) throws IOException {
        try {
            return InetAddress.getByName(host);
        } catch (UnknownHostException e) {
            throw new IOException("Failed to bind to " + host + ": unknown host", e);
        }
    }

    /** Closes the control process's copy; the children's copies keep the socket open. */
    @Override
    public void close() {
        Libc.close(fd);
    }
}
