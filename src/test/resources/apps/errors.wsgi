# wsgi.errors, stdout, and exceptions raised by the application.
import sys

from testkit import json_body, params


def fail_deeper(message):
    raise ValueError(message)


def application(environ, start_response):
    path = environ['PATH_INFO']
    query = params(environ)
    if path == '/log':
        errors = environ['wsgi.errors']
        tag = query['tag']
        errors.write('%s line one\n' % tag)
        errors.write('%s partial' % tag)
        errors.write(' then the rest\n')
        errors.writelines(['%s from writelines 1\n' % tag, '%s from writelines 2\n' % tag])
        print('%s printed' % tag, file=errors)
        errors.write('%s flushed without newline' % tag)
        errors.flush()
        print('%s to stdout' % tag)
        sys.stdout.flush()
        return json_body(start_response, {'request_id': environ['wsgi4j.request_id'],
                                          'client': '%s:%s' % (environ['REMOTE_ADDR'], environ['REMOTE_PORT'])})
    if path == '/raise':
        fail_deeper('boom from the application')
    if path == '/raise-in-generator':
        def body():
            fail_deeper('boom before the first chunk')
            yield b'never'
        start_response('200 OK', [('Content-Type', 'text/plain')])
        return body()
    if path == '/raise-lazily':
        def body():
            start_response('200 OK', [('Content-Type', 'text/plain')])
            fail_deeper('boom inside the generator, after start_response')
            yield b'never'
        return body()
    if path == '/system-exit':
        raise SystemExit(3)
    if path == '/after-exit':
        return json_body(start_response, {'alive': True})
    start_response('404 Not Found', [('Content-Type', 'text/plain')])
    return [b'no such test']
