# start_response: bad arguments, exc_info, calling it twice, and the write() callable.
import sys

from testkit import params, wait_for

BAD_STATUS = {
    'bytes': b'200 OK',
    'int': 200,
    'list': ['200 OK'],  # unhashable: must still get the type's message
    'no-reason': '200',
    'no-space': '200OK',
    'four-digits': '2000 OK',
    'letters': 'abc OK',
    'too-low': '099 Low',
    'too-high': '600 High',
    'informational': '100 Continue',
    'newline': '200 OK\r\nX-Injected: yes',
    'nul': '200 O\x00K',
    'not-latin1': '200 \u2713',
}

BAD_HEADERS = {
    'crlf-in-value': [('Content-Type', 'text/plain'), ('X-A', 'one\r\nX-Injected: yes')],
    'lf-in-value': [('X-A', 'one\nX-Injected: yes')],
    'nul-in-value': [('X-A', 'one\x00two')],
    'colon-in-name': [('X-A: b', 'c')],
    'space-in-name': [('X A', 'c')],
    'empty-name': [('', 'c')],
    'tuple-of-headers': (('Content-Type', 'text/plain'),),
    'list-item': [['Content-Type', 'text/plain']],
    'three-items': [('Content-Type', 'text/plain', 'extra')],
    'int-value': [('Content-Length', 5)],
    'bytes-name': [(b'X-A', 'b')],
    'not-latin1-value': [('X-A', '\u2713')],
    'none': None,
}


def application(environ, start_response):
    path = environ['PATH_INFO']
    query = params(environ)
    if path == '/bad-status':
        start_response(BAD_STATUS[query['case']], [('Content-Type', 'text/plain')])
        return [b'should not be sent']
    if path == '/bad-headers':
        start_response('200 OK', BAD_HEADERS[query['case']])
        return [b'should not be sent']
    if path == '/bad-length':
        # Passes start_response (a str), fails in the server: the error page is the server's own.
        start_response('500 Reason Of The App', [('Content-Type', 'text/plain'), ('Content-Length', 'abc')])
        return [b'should not be sent']
    if path == '/good-status':
        # Unusual but valid: any reason phrase, an empty one, a status outside the registry.
        start_response(query['status'], [('Content-Type', 'text/plain')])
        return [b'fine']
    if path == '/exc-info-before-headers':
        start_response('200 OK', [('Content-Type', 'text/plain'), ('X-Old', 'old')])
        try:
            raise RuntimeError('failed before any byte was sent')
        except RuntimeError:
            start_response('503 Try Later', [('Content-Type', 'text/plain'), ('X-New', 'new')], sys.exc_info())
        return [b'replaced']
    if path == '/exc-info-after-empty-chunks':
        # Empty strings do not send the headers, so they can still be replaced (PEP 3333).
        def body():
            start_response('200 OK', [('Content-Type', 'text/plain'), ('X-Old', 'old')])
            yield b''
            yield b''
            try:
                raise RuntimeError('failed after empty chunks')
            except RuntimeError:
                start_response('500 Replaced', [('Content-Type', 'text/plain')], sys.exc_info())
            yield b'replaced'
        return body()
    if path == '/exc-info-after-headers':
        write = start_response('200 OK', [('Content-Type', 'text/plain')])
        write(b'partial ')
        try:
            raise RuntimeError('failed after the headers were sent')
        except RuntimeError:
            # The headers went out: start_response re-raises, the response is cut.
            start_response('500 Too Late', [('Content-Type', 'text/plain')], sys.exc_info())
        return [b'never sent']
    if path == '/exc-info-caught-after-headers':
        def body():
            start_response('200 OK', [('Content-Type', 'text/plain')])
            yield b'partial '
            try:
                raise KeyError('failed in the generator')
            except KeyError:
                start_response('500 Too Late', [('Content-Type', 'text/plain')], sys.exc_info())
            yield b'never sent'
        return body()
    if path == '/twice':
        start_response('200 OK', [('Content-Type', 'text/plain')])
        start_response('201 Created', [('Content-Type', 'text/plain')])
        return [b'should not be sent']
    if path == '/no-start-response':
        return [b'body without a status']
    if path == '/write-stream':
        write = start_response('200 OK', [('Content-Type', 'text/plain')])
        write(b'first')
        wait_for(environ, query['wait'])
        write(b'second')
        return []
    if path == '/write-then-iterable':
        write = start_response('200 OK', [('Content-Type', 'text/plain')])
        write(b'written ')
        write(b'')
        return [b'and ', b'returned']
    if path == '/write-with-length':
        write = start_response('200 OK', [('Content-Type', 'text/plain'), ('Content-Length', '11')])
        write(b'hello')
        write(b' world')
        return []
    if path == '/write-str':
        write = start_response('200 OK', [('Content-Type', 'text/plain')])
        write('text is not bytes')
        return []
    start_response('404 Not Found', [('Content-Type', 'text/plain')])
    return [b'no such test']
