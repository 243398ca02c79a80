# A small application for the command-line, log and signal tests:
#   /sleep  writes "sleeping" to wsgi.errors, then answers after 2 s
#   /wait?F writes "waiting" to wsgi.errors, then answers once the file F exists (30 s at most)
#   /empty  answers 200 with an empty body
#   /log    writes "app says hello" to wsgi.errors
#   else    answers "hello"
import os
import time


def application(environ, start_response):
    path = environ.get('PATH_INFO', '')
    errors = environ['wsgi.errors']
    body = b'hello'
    if path == '/sleep':
        errors.write('sleeping\n')
        errors.flush()
        time.sleep(2)
    elif path == '/wait':
        errors.write('waiting\n')
        errors.flush()
        deadline = time.time() + 30
        while not os.path.exists(environ['QUERY_STRING']) and time.time() < deadline:
            time.sleep(0.01)
    elif path == '/empty':
        body = b''
    elif path == '/log':
        errors.write('app says hello\n')
    start_response('200 OK', [('Content-Type', 'text/plain'), ('Content-Length', str(len(body)))])
    return [body]
