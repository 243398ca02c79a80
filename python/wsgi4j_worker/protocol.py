"""Frames exchanged between the wsgi4j server and a worker thread.

Every frame is a 5-byte header -- the frame type (one byte) and the payload
length (unsigned 32-bit, big-endian) -- followed by the payload. The server
speaks first on each request (REQUEST); the worker answers with START, DATA,
FILE, END or ABORT frames, and may ask for request body bytes with READ
when the server has not received the body before the request (Expect:
100-continue).
The Java side of this protocol is io.wsgi4j.daemon.Frame.
"""

import struct

HEADER = struct.Struct('>BI')
HEADER_SIZE = HEADER.size
MAX_PAYLOAD = 0xFFFFFFFF

# server -> worker
REQUEST = ord('R')     # u8 flags, u32 environ length, marshalled environ, inline body or spool path
BODY = ord('B')        # request body bytes answering READ; empty = end of body
BODY_ERROR = ord('E')  # the body could not be read (utf-8 reason)
FILE_ACK = ord('K')    # u8: 1 = the server will send the file, 0 = send it yourself

# worker -> server
HELLO = ord('H')       # "token pid thread-index" (ascii), first frame on a connection
READ = ord('r')        # u32: the most body bytes wanted
START = ord('S')       # status line and headers, latin-1, CRLF-separated
DATA = ord('D')        # response body bytes
FILE = ord('F')        # u32 fd, u64 offset, u64 count: send this open file's bytes
END = ord('Z')         # the response is complete
ABORT = ord('X')       # the application failed (utf-8 reason); already logged

# REQUEST flags
FLAG_BODY_COMPLETE = 1  # the inline body is the whole request body
FLAG_BODY_SPOOLED = 2   # the inline part is the path of a file holding the whole body;
                        # the server deletes it once the request is over
# Neither flag: the body is read from the server as the application reads (READ frames).

REQUEST_PREFIX = struct.Struct('>BI')
READ_PAYLOAD = struct.Struct('>I')
FILE_PAYLOAD = struct.Struct('>IQQ')


class ChannelClosed(OSError):
    """The server closed the connection (it stopped the request or is shutting down);
    in embedded mode, the client went away while the response was written."""


class ResponseError(Exception):
    """The response could not be sent; what went wrong is already logged."""


class Channel(object):
    """One connection between a worker thread and the server."""

    __slots__ = ('sock', 'rfile')

    def __init__(self, sock):
        self.sock = sock
        self.rfile = sock.makefile('rb', buffering=65536)

    def recv(self):
        """Returns (type, payload) of the next frame; raises ChannelClosed at EOF."""
        try:
            return self._recv()
        except ChannelClosed:
            raise
        except (OSError, ValueError) as e:
            raise ChannelClosed(str(e))

    def _recv(self):
        header = self.rfile.read(HEADER_SIZE)
        if len(header) < HEADER_SIZE:
            raise ChannelClosed()
        kind, length = HEADER.unpack(header)
        if not length:
            return kind, b''
        payload = self.rfile.read(length)
        if len(payload) < length:
            raise ChannelClosed()
        return kind, payload

    def send(self, kind, payload=b''):
        try:
            self.sock.sendall(HEADER.pack(kind, len(payload)) + payload)
        except (OSError, ValueError) as e:
            raise ChannelClosed(str(e))

    def send_frames(self, frames):
        """Sends several (type, payload) frames with as few system calls as possible."""
        try:
            self._send_frames(frames)
        except ChannelClosed:
            raise
        except (OSError, ValueError) as e:
            raise ChannelClosed(str(e))

    def _send_frames(self, frames):
        parts = []
        small = True
        for kind, payload in frames:
            parts.append(HEADER.pack(kind, len(payload)))
            if payload:
                parts.append(payload)
                if len(payload) > 16384:
                    small = False
        if small:
            self.sock.sendall(b''.join(parts))
        else:
            self._sendv(parts)

    def _sendv(self, parts):
        # sendmsg gathers the buffers without joining (copying) large bodies.
        views = [memoryview(p) for p in parts]
        while views:
            sent = self.sock.sendmsg(views[:1024])
            while sent:
                n = len(views[0])
                if sent >= n:
                    sent -= n
                    views.pop(0)
                else:
                    views[0] = views[0][sent:]
                    sent = 0

    def shutdown(self):
        """Ends the connection from another thread: a read blocked on it returns."""
        try:
            self.sock.shutdown(_socket().SHUT_RDWR)
        except OSError:
            pass

    def close(self):
        try:
            self.rfile.close()
        finally:
            self.sock.close()


class ChannelTransport(object):
    """A request's transport over a daemon process thread's channel: each call
    becomes frames (gateway.Call speaks to it; in embedded mode the server's own
    functions take its place, see embedded.py)."""

    __slots__ = ('channel',)

    def __init__(self, channel):
        self.channel = channel

    def respond(self, head, data, last):
        """Sends the head (if not None), body bytes, and the end (if last), in one write."""
        frames = []
        if head is not None:
            frames.append((START, head))
        if data:
            frames.append((DATA, data))
        if last:
            frames.append((END, b''))
        if frames:
            self.channel.send_frames(frames)

    def send_file(self, head, fd, offset, count):
        """Asks the server to send COUNT bytes of the open file FD from OFFSET;
        True when it does (and the response is then complete), False when the
        file must be iterated here instead."""
        frames = [] if head is None else [(START, head)]
        frames.append((FILE, FILE_PAYLOAD.pack(fd, offset, count)))
        self.channel.send_frames(frames)
        kind, payload = self.channel.recv()
        if kind != FILE_ACK:
            raise ResponseError()
        if payload == b'\x01':
            self.channel.send(END)
            return True
        return False

    def abort(self, reason):
        """The application failed (already logged): the server answers 500 or cuts the response."""
        self.channel.send(ABORT, reason)

    def read(self, wanted):
        """Up to WANTED bytes of a body the server had not received before the
        call; b'' at its end. OSError when it cannot be read."""
        self.channel.send(READ, READ_PAYLOAD.pack(wanted))
        kind, payload = self.channel.recv()
        if kind == BODY_ERROR:
            raise OSError(payload.decode('utf-8', 'replace'))
        if kind != BODY:
            raise OSError('wsgi4j: unexpected frame %r while reading the request body' % chr(kind))
        return payload


def _socket():
    # Only a daemon process's channel needs the socket module (it has it loaded already):
    # embedded mode's server processes do without it.
    import socket
    return socket
