# For several server processes (embedded mode): answers "PID MULTITHREAD MULTIPROCESS".
#   /segfault   crashes the process inside C code (a NULL read through ctypes)
#   ?sleep=S    sleeps S seconds first
import ctypes, os, time
from urllib.parse import parse_qs

def application(environ, start_response):
    if environ['PATH_INFO'] == '/segfault':
        ctypes.string_at(0)
    query = parse_qs(environ.get('QUERY_STRING', ''))
    if 'sleep' in query:
        time.sleep(float(query['sleep'][0]))
    body = ('%d %s %s' % (os.getpid(), environ['wsgi.multithread'], environ['wsgi.multiprocess'])).encode()
    start_response('200 OK', [('Content-Type', 'text/plain'), ('Content-Length', str(len(body)))])
    return [body]
