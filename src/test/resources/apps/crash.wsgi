# /segfault crashes the process inside C code (a NULL read through ctypes); anything else answers "ok".
import ctypes

def application(environ, start_response):
    if environ['PATH_INFO'] == '/segfault':
        ctypes.string_at(0)
    start_response('200 OK', [('Content-Type', 'text/plain'), ('Content-Length', '2')])
    return [b'ok']
