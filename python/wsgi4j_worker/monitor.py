"""--reload-on-changes: tells the server when a module the application loaded changes.

A thread looks at the modification time of every module's file once a
second, as mod_wsgi-express's monitor does; on the first change it sends
the server one 'changed' notice, and the server restarts the group's
processes one at a time.
"""

import os
import sys
import threading
import time

from . import log

INTERVAL = 1.0


def start(stopping):
    thread = threading.Thread(target=_watch, args=(stopping,), name='wsgi4j-reload-monitor')
    thread.daemon = True
    thread.start()


def _files():
    for name, module in list(sys.modules.items()):
        if name.startswith('_wsgi4j_'):
            continue  # the WSGI script itself: the server watches it, always
        path = getattr(module, '__file__', None)
        if not path:
            continue
        if path.endswith('.pyc') or path.endswith('.pyo'):
            path = path[:-1]
        yield path


def _watch(stopping):
    seen = {}
    while not stopping.wait(INTERVAL):
        for path in _files():
            try:
                mtime = os.stat(path).st_mtime
            except OSError:
                continue
            known = seen.setdefault(path, mtime)
            if mtime != known:
                log.notice('changed', path)
                return
