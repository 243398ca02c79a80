"""The worker runtime inside the server's own process (embedded mode).

The server loads libpython into its JVM and calls these functions from its own
platform threads: prepare() and load() once, at start-up; serve(index) on each
request thread, which returns when the server stops; stop() to stop them. The
request threads speak the same protocol over the same kind of local socket as
a daemon process's threads, so the application sees exactly the same gateway.

The JVM owns the process: its signals and its file descriptors 0-2. Python installed no signal handlers (Py_InitializeEx(0)),
and the application may not install any either (mod_wsgi's WSGIRestrictSignal).
"""

import faulthandler
import json
import os
import signal
import sys
import threading

from . import log
from . import main

_worker = None


def prepare(config_line):
    """Sets the interpreter up; returns the file descriptor the server reads the log records from."""
    global _worker
    config = json.loads(config_line)
    read_fd, write_fd = os.pipe()
    os.set_inheritable(read_fd, False)
    log.set_output(write_fd)
    sys.stdout = log.LogStream('error', fd=write_fd)
    sys.stderr = log.LogStream('error', fd=write_fd)
    sys.argv = ['wsgi4j']
    _restrict_signals()
    # As in a daemon process: applications open files relative to it. The JVM resolves its own
    # relative paths against user.dir, which this does not change.
    os.chdir(config['working_directory'])
    main.prepare_paths(config)
    _worker = main.Worker(config, server_gone=_server_gone)
    return read_fd


def load():
    """Loads the application (a failure is logged; requests then get 500 and the load is tried again)."""
    _worker.application.load()


def serve(index):
    """Runs request thread `index` until the server stops."""
    # Named as a daemon process's request threads are (threading sees it as a foreign thread).
    threading.current_thread().name = 'wsgi4j-request-%d' % index
    _worker.serve_thread(index)


def stop():
    _worker.stop()


def _server_gone(socket_path):
    log.log('error', 'wsgi4j (pid=%d): a request thread lost the server\'s socket %s; it stops'
            % (os.getpid(), socket_path))


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
