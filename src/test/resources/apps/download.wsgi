# Responses for slow readers: a large body, an endless stream and a file, each recording when the
# server called close() -- the moment the application's thread was free again.
import os
import threading
import time

from testkit import params, record, test_dir

BLOCK = bytes(bytearray(range(256))) * 256  # 64 KiB


class Recorded(object):
    """An iterable that records, when closed, how its response ended."""

    def __init__(self, environ, tag, chunks):
        self.environ = environ
        self.tag = tag
        self.chunks = chunks
        self.sent = 0

    def __iter__(self):
        for chunk in self.chunks:
            self.sent += len(chunk)
            yield chunk

    def close(self):
        record(self.environ, 'closed-' + self.tag, '%d %f' % (self.sent, time.time()))


_barriers = {}
_barriers_lock = threading.Lock()


def together(tag, parties):
    """True when `parties` requests with this tag were running at the same time."""
    with _barriers_lock:
        barrier = _barriers.setdefault(tag, threading.Barrier(parties, timeout=20))
    try:
        barrier.wait()
        return True
    except threading.BrokenBarrierError:
        return False


def blocks(size):
    left = size
    while left > 0:
        n = min(left, len(BLOCK))
        yield BLOCK[:n]
        left -= n


def application(environ, start_response):
    path = environ['PATH_INFO']
    query = params(environ)
    if path == '/big':
        start_response('200 OK', [('Content-Type', 'application/octet-stream')])
        return Recorded(environ, query['tag'], blocks(int(query['size'])))
    if path == '/endless':
        # Runs until the server stops it (its client went away): 4 GiB at most.
        start_response('200 OK', [('Content-Type', 'application/octet-stream')])
        return Recorded(environ, query['tag'], blocks(4 << 30))
    if path == '/file':
        f = open(os.path.join(test_dir(environ), query['name']), 'rb')
        headers = [('Content-Type', 'application/octet-stream')]
        if 'length' in query:
            headers.append(('Content-Length', query['length']))
        start_response('200 OK', headers)
        wrapper = environ['wsgi.file_wrapper'](f)
        original_close = f.close

        def close():
            record(environ, 'closed-' + query['tag'], '0 %f' % time.time())
            original_close()
        wrapper.close = close
        return wrapper
    if path == '/together':
        body = b'together' if together(query['tag'], int(query['n'])) else b'alone'
        start_response('200 OK', [('Content-Type', 'text/plain'), ('Content-Length', str(len(body)))])
        return [body]
    if path == '/quick':
        start_response('200 OK', [('Content-Type', 'text/plain'), ('Content-Length', '5')])
        return [b'quick']
    start_response('404 Not Found', [('Content-Type', 'text/plain')])
    return [b'no such test']
