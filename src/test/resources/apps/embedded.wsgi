"""What only embedded mode shows: C extensions loaded into the server's process, the
signal handlers the application may not install there, and a stack as deep as CPython's own
threads have."""

import faulthandler
import json
import os
import signal
import sys
import threading


def extensions():
    import _decimal
    import decimal
    import hashlib
    import sqlite3
    import ssl
    import zlib
    db = sqlite3.connect(':memory:')
    db.execute('create table t (x integer)')
    db.executemany('insert into t values (?)', [(1,), (2,), (3,)])
    total = db.execute('select sum(x) from t').fetchone()[0]
    db.close()
    context = ssl.create_default_context()
    return {
        'json': json.loads(json.dumps({'a': [1, 2]})) == {'a': [1, 2]},
        'decimal': str(decimal.Decimal(1) / decimal.Decimal(7)),
        'decimal_is_c': decimal.Decimal is _decimal.Decimal,
        'sqlite3': total,
        'ssl': ssl.OPENSSL_VERSION.split()[0],
        'ssl_verify': context.verify_mode == ssl.CERT_REQUIRED,
        'sha256': hashlib.sha256(b'wsgi4j').hexdigest()[:16],
        'zlib': len(zlib.compress(b'x' * 1000)) < 100,
    }


def recursion():
    """Recursion up to Python's limit, in Python code and through C (repr), ends in RecursionError."""
    def down(n):
        return 0 if n == 0 else 1 + down(n - 1)

    class Deep:
        def __init__(self, n):
            self.n = n

        def __repr__(self):
            return 'D' if self.n == 0 else 'D' + repr(Deep(self.n - 1))

    nested = []
    for _ in range(100000):
        nested = [nested]
    results = {}
    for name, call in (('python', lambda: down(10 ** 6)), ('repr', lambda: repr(Deep(10 ** 6))),
                       ('nested', lambda: repr(nested))):
        try:
            call()
            results[name] = 'returned'
        except RecursionError:
            results[name] = 'RecursionError'
    return results


def application(environ, start_response):
    path = environ.get('PATH_INFO', '')
    if path == '/extensions':
        body = extensions()
    elif path == '/signal':
        previous = signal.signal(signal.SIGTERM, lambda signum, frame: None)
        body = {'returned_previous': previous == signal.getsignal(signal.SIGTERM),
                'handler_now': str(signal.getsignal(signal.SIGTERM))}
    elif path == '/recursion':
        body = recursion()
    elif path == '/faulthandler':
        faulthandler.enable()
        body = {'enabled': faulthandler.is_enabled()}
    else:
        body = {
            'pid': os.getpid(),
            'ppid': os.getppid(),
            'argv': sys.argv,
            'thread': threading.current_thread().name,
            'threads': threading.active_count(),
            'cwd': os.getcwd(),
        }
    data = json.dumps(body).encode('utf-8')
    start_response('200 OK', [('Content-Type', 'application/json'), ('Content-Length', str(len(data)))])
    return [data]
