# The first process to import this script hangs in the import; later ones load at once.
# (The mark is a file beside the script: tests copy the script into a directory of their own.)
import os, time

_mark = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'imported-once')
if not os.path.exists(_mark):
    open(_mark, 'w').close()
    time.sleep(3600)

def application(environ, start_response):
    body = str(os.getpid()).encode()
    start_response('200 OK', [('Content-Type', 'text/plain'), ('Content-Length', str(len(body)))])
    return [body]
