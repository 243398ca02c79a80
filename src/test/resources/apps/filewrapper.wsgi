# wsgi.file_wrapper: a real file is sent by the server itself; other file-likes are iterated.
import io
import os

from testkit import params, record, test_dir


class TrackedFile(io.FileIO):
    """A real file that counts the reads Python makes of it, and reports them when closed."""

    def __init__(self, path, environ, tag):
        io.FileIO.__init__(self, path, 'rb')
        self.environ = environ
        self.tag = tag
        self.reads = 0

    def read(self, size=-1):
        self.reads += 1
        return io.FileIO.read(self, size)

    def close(self):
        if not self.closed:
            record(self.environ, 'reads-' + self.tag, str(self.reads))
        io.FileIO.close(self)


class TrackedBytes(io.BytesIO):
    """A file-like object without a file descriptor (fileno() raises)."""

    def __init__(self, data, environ, tag):
        io.BytesIO.__init__(self, data)
        self.environ = environ
        self.tag = tag
        self.reads = 0

    def read(self, size=-1):
        self.reads += 1
        return io.BytesIO.read(self, size)

    def close(self):
        if not self.closed:
            record(self.environ, 'reads-' + self.tag, str(self.reads))
        io.BytesIO.close(self)


class NoClose(object):
    """The least a file-like object may be: read() only."""

    def __init__(self, data):
        self.stream = io.BytesIO(data)

    def read(self, size):
        return self.stream.read(size)


def application(environ, start_response):
    path = environ['PATH_INFO']
    query = params(environ)
    headers = [('Content-Type', 'application/octet-stream')]
    if 'length' in query:
        headers.append(('Content-Length', query['length']))
    wrapper = environ['wsgi.file_wrapper']
    if path == '/file':
        f = TrackedFile(os.path.join(test_dir(environ), query['name']), environ, query['tag'])
        f.seek(int(query.get('seek', '0')))
        start_response('200 OK', headers)
        return wrapper(f, int(query['blksize'])) if 'blksize' in query else wrapper(f)
    if path == '/buffered-file':
        # A buffered reader whose buffer already holds more than was consumed: tell() is what counts.
        f = open(os.path.join(test_dir(environ), query['name']), 'rb')
        f.read(int(query['consumed']))
        start_response('200 OK', headers)
        return wrapper(f)
    if path == '/bytes':
        data = open(os.path.join(test_dir(environ), query['name']), 'rb').read()
        start_response('200 OK', headers)
        return wrapper(TrackedBytes(data, environ, query['tag']), 1000)
    if path == '/no-close':
        start_response('200 OK', headers)
        return wrapper(NoClose(b'read() is all it has'))
    if path == '/pipe':
        # Not a regular file: the worker streams it itself.
        r, w = os.pipe()
        os.write(w, b'from a pipe')
        os.close(w)
        start_response('200 OK', headers)
        return wrapper(os.fdopen(r, 'rb'))
    start_response('404 Not Found', [('Content-Type', 'text/plain')])
    return [b'no such test']
