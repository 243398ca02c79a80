# The request body as the server hands it over (whole in memory, or spooled to a file), read every
# way PEP 3333 allows, and what becomes of the spool file when the request fails.
import hashlib
import io
import os
import signal

from testkit import json_body, params, record, wait_for

SPOOL_PREFIX = 'wsgi4j-body-'


def open_spools():
    """The server's spool files this process has open: a large body is read from one."""
    found = []
    for fd in os.listdir('/proc/self/fd'):
        try:
            target = os.readlink('/proc/self/fd/' + fd)
        except OSError:
            continue
        if os.path.basename(target).startswith(SPOOL_PREFIX):
            found.append(target)
    return found


def pieces(stream, how, size):
    """The body in the pieces one way of reading gives."""
    if how == 'read':
        while True:
            piece = stream.read(size)
            if not piece:
                return
            yield piece
    elif how == 'readline':
        while True:
            line = stream.readline(size)
            if not line:
                return
            yield line
    elif how == 'iter':
        for line in stream:
            yield line
    elif how == 'readlines':
        while True:
            lines = stream.readlines(size)
            if not lines:
                return
            for line in lines:
                yield line
    elif how == 'all':
        yield stream.read()
    else:
        raise ValueError(how)


def run_ops(stream, plan):
    """Runs 'op[:arg],...' (read, readline, readlines, iter); each step's result and all the bytes read."""
    results = []
    data = bytearray()
    for step in plan.split(','):
        name, _, arg = step.partition(':')
        args = (int(arg),) if arg else ()
        value = list(stream) if name == 'iter' else getattr(stream, name)(*args)
        values = value if isinstance(value, list) else [value]
        results.append([len(v) for v in values] if isinstance(value, list) else len(value))
        for v in values:
            if type(v) is not bytes:
                raise TypeError('%s gave %s' % (name, type(v).__name__))
            data += v
    return results, bytes(data)


def application(environ, start_response):
    path = environ['PATH_INFO']
    query = params(environ)
    stream = environ['wsgi.input']
    if 'ran' in query:
        record(environ, 'ran-' + query['ran'], 'yes')
    if path == '/digest':
        digest = hashlib.sha256()
        total = longest = 0
        for piece in pieces(stream, query.get('how', 'read'), int(query.get('size', '65536'))):
            digest.update(piece)
            total += len(piece)
            longest = max(longest, len(piece))
        return json_body(start_response, {'total': total, 'sha256': digest.hexdigest(), 'longest': longest,
                                          'spools': open_spools(), 'after_end': repr(stream.read(10))})
    if path == '/ops':
        # The same steps over an io.BufferedReader of the bytes read give what the standard library does.
        got, data = run_ops(stream, query['plan'])
        reference, _ = run_ops(io.BufferedReader(io.BytesIO(data)), query['plan'])
        return json_body(start_response, {'got': got, 'reference': reference, 'total': len(data),
                                          'sha256': hashlib.sha256(data).hexdigest(), 'spools': open_spools()})
    if path == '/hold':
        # Shows the test the spool file while the request runs, until the test lets it finish.
        record(environ, 'spools-' + query['tag'], '\n'.join(open_spools()))
        wait_for(environ, 'release-' + query['tag'])
        return json_body(start_response, {'total': len(stream.read())})
    if path == '/fail':
        stream.read()
        raise RuntimeError('the application failed after reading the body')
    if path == '/crash':
        stream.read(1)
        os.kill(os.getpid(), signal.SIGKILL)
    if path == '/quick':
        return json_body(start_response, {'pid': os.getpid()})
    start_response('404 Not Found', [('Content-Type', 'text/plain')])
    return [b'no such test']
