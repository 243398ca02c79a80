# Answers its process id; with ?sleep=S it first records its pid in the file named by ?mark= and sleeps S seconds.
import os, time
from urllib.parse import parse_qs

def application(environ, start_response):
    query = parse_qs(environ.get('QUERY_STRING', ''))
    if 'mark' in query:
        with open(query['mark'][0], 'w') as f:
            f.write(str(os.getpid()))
    if 'sleep' in query:
        time.sleep(float(query['sleep'][0]))
    body = str(os.getpid()).encode()
    start_response('200 OK', [('Content-Type', 'text/plain'), ('Content-Length', str(len(body)))])
    return [body]
