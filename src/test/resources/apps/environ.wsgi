# Answers with the request's environ as JSON: every str value, and the type name of the others.
import json, sys

def application(environ, start_response):
    out = {}
    for key, value in environ.items():
        if isinstance(value, (str, bool, int)) or value is None:
            out[key] = value
        elif isinstance(value, tuple):
            out[key] = list(value)
        else:
            out[key] = type(value).__name__
    # The value types PEP 3333 prescribes, checked here where the real objects are.
    out['check.str_keys'] = sorted(k for k, v in environ.items() if '.' not in k and type(v) is not str)
    out['check.version_is_tuple'] = type(environ['wsgi.version']) is tuple
    out['check.file_wrapper_callable'] = callable(environ.get('wsgi.file_wrapper'))
    out['check.input_methods'] = all(hasattr(environ['wsgi.input'], m) for m in ('read', 'readline', 'readlines', '__iter__'))
    out['check.errors_methods'] = all(hasattr(environ['wsgi.errors'], m) for m in ('write', 'writelines', 'flush'))
    out['python.version'] = '%d.%d' % sys.version_info[:2]
    body = json.dumps(out, sort_keys=True).encode('ascii')
    start_response('200 OK', [('Content-Type', 'application/json'), ('Content-Length', str(len(body)))])
    return [body]
