"""slowloris.py PORT [CONNECTIONS] -- ordinary requests while slow clients hold connections.

CONNECTIONS clients (200) each send a request head one byte a second; meanwhile one
client sends ordinary GET / requests, one at a time, each allowed 5 s, for about ten
seconds. Prints how many were answered 200, the median and the slowest latency.
"""
import socket
import statistics
import sys
import threading
import time

port = int(sys.argv[1])
count = int(sys.argv[2]) if len(sys.argv) > 2 else 200
stop = time.time() + 12
head = b"GET /slow HTTP/1.1\r\nHost: localhost\r\nX-Pad: " + b"a" * 200 + b"\r\n\r\n"


def slow_client():
    try:
        s = socket.create_connection(("127.0.0.1", port))
        for byte in head:
            if time.time() > stop:
                break
            s.send(bytes([byte]))
            time.sleep(1)
        s.close()
    except OSError:
        pass


for _ in range(count):
    threading.Thread(target=slow_client, daemon=True).start()
time.sleep(2)
latencies, failed = [], 0
while time.time() < stop - 1:
    started = time.time()
    try:
        s = socket.create_connection(("127.0.0.1", port), timeout=5)
        s.sendall(b"GET / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
        data = b""
        while True:
            chunk = s.recv(65536)
            if not chunk:
                break
            data += chunk
        s.close()
        if not data.split(b" ", 2)[1:2] == [b"200"]:
            failed += 1
        latencies.append((time.time() - started) * 1000)
    except OSError:
        failed += 1
        latencies.append(5000.0)
    time.sleep(0.05)
print("requests %d failed %d p50 %.1f ms max %.1f ms"
      % (len(latencies), failed, statistics.median(latencies), max(latencies)))
