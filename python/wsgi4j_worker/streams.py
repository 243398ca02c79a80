"""wsgi.input and wsgi.file_wrapper."""

from . import protocol

# How much to ask the server for when the application reads a little:
# fewer round trips, never past the end of the body (the server knows it).
READ_AHEAD = 262144


class InputStream(object):
    """wsgi.input: the request body, fetched from the server as the application reads.

    Never reads past the end of the body; read(), readline() and readlines()
    accept the size/hint arguments of io.BufferedReader; iteration yields lines.
    """

    def __init__(self, channel, initial, complete):
        self._channel = channel
        self._buffer = bytearray(initial)
        self._pos = 0
        self._eof = complete

    def _available(self):
        return len(self._buffer) - self._pos

    def _fill(self, wanted):
        """Asks the server for more body; returns False at the end of the body."""
        if self._eof:
            return False
        self._channel.send(protocol.READ, protocol.READ_PAYLOAD.pack(
            min(max(wanted, READ_AHEAD), 16 * 1024 * 1024)))
        kind, payload = self._channel.recv()
        if kind == protocol.BODY_ERROR:
            self._eof = True
            raise OSError(payload.decode('utf-8', 'replace'))
        if kind != protocol.BODY:
            raise OSError('wsgi4j: unexpected frame %r while reading the request body' % chr(kind))
        if not payload:
            self._eof = True
            return False
        if self._pos:
            del self._buffer[:self._pos]
            self._pos = 0
        self._buffer += payload
        return True

    def _take(self, n):
        start = self._pos
        self._pos = start + n
        data = bytes(self._buffer[start:self._pos])
        if self._pos == len(self._buffer):
            self._buffer = bytearray()
            self._pos = 0
        return data

    def read(self, size=-1):
        if size is None or size < 0:
            while self._fill(READ_AHEAD * 4):
                pass
            return self._take(self._available())
        while self._available() < size and self._fill(size - self._available()):
            pass
        return self._take(min(size, self._available()))

    def readline(self, size=-1):
        if size is not None and size == 0:
            return b''
        limit = size if size is not None and size > 0 else None
        scanned = 0
        while True:
            end = self._buffer.find(b'\n', self._pos + scanned)
            if end >= 0:
                n = end - self._pos + 1
                if limit is not None:
                    n = min(n, limit)
                return self._take(n)
            scanned = self._available()
            if limit is not None and scanned >= limit:
                return self._take(limit)
            if not self._fill(READ_AHEAD):
                return self._take(self._available() if limit is None else min(limit, scanned))

    def readlines(self, hint=-1):
        lines = []
        total = 0
        while True:
            line = self.readline()
            if not line:
                break
            lines.append(line)
            total += len(line)
            # As io.IOBase.readlines: stop once the lines read exceed the hint.
            if hint is not None and 0 < hint < total:
                break
        return lines

    def __iter__(self):
        return self

    def __next__(self):
        line = self.readline()
        if not line:
            raise StopIteration
        return line

    next = __next__

    def close(self):
        pass


class FileWrapper(object):
    """wsgi.file_wrapper: a file the server can send without passing its bytes through Python."""

    def __init__(self, filelike, blksize=8192):
        self.filelike = filelike
        self.blksize = blksize
        if hasattr(filelike, 'close'):
            self.close = filelike.close

    def __iter__(self):
        return self

    def __next__(self):
        data = self.filelike.read(self.blksize)
        if data:
            return data
        raise StopIteration

    next = __next__
