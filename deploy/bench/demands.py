#!/usr/bin/env python3
"""demands.py URL TOKEN BODY_JSON N CONNECTIONS: N financing demands submitted over
CONNECTIONS keep-alive connections at once; prints "rate p50_ms p99_ms errors".
A count, not a duration as wrk runs: a day has 999 demand numbers (PO + date + 3 digits)."""
import http.client
import sys
import threading
import time
import urllib.parse

url, token, body, n, conns = sys.argv[1], sys.argv[2], sys.argv[3].encode(), int(sys.argv[4]), int(sys.argv[5])
u = urllib.parse.urlsplit(url)
lat, errors, lock = [], [0], threading.Lock()
left = [n]


def worker():
    c = http.client.HTTPConnection(u.hostname, u.port, timeout=30)
    headers = {"Authorization": "Bearer " + token, "Content-Type": "application/json"}
    while True:
        with lock:
            if left[0] == 0:
                break
            left[0] -= 1
        t = time.perf_counter()
        c.request("POST", u.path, body, headers)
        r = c.getresponse()
        r.read()
        dt = (time.perf_counter() - t) * 1000
        with lock:
            lat.append(dt)
            if r.status != 201:
                errors[0] += 1
    c.close()


threads = [threading.Thread(target=worker) for _ in range(conns)]
start = time.perf_counter()
for t in threads:
    t.start()
for t in threads:
    t.join()
elapsed = time.perf_counter() - start
lat.sort()
print("%.0f %.2f %.2f %d" % (len(lat) / elapsed, lat[len(lat) // 2], lat[int(len(lat) * 0.99) - 1], errors[0]))
