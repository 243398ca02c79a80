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
    out['python.version'] = '%d.%d' % sys.version_info[:2]
    body = json.dumps(out, sort_keys=True).encode('ascii')
    start_response('200 OK', [('Content-Type', 'application/json'), ('Content-Length', str(len(body)))])
    return [body]
