# Reads wsgi.input in the ways PEP 3333 allows and reports what it got.
import hashlib
import io

from testkit import json_body, params


def run_ops(stream, plan):
    """Runs 'op[:arg],...' (read, readline, readlines, iter) on a stream.

    Returns each step's result (type name and latin-1 text, or a list of those) and all the bytes read.
    """
    results = []
    data = bytearray()
    for step in plan.split(','):
        name, _, arg = step.partition(':')
        args = (int(arg),) if arg else ()
        value = list(stream) if name == 'iter' else getattr(stream, name)(*args)
        if isinstance(value, list):
            results.append([[type(v).__name__, v.decode('latin-1')] for v in value])
            for v in value:
                data += v
        else:
            results.append([type(value).__name__, value.decode('latin-1')])
            data += value
    return results, bytes(data)


def application(environ, start_response):
    path = environ['PATH_INFO']
    stream = environ['wsgi.input']
    query = params(environ)
    if path == '/ops':
        # The same steps on an io.BytesIO of the bytes read give what the standard library does.
        got, data = run_ops(stream, query['plan'])
        reference, _ = run_ops(io.BufferedReader(io.BytesIO(data)), query['plan'])
        return json_body(start_response, {'got': got, 'reference': reference, 'data': data.decode('latin-1'),
                                          'content_length': environ.get('CONTENT_LENGTH')})
    if path == '/digest':
        # read(n) in a loop, n from the query; several MiB arrive in pieces.
        size = int(query.get('n', '65536'))
        digest = hashlib.sha256()
        total = largest = 0
        types = set()
        while True:
            piece = stream.read(size)
            types.add(type(piece).__name__)
            if not piece:
                break
            largest = max(largest, len(piece))
            total += len(piece)
            digest.update(piece)
        return json_body(start_response, {'total': total, 'sha256': digest.hexdigest(), 'largest': largest,
                                          'types': sorted(types), 'content_length': environ.get('CONTENT_LENGTH'),
                                          'transfer_encoding': environ.get('HTTP_TRANSFER_ENCODING')})
    if path == '/lines':
        # readline(limit) in a loop: no line longer than the limit, nothing lost.
        limit = int(query.get('limit', '8192'))
        digest = hashlib.sha256()
        total = longest = 0
        while True:
            line = stream.readline(limit)
            if not line:
                break
            longest = max(longest, len(line))
            total += len(line)
            digest.update(line)
        return json_body(start_response, {'total': total, 'sha256': digest.hexdigest(), 'longest': longest})
    if path == '/echo':
        body = stream.read()
        after = [stream.read(), stream.read(10), stream.readline(), stream.readlines()]
        return json_body(start_response, {'body': body.decode('latin-1'), 'type': type(body).__name__,
                                          'after_end': [repr(a) for a in after],
                                          'content_length': environ.get('CONTENT_LENGTH')})
    if path == '/ignore':
        start_response('200 OK', [('Content-Type', 'text/plain'), ('Content-Length', '7')])
        return [b'ignored']
    start_response('404 Not Found', [('Content-Type', 'text/plain')])
    return [b'no such test']
