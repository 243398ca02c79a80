"""Helpers shared by the test applications (the apps directory is the workers' working directory)."""

import json
import os
import time

from urllib.parse import parse_qsl

WAIT_SECONDS = 30


def params(environ):
    """The query string as a dict."""
    return dict(parse_qsl(environ.get('QUERY_STRING', ''), keep_blank_values=True))


def test_dir(environ):
    """The directory the test shares with the application (--setenv TEST_DIR ...)."""
    return environ['TEST_DIR']


def record(environ, name, text):
    """Leaves a file for the test, written whole (the test may be polling for it)."""
    path = os.path.join(test_dir(environ), name)
    with open(path + '.tmp', 'w') as f:
        f.write(text)
    os.replace(path + '.tmp', path)


def wait_for(environ, name):
    """Waits for the test to create a file: the test's half of a handshake."""
    path = os.path.join(test_dir(environ), name)
    deadline = time.time() + WAIT_SECONDS
    while not os.path.exists(path):
        if time.time() > deadline:
            raise RuntimeError('the test did not create %s within %d s' % (path, WAIT_SECONDS))
        time.sleep(0.01)


def json_body(start_response, value, status='200 OK'):
    """Answers with a JSON document (ASCII, so str values survive as their code points)."""
    body = json.dumps(value, sort_keys=True).encode('ascii')
    start_response(status, [('Content-Type', 'application/json'), ('Content-Length', str(len(body)))])
    return [body]
