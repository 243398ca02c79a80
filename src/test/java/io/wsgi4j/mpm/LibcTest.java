package io.wsgi4j.mpm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wsgi4j.platform.Libc;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The listening socket and posix_spawn helpers against the real kernel. */
class LibcTest {
    @Test
    void aListeningSocketOnPortZeroTellsTheRealPortAndTakesConnections() throws Exception {
        try (ListeningSocket any = ListeningSocket.open("", 0, 16);
             ListeningSocket v4 = ListeningSocket.open("127.0.0.1", 0, 16)) {
            assertTrue(any.port() > 0 && v4.port() > 0 && any.port() != v4.port());
            // The kernel completes the handshake from the backlog, before anyone accepts.
            try (Socket viaV4 = new Socket(); Socket viaV6 = new Socket()) {
                viaV4.connect(new InetSocketAddress("127.0.0.1", any.port()), 2000);
                viaV6.connect(new InetSocketAddress("::1", any.port()), 2000);
            }
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", v4.port()), 2000);
            }
        }
    }

    @Test
    void aPortInUseIsRefusedWithTheKernelsWords() throws Exception {
        try (ListeningSocket taken = ListeningSocket.open("127.0.0.1", 0, 16)) {
            java.io.IOException e = org.junit.jupiter.api.Assertions.assertThrows(java.io.IOException.class,
                    () -> ListeningSocket.open("127.0.0.1", taken.port(), 16));
            assertEquals("Failed to bind to 127.0.0.1:" + taken.port() + ": Address already in use", e.getMessage());
        }
    }

    @Test
    void aSpawnedChildGetsItsDescriptorsItsEnvironmentAndIsReaped() throws Exception {
        try (ListeningSocket socket = ListeningSocket.open("127.0.0.1", 0, 16)) {
            int[] pair = Libc.socketpair();
            // fd 0 must be the listening socket (python tells), fd 3 the link, nothing else above it.
            String script = "import os, socket, sys; s = socket.socket(fileno=0); "
                    + "os.write(3, ('%s %s %d\\n' % (s.getsockopt(socket.SOL_SOCKET, socket.SO_ACCEPTCONN), "
                    + "os.environ['W'], len([f for f in os.listdir('/proc/self/fd') if int(f) > 3]))).encode())";
            int pid = Libc.spawn(new String[] {io.wsgi4j.testing.Pythons.defaultPython().toString(), "-c", script},
                    new String[] {"W=slot", "PATH=/usr/bin:/bin"},
                    new int[][] {{socket.fd(), 0}, {pair[1], ControlLink.CHILD_FD}}, ControlLink.CHILD_FD + 1);
            Libc.close(pair[1]);
            ControlLink link = new ControlLink(pair[0]);
            // python's listdir opens one descriptor of its own (above 3) while it lists.
            assertEquals(Optional.of("1 slot 1"), link.receive());
            assertEquals(Optional.empty(), link.receive());
            assertEquals(new WaitStatus(0, 0), WaitStatus.of(Libc.waitpid(pid)));
            link.close();
        }
    }
}
