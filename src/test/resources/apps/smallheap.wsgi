# body.wsgi's request bodies and download.wsgi's large responses, for one server with a small heap.
import os
import runpy

_HERE = os.path.dirname(os.path.abspath(__file__))
_BODY = runpy.run_path(os.path.join(_HERE, 'body.wsgi'))['application']
_DOWNLOAD = runpy.run_path(os.path.join(_HERE, 'download.wsgi'))['application']


def application(environ, start_response):
    if environ['PATH_INFO'] == '/big':
        return _DOWNLOAD(environ, start_response)
    return _BODY(environ, start_response)
