# Answers with the request as the application received it: request line, CGI variables,
# every HTTP_* entry (in environ order) and the body read from wsgi.input (base64), as JSON,
# with an X-Conformance-Echo header so that a test can tell the application's answers from the
# server's own. Each call is also appended to the file named by the CONFORMANCE_CALLS environ
# entry (set with --setenv), before anything else, so that a test can prove that a request
# the server refused never reached the application.
import base64
import json

CGI = ('REQUEST_METHOD', 'REQUEST_URI', 'SCRIPT_NAME', 'PATH_INFO', 'QUERY_STRING',
       'SERVER_PROTOCOL', 'CONTENT_TYPE', 'CONTENT_LENGTH')


def record(environ, event):
    path = environ.get('CONFORMANCE_CALLS')
    if path:
        event['uri'] = environ.get('REQUEST_URI')
        with open(path, 'a') as calls:
            calls.write(json.dumps(event) + '\n')


def application(environ, start_response):
    record(environ, {'event': 'call'})
    try:
        body = environ['wsgi.input'].read()
    except Exception as e:
        # Re-raised: the server then answers with the status of the body failure.
        record(environ, {'event': 'body-error', 'error': str(e)})
        raise
    record(environ, {'event': 'body', 'length': len(body)})
    answer = dict((key, environ[key]) for key in CGI if key in environ)
    answer['headers'] = [[key, value] for key, value in environ.items() if key.startswith('HTTP_')]
    answer['body'] = base64.b64encode(body).decode('ascii')
    data = json.dumps(answer).encode('ascii')
    start_response('200 OK', [('Content-Type', 'application/json'), ('Content-Length', str(len(data))),
                              ('X-Conformance-Echo', '1')])
    return [data]
