# /hold: calls libc's sleep() through ctypes.PyDLL, which keeps the GIL held: no Python code of the
# process (its signal handlers included) runs until it returns. As a C extension stuck in a loop.
import ctypes, os

_libc = ctypes.PyDLL(None)

def application(environ, start_response):
    if environ.get('PATH_INFO') == '/hold':
        _libc.sleep(3600)
    body = str(os.getpid()).encode()
    start_response('200 OK', [('Content-Type', 'text/plain'), ('Content-Length', str(len(body)))])
    return [body]
