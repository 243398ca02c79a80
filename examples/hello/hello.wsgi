# wsgi4j's example application: a page that shows how the server runs it.
import os
import sys
import threading
from html import escape


def application(environ, start_response):
    rows = [
        ('Python', sys.version.split()[0] + ' at ' + sys.executable),
        ('Process', '%d (%s)' % (os.getpid(), environ.get('wsgi4j.process_group', ''))),
        ('Thread', threading.current_thread().name),
        ('wsgi.multithread', environ['wsgi.multithread']),
        ('wsgi.multiprocess', environ['wsgi.multiprocess']),
        ('SCRIPT_NAME', environ['SCRIPT_NAME']),
        ('PATH_INFO', environ['PATH_INFO']),
        ('Request id', environ.get('wsgi4j.request_id', '')),
    ]
    body = ''.join('<tr><th>%s</th><td>%s</td></tr>' % (escape(k), escape(str(v))) for k, v in rows)
    page = ('<!DOCTYPE html><html><head><title>Hello from wsgi4j</title>'
            '<link rel="stylesheet" href="/static/style.css"></head>'
            '<body><h1>Hello from wsgi4j</h1><table>%s</table></body></html>' % body).encode('utf-8')
    start_response('200 OK', [('Content-Type', 'text/html; charset=utf-8'),
                              ('Content-Length', str(len(page)))])
    return [page]
