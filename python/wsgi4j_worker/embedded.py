"""The worker runtime inside the server's own process (embedded mode).

The server loads libpython into its JVM. From the thread that initialized Python
it calls install() (its own functions, below), prepare() and load(), once. Then
each of its platform threads that serves requests calls thread_started() once,
and serve() for each request: Python runs on the thread that read the request,
with no socket, no frame and no hand-off between them.

The server's functions stand in for a daemon process thread's channel (the
request's transport, which gateway.Call speaks to) and for its log pipe:
respond(head, data, last), send_file(head, fd, offset, count), abort(reason),
read(wanted) and log_record(level, client, request_id, message). They release
the GIL whenever the server waits (for the client, or for a request body).

The JVM owns the process: its signals and its file descriptors 0-2. Python
installed no signal handlers (Py_InitializeEx(0)), and the application may not
install any either (mod_wsgi's WSGIRestrictSignal).
"""

import faulthandler
import json
import os
import signal
import sys
import threading

from . import gateway
from . import loader
from . import log

_transport = None
_application = None


class Transport(object):
    """The server itself as every request's transport (see gateway.Call)."""

    __slots__ = ('respond', 'send_file', 'abort', 'read')


def install(respond, send_file, abort, read, log_record):
    """Takes the server's functions: the requests' transport, and where log records go."""
    global _transport
    transport = Transport()
    transport.respond = respond
    transport.send_file = send_file
    transport.abort = abort
    transport.read = read
    _transport = transport
    log.set_sink(log_record)


def prepare(config_line):
    """Sets the interpreter up for the application."""
    global _application
    config = json.loads(config_line)
    sys.stdout = log.LogStream('error', fd=1)
    sys.stderr = log.LogStream('error', fd=2)
    sys.argv = ['wsgi4j']
    _restrict_signals()
    # Nothing reads what each thread runs (the stack dumps are a daemon process's).
    gateway.TRACK_ACTIVE = False
    # As in a daemon process: applications open files relative to it. The JVM resolves its own
    # relative paths against user.dir, which this does not change.
    os.chdir(config['working_directory'])
    loader.prepare_paths(config)
    _application = loader.Application(
        config['application_type'], config['entry_point'], config['callable_object'])


def load():
    """Loads the application (a failure is logged; requests then get 500 and the load is tried again)."""
    _application.load()


def thread_started(index):
    """A server thread about to serve requests: named as a daemon process's request threads are
    (threading sees it as a foreign thread)."""
    threading.current_thread().name = 'wsgi4j-request-%d' % index


def serve(environ, flags, body, index):
    """Runs one request on the calling server thread (see gateway.serve)."""
    gateway.serve(_transport, environ, flags, body, _application, index)


def _refused(what):
    log.log('warn', 'wsgi4j (pid=%d): %s ignored: in embedded mode the server process owns its '
            'signals (use daemon mode for an application that needs them)' % (os.getpid(), what))


def _restrict_signals():
    def refuse_signal(signum, handler):
        _refused('the application\'s signal.signal(%s) was' % _signal_name(signum))
        return signal.getsignal(signum)

    def refuse_fault_handler(*args, **kwargs):
        # faulthandler's SIGSEGV handler would take the JVM's own, which it needs to run at all.
        _refused('faulthandler.enable() was')

    def refuse_fault_register(signum, *args, **kwargs):
        _refused('faulthandler.register(%s) was' % _signal_name(signum))

    signal.signal = refuse_signal
    faulthandler.enable = refuse_fault_handler
    faulthandler.register = refuse_fault_register


def _signal_name(signum):
    try:
        return signal.Signals(signum).name
    except (ValueError, TypeError):
        return str(signum)
