# The response iterable: streaming, framing, Content-Length, close(), HEAD and bodiless statuses.
import time

from testkit import params, record, wait_for


class Closing(object):
    """A response iterable that leaves a file for the test when the server calls close()."""

    def __init__(self, environ, tag, mode):
        self.environ = environ
        self.tag = tag
        self.mode = mode

    def __iter__(self):
        if self.mode == 'raise-first':
            raise RuntimeError('the iterable failed before its first chunk')
        yield b'chunk one '
        if self.mode == 'raise':
            raise RuntimeError('the iterable failed after its first chunk')
        if self.mode == 'endless':
            # Runs until the server stops asking (its client went away): 1 GiB at most.
            for _ in range(16384):
                yield b'x' * 65536
        yield b'chunk two'

    def close(self):
        record(self.environ, 'closed-' + self.tag, self.mode)
        if self.mode == 'close-raises':
            raise ValueError('close() failed')


def application(environ, start_response):
    path = environ['PATH_INFO']
    query = params(environ)
    text = [('Content-Type', 'text/plain')]
    if path == '/stream':
        def body():
            yield b'first'
            wait_for(environ, query['wait'])
            yield b'second'
        start_response('200 OK', text)
        return body()
    if path == '/chunks':
        def body():
            yield b'one '
            yield b'two '
            yield b'three'
        start_response('200 OK', text + [('X-Custom', 'yes')])
        return body()
    if path == '/single':
        start_response('200 OK', text + [('X-Custom', 'yes')])
        return [b'hello world']
    if path == '/with-length':
        start_response('200 OK', text + [('Content-Length', '11'), ('X-Custom', 'yes')])
        return [b'hello', b' world']
    if path == '/short':
        start_response('200 OK', text + [('Content-Length', '10')])
        return [b'12345']
    if path == '/long':
        start_response('200 OK', text + [('Content-Length', '5')])
        return [b'12345', b'67890']
    if path == '/closing':
        start_response('200 OK', text)
        return Closing(environ, query['tag'], query['mode'])
    if path == '/head-aware':
        # Frameworks answer HEAD with the GET headers and no body.
        start_response('200 OK', text + [('Content-Length', '11')])
        return [] if environ['REQUEST_METHOD'] == 'HEAD' else [b'hello world']
    if path == '/status':
        code = query['code']
        headers = [('X-Custom', 'yes')]
        if 'length' in query:
            headers.append(('Content-Length', query['length']))
        start_response(code + ' Whatever', headers)
        return [b'should not be sent']
    if path == '/lazy':
        def body():
            start_response('200 OK', text)
            yield b'started lazily'
        return body()
    if path == '/sleep':
        time.sleep(float(query['seconds']))
        start_response('200 OK', text)
        return [b'slept']
    start_response('404 Not Found', text)
    return [b'no such test']
