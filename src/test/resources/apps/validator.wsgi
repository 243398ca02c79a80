# Applications wrapped in wsgiref.validate.validator: any assertion or warning it raises about
# the server fails the request (warnings are errors here) and lands in the error log.
import json
import sys
import warnings
from wsgiref.validate import validator

warnings.simplefilter('error')


def headers(environ, extra=()):
    # The request id lets the test find everything logged about this request.
    return [('Content-Type', 'text/plain'), ('X-Request-Id', environ['wsgi4j.request_id'])] + list(extra)


def simple(environ, start_response):
    start_response('200 OK', headers(environ))
    return [b'simple']


def streaming(environ, start_response):
    def body():
        yield b'one '
        yield b''
        yield b'two'
    start_response('200 OK', headers(environ))
    return body()


def lazy(environ, start_response):
    def body():
        start_response('200 OK', headers(environ))
        yield b'lazy'
    return body()


def reading(environ, start_response):
    stream = environ['wsgi.input']
    first = stream.readline()
    limited = stream.readline(3)
    some = stream.read(4)
    hinted = stream.readlines(1)
    rest = list(stream)
    tail = stream.read(10)
    parts = [first, limited, some] + hinted + rest + [tail]
    body = json.dumps([p.decode('latin-1') for p in parts]).encode('ascii')
    start_response('200 OK', headers(environ, [('Content-Length', str(len(body)))]))
    return [body]


def writing(environ, start_response):
    write = start_response('200 OK', headers(environ))
    write(b'written ')
    return [b'and returned']


def file_wrapper(environ, start_response):
    start_response('200 OK', headers(environ))
    return environ['wsgi.file_wrapper'](open(__file__, 'rb'), 4096)


def errors(environ, start_response):
    stream = environ['wsgi.errors']
    stream.write('validator: a line for wsgi.errors\n')
    stream.writelines(['validator: writelines\n'])
    stream.flush()
    start_response('200 OK', headers(environ))
    return [b'logged']


def exc_info(environ, start_response):
    start_response('200 OK', headers(environ))
    try:
        raise ValueError('replaced by the error response')
    except ValueError:
        start_response('500 Internal Server Error', headers(environ), sys.exc_info())
    return [b'replaced']


def not_a_list(environ, start_response):
    # The control case: the validator must object to this (headers as a tuple).
    start_response('200 OK', tuple(headers(environ)))
    return [b'invalid']


APPS = {
    '/simple': validator(simple),
    '/streaming': validator(streaming),
    '/lazy': validator(lazy),
    '/reading': validator(reading),
    '/writing': validator(writing),
    '/file-wrapper': validator(file_wrapper),
    '/errors': validator(errors),
    '/exc-info': validator(exc_info),
    '/invalid': validator(not_a_list),
}


def application(environ, start_response):
    if environ['PATH_INFO'] == '/marker':
        # Not validated: marks a point in the error log that the test waits for.
        environ['wsgi.errors'].write('validator marker %s\n' % environ['QUERY_STRING'])
        start_response('200 OK', [('Content-Type', 'text/plain')])
        return [b'marked']
    return APPS[environ['PATH_INFO']](environ, start_response)
