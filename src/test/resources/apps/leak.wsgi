"""A small application for the leak test: /objects answers how many objects Python's collector
tracks (after a collection), everything else a small body that went through the whole gateway."""

import gc
import json


def application(environ, start_response):
    if environ.get('PATH_INFO') == '/objects':
        gc.collect()
        body = json.dumps({'objects': len(gc.get_objects())}).encode('ascii')
    else:
        body = b'Hello ' + environ.get('QUERY_STRING', '').encode('latin-1')
    start_response('200 OK', [('Content-Type', 'text/plain'), ('Content-Length', str(len(body)))])
    return [body]
