#!/usr/bin/env python3
"""bills.py BASE ENT_TOKEN FUNDER_TOKEN ACCOUNT_ID FUNDER_ID N CONNECTIONS: N bill inquiries
made first (not timed), then each quoted by the funder and confirmed by the enterprise over
CONNECTIONS keep-alive connections at once; prints "rate p50_ms p99_ms errors" of the
quote + confirm pairs. A count, not a duration: a day has 999 order numbers (BF + date +
3 digits)."""
import datetime
import http.client
import json
import sys
import threading
import time
import urllib.parse
import uuid

base, ent, funder, account, funder_id = sys.argv[1:6]
n, conns = int(sys.argv[6]), int(sys.argv[7])
u = urllib.parse.urlsplit(base)
today = (datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(hours=8)).date()
PNG = bytes.fromhex("89504e470d0a1a0a0000000d494844520000000100000001080200000090775308")
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def multipart(fields, files):
    b = "bench-" + uuid.uuid4().hex
    out = []
    for k, v in fields:
        out.append(("--%s\r\nContent-Disposition: form-data; name=\"%s\"\r\n\r\n%s\r\n" % (b, k, v)).encode())
    for k, name, ctype, data in files:
        out.append(("--%s\r\nContent-Disposition: form-data; name=\"%s\"; filename=\"%s\"\r\n"
                    "Content-Type: %s\r\n\r\n" % (b, k, name, ctype)).encode() + data + b"\r\n")
    out.append(("--%s--\r\n" % b).encode())
    return b"".join(out), "multipart/form-data; boundary=" + b


def call(c, method, path, token, body, ctype):
    c.request(method, path, body, {"Authorization": "Bearer " + token, "Content-Type": ctype,
                                   "Idempotency-Key": uuid.uuid4().hex})
    r = c.getresponse()
    return r.status, r.read()


def pool(job):
    threads = [threading.Thread(target=job) for _ in range(conns)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()


lock, orders, left = threading.Lock(), [], [n]


def take():
    with lock:
        if left[0] == 0:
            return False
        left[0] -= 1
        return True


def inquire():
    c = http.client.HTTPConnection(u.hostname, u.port, timeout=30)
    fields = [("bill_package_no", "210210009999620240105000000010"),
              ("acceptor_name", "测试承兑一号实业有限公司"), ("acceptor_type", "enterprise"),
              ("face_fen", "20000000"), ("issue_date", str(today - datetime.timedelta(days=10))),
              ("due_date", str(today + datetime.timedelta(days=90))), ("drawer", "压测出票有限公司"),
              ("payee", "压测商票有限公司"), ("sub_range", "1-20000000"), ("funder_id", funder_id)]
    while take():
        body, ctype = multipart(fields, [("front", "front.png", "image/png", PNG)])
        st, out = call(c, "POST", "/api/v1/enterprise/bill-orders", ent, body, ctype)
        if st != 201:
            sys.stderr.write("inquiry %d %s\n" % (st, out[:300]))
            continue
        with lock:
            orders.append(json.loads(out)["id"])
    c.close()


lat, errors = [], [0]


def quote_confirm():
    c = http.client.HTTPConnection(u.hostname, u.port, timeout=30)
    quote = json.dumps({"rate_bp": 300, "adjust_days": 0, "fee_fen": 0, "valid_minutes": 120}).encode()
    while True:
        with lock:
            if not orders:
                break
            oid = orders.pop()
        t = time.perf_counter()
        st, out = call(c, "POST", "/api/v1/institution/bill-orders/%s/quotes" % oid, funder, quote,
                       "application/json")
        ok = st == 201
        if ok:
            qid = json.loads(out)["quotes"][0]["id"]
            body, ctype = multipart([("quote_id", qid), ("receiving_account_id", account)],
                                    [("contract", "contract.pdf", "application/pdf", PDF),
                                     ("invoice", "invoice.png", "image/png", PNG)])
            st, out = call(c, "POST", "/api/v1/enterprise/bill-orders/%s/confirmation" % oid, ent, body, ctype)
            ok = st == 200
        dt = (time.perf_counter() - t) * 1000
        with lock:
            lat.append(dt)
            if not ok:
                errors[0] += 1
                sys.stderr.write("quote/confirm %d %s\n" % (st, out[:300]))
    c.close()


pool(inquire)
if not orders:
    sys.exit("no inquiry was made")
start = time.perf_counter()
pool(quote_confirm)
elapsed = time.perf_counter() - start
lat.sort()
print("%.0f %.2f %.2f %d" % (len(lat) / elapsed, lat[len(lat) // 2], lat[int(len(lat) * 0.99) - 1], errors[0]))
