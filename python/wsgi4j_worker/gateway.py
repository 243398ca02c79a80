"""One WSGI call: environ in, start_response, the response iterable out (PEP 3333)."""

import io
import marshal
import os
import re
import stat
import sys
import threading
import time
import traceback

from . import log
from . import protocol
from .streams import FileWrapper, InputStream, ReceivedInput

_STATUS = re.compile(r'[1-5][0-9][0-9] [^\x00-\x08\x0a-\x1f\x7f]*\Z')
_TOKEN = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+\Z")
_BAD_VALUE = re.compile(r'[\x00-\x08\x0a-\x1f\x7f]')
_PACKAGE_DIR = os.path.dirname(os.path.abspath(__file__))

# The spool file's read buffer: readline() on a large body in few system calls.
SPOOL_BUFFER = 65536

STR_BODY_HINT = ("wsgi4j: a WSGI application must produce bytes, not str: encode the "
                 "body, e.g. return [output.encode('utf-8')]")


ResponseError = protocol.ResponseError


def _micros():
    return str(time.time_ns() // 1000)


class Call(object):
    """The state of one request on one thread, speaking to its transport: a
    daemon process thread's channel (protocol.ChannelTransport) or, in embedded
    mode, the server itself (embedded.Transport). Either takes the same calls:
    respond(head, data, last), send_file(head, fd, offset, count), abort(reason)."""

    def __init__(self, transport, environ, script):
        self.transport = transport
        self.environ = environ
        self.script = script
        self.head = None          # (status, headers) given to start_response
        self.head_sent = False
        self.content_length = None

    # -- start_response and write() ----------------------------------------

    def start_response(self, status, headers, exc_info=None):
        if exc_info:
            try:
                if self.head_sent:
                    raise exc_info[1].with_traceback(exc_info[2])
            finally:
                exc_info = None
        elif self.head is not None:
            raise RuntimeError('start_response() was already called: pass exc_info '
                               'to replace the status and headers')
        self.head = (_check_status(status), _check_headers(headers))
        return self.write

    def write(self, data):
        if self.head is None:
            raise RuntimeError('write() called before start_response()')
        if not isinstance(data, bytes):
            raise TypeError('write() argument must be a byte string, not %s' % type(data).__name__)
        head = self._head()
        if head is not None or data:
            self.transport.respond(head, data, False)

    def _head(self):
        """The status line and headers to send (latin-1, CRLF-separated), once; None after."""
        if self.head_sent:
            return None
        if self.head is None:
            raise RuntimeError('the application returned without calling start_response()')
        status, headers = self.head
        lines = [status]
        for name, value in headers:
            lines.append('%s: %s' % (name, value))
            if name.lower() == 'content-length':
                self.content_length = value
        self.head_sent = True
        return '\r\n'.join(lines).encode('latin-1')

    # -- the call ----------------------------------------------------------

    def run(self, application):
        environ = self.environ
        result = None
        try:
            environ['wsgi4j.script_start'] = _micros()
            result = application(environ, self.start_response)
            if isinstance(result, FileWrapper) and self._send_file(result):
                return
            if type(result) in (list, tuple) and len(result) == 1:
                self._send_single(result[0])
            else:
                self._send_iterable(result)
        except protocol.ChannelClosed:
            raise
        except ResponseError:
            self.transport.abort(b'response error')
        except BaseException as e:
            # SystemExit and KeyboardInterrupt from application code fail the
            # request, as any exception does; they do not stop the worker.
            self._log_exception(e)
            self.transport.abort(b'application error')
        finally:
            if result is not None and hasattr(result, 'close'):
                try:
                    result.close()
                except Exception as e:
                    self._log_exception(e)

    def _send_single(self, data):
        if not isinstance(data, bytes):
            self._bad_chunk(data)
        self.transport.respond(self._head(), data, True)

    def _send_iterable(self, result):
        transport = self.transport
        for data in result:
            if not isinstance(data, bytes):
                self._bad_chunk(data)
            if data:
                transport.respond(self._head(), data, False)
        transport.respond(self._head(), b'', True)

    def _bad_chunk(self, data):
        raise TypeError('sequence of byte string values expected, value of type %s found'
                        % type(data).__name__)

    def _send_file(self, wrapper):
        """Lets the server send a real file by descriptor; False if it must be iterated."""
        filelike = wrapper.filelike
        try:
            fd = filelike.fileno()
            info = os.fstat(fd)
            if not stat.S_ISREG(info.st_mode):
                return False
            offset = filelike.tell()
        except Exception:
            return False
        count = max(info.st_size - offset, 0)
        if self.head is None:
            raise RuntimeError('the application returned without calling start_response()')
        status, headers = self.head
        declared = [v for n, v in headers if n.lower() == 'content-length']
        if declared:
            try:
                count = min(count, int(declared[0]))
            except ValueError:
                pass
        else:
            self.head = (status, headers + [('Content-Length', str(count))])
        if self.transport.send_file(self._head(), fd, offset, count):
            return True
        # The server could not open the file itself: stream it from here.
        self._send_iterable(wrapper)
        return True

    # -- errors --------------------------------------------------------------

    def _log_exception(self, e):
        log.log('error', 'wsgi4j (pid=%d): Exception occurred processing WSGI script %r.'
                % (os.getpid(), self.script))
        tb = e.__traceback__
        # Our own frames (the gateway calling the application) are noise to users.
        while tb is not None and os.path.dirname(os.path.abspath(tb.tb_frame.f_code.co_filename)) == _PACKAGE_DIR:
            tb = tb.tb_next
        if tb is None:
            lines = traceback.format_exception_only(type(e), e)
        else:
            lines = traceback.format_exception(type(e), e, tb)
        log.log('error', ''.join(lines).rstrip('\n'))
        if isinstance(e, TypeError) and 'value of type str found' in str(e):
            log.log('error', STR_BODY_HINT)


# Statuses and header names already found valid: most applications send the same few every time.
_VALID_STATUS = set()
_VALID_NAMES = set()
_VALID_MAX = 512


def _check_status(status):
    # The type first: a status that cannot be hashed (a list) must get the TypeError below.
    if type(status) is str and status in _VALID_STATUS:
        return status
    if type(status) is not str:
        raise TypeError('status must be a str, not %s' % type(status).__name__)
    if not _STATUS.match(status):
        raise ValueError('status must be a 3-digit code from 100 to 599, a space and a reason '
                         'phrase without control characters, not %r' % status)
    if status.startswith('1'):
        raise ValueError('status %r is informational: a WSGI response needs a final status' % status)
    try:
        status.encode('latin-1')
    except UnicodeEncodeError:
        raise ValueError('status %r has characters outside latin-1' % status)
    if len(_VALID_STATUS) < _VALID_MAX:
        _VALID_STATUS.add(status)
    return status


def _check_headers(headers):
    if type(headers) is not list:
        raise TypeError('response headers must be a list, not %s' % type(headers).__name__)
    for item in headers:
        if type(item) is not tuple or len(item) != 2:
            raise TypeError('each response header must be a (name, value) tuple, not %r' % (item,))
        name, value = item
        if type(name) is not str or type(value) is not str:
            raise TypeError('response header name and value must be str: %r' % (item,))
        if name not in _VALID_NAMES:
            if not _TOKEN.match(name):
                raise ValueError('invalid response header name %r' % name)
            if len(_VALID_NAMES) < _VALID_MAX:
                _VALID_NAMES.add(name)
        if _BAD_VALUE.search(value):
            raise ValueError('response header %s has a control character (CR, LF, NUL...) '
                             'in its value %r' % (name, value))
        try:
            value.encode('latin-1')
        except UnicodeEncodeError:
            raise ValueError('response header %s value %r has characters outside latin-1'
                             % (name, value))
    return headers


# Whether ACTIVE is kept: the stack dumps of a daemon process read it; embedded mode has none.
TRACK_ACTIVE = True

# What each request thread is running: thread ident -> (client, request id,
# "METHOD target", time.monotonic() at the start), for the stack dumps.
ACTIVE = {}


# Most requests have no body: one empty wsgi.input serves them all (reading it changes nothing).
_NO_BODY = ReceivedInput(io.BytesIO(b''))


def _body_input(transport, flags, body):
    """wsgi.input for the body as the server sent it, and the file to close after the call (or None)."""
    if flags & protocol.FLAG_BODY_SPOOLED:
        spool = open(body, 'rb', buffering=SPOOL_BUFFER)
        return ReceivedInput(spool), spool
    if flags & protocol.FLAG_BODY_COMPLETE:
        return (ReceivedInput(io.BytesIO(body)) if body else _NO_BODY), None
    return InputStream(transport), None


def handle(transport, payload, application, thread_index):
    """Serves one REQUEST frame of a daemon process thread's channel."""
    flags, environ_length = protocol.REQUEST_PREFIX.unpack_from(payload)
    start = protocol.REQUEST_PREFIX.size
    environ = marshal.loads(payload[start:start + environ_length])
    serve(transport, environ, flags, payload[start + environ_length:], application, thread_index)


def serve(transport, environ, flags, body, application, thread_index):
    """Runs the application for one request: ENVIRON from the server, the body as FLAGS say
    (in BODY, a spool file's path in BODY, or read through the transport)."""
    client = '%s:%s' % (environ.get('REMOTE_ADDR', '-'), environ.get('REMOTE_PORT', '-'))
    request_id = environ.get('wsgi4j.request_id', '')
    log.set_context(client, request_id)
    ident = threading.get_ident() if TRACK_ACTIVE else None
    if ident is not None:
        ACTIVE[ident] = (client, request_id, '%s %s' % (environ.get('REQUEST_METHOD', '-'),
                                                       environ.get('REQUEST_URI', '-')), time.monotonic())
    spool = None
    try:
        try:
            environ['wsgi.input'], spool = _body_input(transport, flags, body)
        except OSError as e:
            log.log('error', 'wsgi4j (pid=%d): cannot open the spooled request body: %s' % (os.getpid(), e))
            transport.abort(b'request body unavailable')
            return
        environ['wsgi.errors'] = log.LogStream('error', client, request_id)
        environ['wsgi.file_wrapper'] = FileWrapper
        environ['wsgi4j.daemon_start'] = _micros()
        environ['wsgi4j.thread_id'] = thread_index
        wsgi_callable = application.application()
        if 'SCRIPT_FILENAME' not in environ and application.filename:
            environ['SCRIPT_FILENAME'] = application.filename
        if wsgi_callable is None:
            transport.abort(b'application failed to load')
            return
        Call(transport, environ, application.target).run(wsgi_callable)
    finally:
        if ident is not None:
            ACTIVE.pop(ident, None)
        if spool is not None:
            spool.close()
        log.clear_context()
