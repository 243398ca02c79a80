"""The Python stack of every thread, to the error log, when the server asks (SIGUSR2).

The server asks when a request has run past --request-timeout, or when the
application is still importing after --startup-timeout. Each thread's stack is
tagged with the request that thread is running, so that the error log shows
where each request is stuck. The server is told when the dump is complete.
"""

import os
import sys
import threading
import time
import traceback

from . import gateway
from . import log

# time.monotonic() when the application began loading; None once it is loaded.
loading_since = None


def install(signum):
    import signal
    signal.signal(signum, _on_signal)


_PACKAGE_DIR = os.path.dirname(os.path.abspath(__file__))
_THREADING = os.path.abspath(threading.__file__)


def _on_signal(signum, frame):
    try:
        dump(frame)
    finally:
        log.notice('stacks')


def _ours(frame):
    path = os.path.abspath(frame.f_code.co_filename)
    return os.path.dirname(path) == _PACKAGE_DIR or path == _THREADING


def _format(frame):
    """The stack, starting at the first frame that is not the worker's own or threading's."""
    stack = traceback.extract_stack(frame)
    frames = []
    f = frame
    while f is not None:
        frames.append(f)
        f = f.f_back
    frames.reverse()
    skip = 0
    while skip < len(frames) and _ours(frames[skip]):
        skip += 1
    if skip < len(frames):
        stack = stack[skip:]
    return ''.join(traceback.format_list(stack)).rstrip('\n')


def dump(main_frame=None):
    """Logs every thread's stack; main_frame is where the main thread was interrupted."""
    frames = sys._current_frames()
    main = threading.main_thread().ident
    if main_frame is not None:
        frames[main] = main_frame
    names = dict((t.ident, t.name) for t in threading.enumerate())
    now = time.monotonic()
    pid = os.getpid()
    log.log('error', 'wsgi4j (pid=%d): the Python stacks of its %d threads:' % (pid, len(frames)))
    for ident, frame in sorted(frames.items(), key=lambda item: names.get(item[0], '')):
        name = names.get(ident, 'thread %d' % ident)
        active = gateway.ACTIVE.get(ident)
        client, request_id = None, None
        if active is not None:
            client, request_id, description, started = active
            what = 'running %s for %.1f s' % (description, now - started)
        elif ident == main and loading_since is not None:
            what = 'still importing the application after %.1f s' % (now - loading_since)
        elif ident == main:
            what = 'the main thread'
        elif name.startswith('wsgi4j-request-'):
            what = 'idle, waiting for a request'
        else:
            what = 'a thread of the application'
        stack = _format(frame)
        log.log('error', "wsgi4j (pid=%d): thread '%s', %s:\n%s" % (pid, name, what, stack),
                client or '', request_id or '')
