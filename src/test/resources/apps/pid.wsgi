# Answers its process id. Query parameters, applied in this order:
#   mark=FILE   record the pid in FILE first (the test then knows the request is running)
#   grow=MIB    keep MIB more mebibytes for the life of the process (a leak)
#   burn=S      spin the CPU for S seconds
#   sleep=S     sleep S seconds
#   show=KEY    answer "pid value-of-environ[KEY]" instead
import os, time
from urllib.parse import parse_qs

_leak = []

def application(environ, start_response):
    query = parse_qs(environ.get('QUERY_STRING', ''))
    if 'mark' in query:
        with open(query['mark'][0], 'w') as f:
            f.write(str(os.getpid()))
    if 'grow' in query:
        _leak.append(bytearray(int(query['grow'][0]) * 1024 * 1024))
    if 'burn' in query:
        end = time.process_time() + float(query['burn'][0])
        while time.process_time() < end:
            pass
    if 'sleep' in query:
        time.sleep(float(query['sleep'][0]))
    text = str(os.getpid())
    if 'show' in query:
        text += ' ' + repr(environ.get(query['show'][0]))
    body = text.encode()
    start_response('200 OK', [('Content-Type', 'text/plain'), ('Content-Length', str(len(body)))])
    return [body]
