"""wsgi.input and wsgi.file_wrapper."""

# How much to ask the server for when the application reads a little:
# fewer round trips, never past the end of the body (the server knows it).
READ_AHEAD = 262144


class ReceivedInput(object):
    """wsgi.input for a body the server received whole before the call: the
    bytes in memory, or the server's spool file, read here directly.

    Never reads past the end of the body; read(), readline() and readlines()
    accept the size/hint arguments of io.BufferedReader; iteration yields lines.
    """

    __slots__ = ('_file',)

    def __init__(self, source):
        self._file = source  # an io.BytesIO, or the spool file opened for reading

    def read(self, size=-1):
        if size is None or size < 0:
            return self._file.read()
        return self._file.read(size)

    def readline(self, size=-1):
        if size is None or size < 0:
            return self._file.readline()
        return self._file.readline(size)

    def readlines(self, hint=-1):
        return _readlines(self, hint)

    def __iter__(self):
        return self

    def __next__(self):
        line = self._file.readline()
        if not line:
            raise StopIteration
        return line

    next = __next__

    def close(self):
        pass


def _readlines(stream, hint):
    # As io.IOBase.readlines (io.BytesIO's own stops one line earlier when
    # the lines read reach the hint exactly): stop once they exceed it.
    lines = []
    total = 0
    while True:
        line = stream.readline()
        if not line:
            break
        lines.append(line)
        total += len(line)
        if hint is not None and 0 < hint < total:
            break
    return lines


class InputStream(object):
    """wsgi.input for a body the server has not received yet (Expect:
    100-continue): fetched from the server, through the request's transport,
    as the application reads.

    Never reads past the end of the body; read(), readline() and readlines()
    accept the size/hint arguments of io.BufferedReader; iteration yields lines.
    """

    def __init__(self, transport):
        self._transport = transport
        self._buffer = bytearray()
        self._pos = 0
        self._eof = False

    def _available(self):
        return len(self._buffer) - self._pos

    def _fill(self, wanted):
        """Asks the server for more body; returns False at the end of the body."""
        if self._eof:
            return False
        try:
            payload = self._transport.read(min(max(wanted, READ_AHEAD), 16 * 1024 * 1024))
        except OSError:
            self._eof = True
            raise
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
        return _readlines(self, hint)

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
