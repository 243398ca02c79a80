"""What only embedded mode shows: C extensions loaded into the server's process, and the
signal handlers the application may not install there."""

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


def application(environ, start_response):
    path = environ.get('PATH_INFO', '')
    if path == '/extensions':
        body = extensions()
    elif path == '/signal':
        previous = signal.signal(signal.SIGTERM, lambda signum, frame: None)
        body = {'returned_previous': previous == signal.getsignal(signal.SIGTERM),
                'handler_now': str(signal.getsignal(signal.SIGTERM))}
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
