# Ignores SIGTERM (set while the script is imported, on the worker's main thread): only SIGKILL stops it.
import os, signal

signal.signal(signal.SIGTERM, signal.SIG_IGN)

def application(environ, start_response):
    body = str(os.getpid()).encode()
    start_response('200 OK', [('Content-Type', 'text/plain'), ('Content-Length', str(len(body)))])
    return [body]
