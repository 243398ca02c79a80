# Answers "app SCRIPT_NAME PATH_INFO" in plain text, so that tests see which requests reach the application.
def application(environ, start_response):
    body = ('app %s %s' % (environ['SCRIPT_NAME'] or '-', environ['PATH_INFO'] or '-')).encode('latin-1')
    start_response('200 OK', [('Content-Type', 'text/plain'), ('Content-Length', str(len(body)))])
    return [body]
