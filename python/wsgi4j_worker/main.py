"""The worker process: reads its configuration, loads the application, serves requests.

Started by the wsgi4j server with the configuration as one JSON line on
stdin. stdin then stays open as a lifeline: when it reaches EOF the server
is gone and the worker exits.
"""

import faulthandler
import json
import os
import signal
import socket
import sys
import threading
import time

from . import gateway
from . import log
from . import loader
from . import monitor
from . import protocol
from . import proctitle
from . import stacks

# How long a request thread keeps trying to reconnect to the server.
RECONNECT_SECONDS = 5.0


class Worker(object):
    """One daemon process: its application and its request threads."""

    def __init__(self, config):
        self.config = config
        self.application = loader.Application(
            config['application_type'], config['entry_point'], config['callable_object'])
        self.stopping = threading.Event()
        self._channels = set()
        self._channels_lock = threading.Lock()

    def serve_thread(self, index):
        while not self.stopping.is_set():
            channel = self._connect(index)
            if channel is None:
                break
            served = False
            transport = protocol.ChannelTransport(channel)
            with self._channels_lock:
                self._channels.add(channel)
            try:
                while True:
                    kind, payload = channel.recv()
                    served = True
                    if kind != protocol.REQUEST:
                        log.log('error', 'wsgi4j (pid=%d): unexpected frame %r from the server; '
                                'reconnecting' % (os.getpid(), chr(kind)))
                        break
                    gateway.handle(transport, payload, self.application, index)
            except protocol.ChannelClosed:
                pass
            except Exception as e:
                log.log('error', 'wsgi4j (pid=%d): request thread %d failed: %r'
                        % (os.getpid(), index, e))
            finally:
                with self._channels_lock:
                    self._channels.discard(channel)
                channel.close()
            if not served:
                # Refused at once (this process is being stopped): do not spin reconnecting.
                self.stopping.wait(0.5)
        if not self.stopping.is_set():
            # The server is gone: nothing left to serve.
            _exit_server_gone(self.config['socket'])

    def stop(self):
        """Stops every request thread: each leaves its loop once its connection is shut down."""
        self.stopping.set()
        with self._channels_lock:
            channels = list(self._channels)
        for channel in channels:
            channel.shutdown()

    def _connect(self, index):
        deadline = time.monotonic() + RECONNECT_SECONDS
        hello = ('%s %d %d' % (self.config['token'], os.getpid(), index)).encode('ascii')
        while not self.stopping.is_set():
            sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            try:
                sock.connect(self.config['socket'])
                channel = protocol.Channel(sock)
                channel.send(protocol.HELLO, hello)
                return channel
            except OSError:
                sock.close()
                if time.monotonic() > deadline:
                    return None
                time.sleep(0.05)
        return None


def _exit_server_gone(socket_path):
    log.log('warn', 'wsgi4j (pid=%d): cannot reach the server at %s; exiting' % (os.getpid(), socket_path))
    os._exit(1)


def _prepare_process(config):
    os.setpgrp()  # the server, not the terminal, decides when workers stop
    proctitle.set_title(config['display_name'])
    faulthandler.enable(file=sys.__stderr__, all_threads=False)
    # The server asks for the stacks with SIGUSR2; SIGQUIT is its fallback when the
    # GIL is held by C code, which faulthandler can dump without.
    stacks.install(signal.SIGUSR2)
    faulthandler.register(signal.SIGQUIT, file=sys.__stderr__, all_threads=True, chain=False)
    sys.stdout = log.LogStream('error', fd=1)
    sys.stderr = log.LogStream('error', fd=2)
    os.chdir(config['working_directory'])
    loader.prepare_paths(config)


def main():
    line = sys.stdin.buffer.readline()
    config = json.loads(line.decode('utf-8'))
    _prepare_process(config)
    worker = Worker(config)

    def terminate(signum, frame):
        worker.stopping.set()
        raise SystemExit(0)

    signal.signal(signal.SIGTERM, terminate)
    stacks.loading_since = time.monotonic()
    worker.application.load()
    stacks.loading_since = None
    if config.get('reload_on_changes'):
        monitor.start(worker.stopping)

    for index in range(config['threads']):
        thread = threading.Thread(target=worker.serve_thread, args=(index,),
                                  name='wsgi4j-request-%d' % index)
        thread.daemon = True
        thread.start()

    try:
        # The lifeline: EOF on stdin means the server has gone.
        while sys.stdin.buffer.read(4096):
            pass
    finally:
        worker.stopping.set()
    sys.exit(0)
