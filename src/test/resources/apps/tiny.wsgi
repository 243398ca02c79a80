# A small application for the command-line, log and signal tests:
#   /sleep  writes "sleeping" to wsgi.errors, then answers after 2 s
#   /empty  answers 200 with an empty body
#   /log    writes "app says hello" to wsgi.errors
#   else    answers "hello"
import time


def application(environ, start_response):
    path = environ.get('PATH_INFO', '')
    errors = environ['wsgi.errors']
    body = b'hello'
    if path == '/sleep':
        errors.write('sleeping\n')
        errors.flush()
        time.sleep(2)
    elif path == '/empty':
        body = b''
    elif path == '/log':
        errors.write('app says hello\n')
    start_response('200 OK', [('Content-Type', 'text/plain'), ('Content-Length', str(len(body)))])
    return [body]
