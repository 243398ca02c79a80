"""Log records from the worker to the server's error log.

The worker's stderr is a pipe read by the server. A record is one line:
RS level US client US request-id US message. A notice for the server
itself is GS verb SP argument. Lines without either mark (from C code
writing to fd 2, for instance) are logged as they are.
"""

import os
import threading

RS = '\x1e'
US = '\x1f'
GS = '\x1d'

# Reentrant: the stack dump, a signal handler, may interrupt the main thread while it logs.
_lock = threading.RLock()
_context = threading.local()
# Where records go: stderr in a daemon process, which the server reads; in embedded mode the
# server's own function, _sink(level, client, request_id, message), writes them to its error log.
_output_fd = 2
_sink = None


def set_output(fd):
    global _output_fd
    _output_fd = fd


def set_sink(sink):
    """Embedded mode: records go to the server's error log through SINK(level, client, request_id, message)."""
    global _sink
    _sink = sink


def set_context(client, request_id):
    """Tags what this thread logs with the request it is serving."""
    _context.client = client
    _context.request_id = request_id


def clear_context():
    _context.client = ''
    _context.request_id = ''


def current_context():
    return getattr(_context, 'client', ''), getattr(_context, 'request_id', '')


def log(level, message, client=None, request_id=None):
    if client is None and request_id is None:
        client, request_id = current_context()
    if _sink is not None:
        _sink(level, client or '', request_id or '', str(message))
        return
    lines = str(message).splitlines() or ['']
    prefix = '%s%s%s%s%s%s%s' % (RS, level, US, client or '', US, request_id or '', US)
    _write(''.join(prefix + line + '\n' for line in lines))


def notice(verb, argument=''):
    """Tells the server something (not a log record): 'stacks' written, a module 'changed'."""
    _write('%s%s %s\n' % (GS, verb, argument.replace('\n', ' ')))


def _write(text):
    data = text.encode('utf-8', 'backslashreplace')
    with _lock:
        view = memoryview(data)
        while view:
            written = os.write(_output_fd, view)
            view = view[written:]


class LogStream(object):
    """A text stream whose complete lines become error-log records.

    Used for wsgi.errors (tagged with its request) and for sys.stdout and
    sys.stderr (tagged with whatever request the writing thread serves).
    """

    encoding = 'utf-8'
    errors = 'backslashreplace'

    def __init__(self, level='error', client=None, request_id=None, fd=None):
        self._level = level
        self._client = client
        self._request_id = request_id
        self._fd = fd
        self._buffer = []
        self._lock = threading.Lock()
        self.closed = False

    def _emit(self, text):
        log(self._level, text, self._client, self._request_id)

    def write(self, text):
        if not isinstance(text, str):
            raise TypeError('log stream write() argument must be str, not %s' % type(text).__name__)
        with self._lock:
            if '\n' not in text:
                self._buffer.append(text)
                return len(text)
            head, _, tail = text.rpartition('\n')
            complete = ''.join(self._buffer) + head
            self._buffer = [tail] if tail else []
        self._emit(complete)
        return len(text)

    def writelines(self, lines):
        for line in lines:
            self.write(line)

    def flush(self):
        with self._lock:
            pending = ''.join(self._buffer)
            self._buffer = []
        if pending:
            self._emit(pending)

    def close(self):
        self.flush()

    def isatty(self):
        return False

    def readable(self):
        return False

    def writable(self):
        return True

    def seekable(self):
        return False

    def fileno(self):
        if self._fd is None:
            raise OSError('wsgi.errors has no file descriptor')
        return self._fd
