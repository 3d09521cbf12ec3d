#!/usr/bin/env python3
"""An independent client of till's payment extensions (/instore), standard library only.

It knows nothing of till's code: it signs requests as payment-extensions-api.txt describes
(X-Signature = lowercase hex HMAC-SHA256 with the tenant's shared key, over the raw body of a
plain POST, over JSON.stringify(payload) of a stored-value envelope, over JSON.stringify of the
query parameters of a GET), runs its own callback receiver (which refuses the first attempts and
checks every callback's signature), and tries replays, forgeries and over-refunds.

    python3 instore_check.py --url http://127.0.0.1:7878 --tenant t1 --key KEY \
        [--wallet-barcode CODE] [--card 6036280000000029]

Prints one line per check and exits 0 only when every check held.
"""

import argparse
import hashlib
import hmac
import http.server
import json
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid

FAILURES = []


def check(name, ok, detail=""):
    print(("ok    " if ok else "FAIL  ") + name + ("" if ok else "  -- " + str(detail)[:400]))
    if not ok:
        FAILURES.append(name)


def stringify(value):
    """JSON.stringify: no whitespace, keys in insertion order, non-ASCII kept as is."""
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def sign(key, data):
    return hmac.new(key.encode(), data, hashlib.sha256).hexdigest()


class Client:
    def __init__(self, url, tenant, key):
        self.url, self.tenant, self.key = url.rstrip("/"), tenant, key

    def _send(self, req):
        try:
            with urllib.request.urlopen(req, timeout=60) as r:
                return r.status, dict(r.headers), json.loads(r.read() or b"null")
        except urllib.error.HTTPError as e:
            body = e.read()
            try:
                parsed = json.loads(body)
            except ValueError:
                parsed = body.decode(errors="replace")
            return e.code, dict(e.headers), parsed

    def post_raw(self, action, body, signature, extra=None):
        headers = {"Content-Type": "application/json", "X-Tenant-Id": self.tenant}
        if signature is not None:
            headers["X-Signature"] = signature
        headers.update(extra or {})
        req = urllib.request.Request(self.url + "/instore/" + action, data=body, headers=headers, method="POST")
        return self._send(req)

    def post(self, action, obj, extra=None):
        body = stringify(obj).encode()
        return self.post_raw(action, body, sign(self.key, body), extra)

    def get(self, path, query, signature=None):
        pairs = list(query)
        text = stringify(dict(pairs))
        sig = signature if signature is not None else sign(self.key, text.encode())
        qs = urllib.parse.urlencode(pairs)
        headers = {"X-Signature": sig, "X-Tenant-Id": self.tenant}
        req = urllib.request.Request(self.url + "/instore/" + path + ("?" + qs if qs else ""), headers=headers)
        return self._send(req)

    def envelope(self, action, payload, callback, key=None, tamper=None):
        """A stored-value envelope; `tamper` edits the payload after it was signed."""
        text = stringify(payload)
        sig = sign(key or self.key, text.encode())
        sent = dict(payload)
        if tamper:
            tamper(sent)
        env = {
            "payload_url": self.url + "/instore/" + action,
            "payload": sent,
            "verification_signature": sig,
            "tenant_id": self.tenant,
            "requestId": payload["requestId"],
            "callbackUrl": callback,
            "statusUrl": callback + "/status",
        }
        body = stringify(env).encode()
        corr = "py-" + payload["requestId"]
        return self.post_raw(action, body, sig, {"x-correlation-id": corr})


class Receiver(http.server.BaseHTTPRequestHandler):
    """Refuses the first `refuse` result posts with 503, then takes them; checks each signature."""

    lock = threading.Lock()
    got = []
    refuse = 2
    key = ""

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        sig = self.headers.get("X-Signature", "")
        good = hmac.compare_digest(sig, sign(Receiver.key, body))
        with Receiver.lock:
            is_result = self.path.endswith("/cb")
            refused = is_result and Receiver.refuse > 0
            if refused:
                Receiver.refuse -= 1
            Receiver.got.append({
                "path": self.path,
                "body": body,
                "signed": good,
                "corr": self.headers.get("x-correlation-id", ""),
                "accepted": not refused and good,
            })
        self.send_response(503 if refused else (200 if good else 401))
        self.end_headers()

    def log_message(self, *args):
        pass


def results(request_id):
    with Receiver.lock:
        out = []
        for g in Receiver.got:
            if g["path"].endswith("/cb") and g["accepted"]:
                v = json.loads(g["body"])
                if v.get("requestId") == request_id:
                    out.append(v)
        return out


def wait_result(request_id, count=1, seconds=60):
    deadline = time.time() + seconds
    while time.time() < deadline:
        r = results(request_id)
        if len(r) >= count:
            return r
        time.sleep(0.05)
    return results(request_id)


def rid(prefix):
    return prefix + "-" + uuid.uuid4().hex[:10]


def check_openapi(c):
    with urllib.request.urlopen(c.url + "/openapi.json", timeout=30) as r:
        doc = json.loads(r.read())
    paths = doc.get("paths", {})
    seed = [
        "initialize_credit_processor", "connect_card_reader", "payment_transaction/{transaction_id}",
        "credit_available_refund/{processor_id}", "capture_payment", "collect_credit_payment",
        "create_credit_refund", "cancel_credit_payment", "storedvaluecard", "storedvaluecard/{number}",
        "storedvaluecard_process", "storedvaluelog/{number}", "initialize_wallet", "pay_wallet",
        "available_wallet_refund", "cancel_wallet_payment", "log_cancel_wallet", "refund_wallet_payment",
        "payonaccount/process", "payonaccountlog",
    ]
    missing = [a for a in seed if "/instore/" + a not in paths]
    check("openapi.json documents every seed action", not missing, missing)
    schemas = doc.get("components", {}).get("schemas", {})
    check("openapi.json documents the callback body", "StoredValueCallback" in schemas, sorted(schemas)[:20])


def check_signatures(c):
    body = stringify({"processor": "Custom", "tenant_id": c.tenant}).encode()
    st, _, _ = c.post_raw("initialize_credit_processor", body, None)
    check("signature missing -> 401", st == 401, st)
    st, _, _ = c.post_raw("initialize_credit_processor", body, sign("not-the-key", body))
    check("signature with another key -> 401", st == 401, st)
    forged = body.replace(b"Custom", b"Cuxtom")
    st, _, _ = c.post_raw("initialize_credit_processor", forged, sign(c.key, body))
    check("one byte changed after signing -> 401", st == 401, st)
    st, h, r = c.post_raw("initialize_credit_processor", body, sign(c.key, body), {"x-correlation-id": "py-corr-1"})
    check("signed POST -> 200 Success", st == 200 and r.get("result") == "Success", (st, r))
    corr = {k.lower(): v for k, v in h.items()}.get("x-correlation-id")
    check("x-correlation-id echoed", corr == "py-corr-1", corr)


def check_card(c):
    ref = rid("py-card")
    collect = {"saleId": "py-sale", "testCard": "4242424242424242", "reference": ref, "cartKey": "cart-" + ref,
               "amount": {"amount": 4000, "precision": 2, "currency": "EUR"}, "tenant_id": c.tenant}
    body = stringify(collect).encode()
    st, _, first = c.post_raw("collect_credit_payment", body, sign(c.key, body))
    check("card collect approved", st == 200 and first.get("status") == "approved", (st, first))
    st, _, again = c.post_raw("collect_credit_payment", body, sign(c.key, body))
    check("card collect replay returns the first reply", st == 200 and again == first, again)
    bigger = body.replace(b'"amount":4000', b'"amount":9000')
    st, _, _ = c.post_raw("collect_credit_payment", bigger, sign(c.key, body))
    check("card collect with a forged amount -> 401", st == 401, st)
    pid = (first.get("data") or {}).get("processor_id", "")
    st, _, avail = c.get("credit_available_refund/" + pid, [])
    check("available refund = collected", st == 200 and avail["data"]["available"]["amount"] == 4000, avail)
    over = {"saleId": "py-sale", "reference": ref, "amount": "4001", "currency": "EUR", "refund_id": "o1"}
    st, _, r = c.post("create_credit_refund", over)
    check("card over-refund declined", st == 200 and r.get("result") == "Failure", r)
    part = {"saleId": "py-sale", "reference": ref, "amount": "2500", "currency": "EUR", "refund_id": "p1"}
    st, _, r1 = c.post("create_credit_refund", part)
    check("card partial refund", r1.get("result") == "Success", r1)
    st, _, r2 = c.post("create_credit_refund", part)
    check("card refund replay refunds once", r2 == r1, r2)
    rest = dict(part, amount="1501", refund_id="p2")
    st, _, r3 = c.post("create_credit_refund", rest)
    check("card refund past what is left declined", r3.get("result") == "Failure", r3)
    st, _, avail = c.get("credit_available_refund/" + pid, [])
    check("available refund after refunds", avail["data"]["available"]["amount"] == 1500, avail)
    st, _, _ = c.get("credit_available_refund/" + pid, [("x", "1")], signature=sign(c.key, b"{}"))
    check("GET with a changed query -> 401", st == 401, st)
    declined = dict(collect, reference=rid("py-dec"), testCard="4000000000000002")
    st, _, d = c.post("collect_credit_payment", declined)
    check("card decline", d.get("status") == "declined", d)


def sv_process(request_id, action, number, minor):
    return {"requestId": request_id, "locationId": "A1234", "workstationId": "PY-1", "action": action,
            "number": number, "amount": {"amount": minor, "precision": 2, "currency": "EUR"},
            "session_id": "py-session", "reference": "py-order"}


def balance_of(result):
    return ((result.get("data") or {}).get("balance") or {}).get("amount")


def check_stored_value(c, cb, card):
    look = rid("py-look")
    st, _, ack = c.envelope("storedvaluecard/" + card, {"requestId": look, "locationId": "A1234",
                                                        "number": card, "cartKey": "py-cart"}, cb)
    check("stored-value lookup acknowledged at once", st == 200 and ack == {"requestId": look}, (st, ack))
    got = wait_result(look)
    check("lookup result delivered after refused attempts", len(got) == 1 and got[0]["result"] == "Success", got)
    start = balance_of(got[0]) if got else None
    with Receiver.lock:
        mine = [g for g in Receiver.got if g["path"].endswith("/cb") and json.loads(g["body"]).get("requestId") == look]
    check("callbacks retried after refusals", len(mine) >= 2, len(mine))
    check("every callback signed with the tenant key", all(g["signed"] for g in mine), mine)
    check("callbacks carry x-correlation-id", all(g["corr"] == "py-" + look for g in mine), [g["corr"] for g in mine])

    red = rid("py-redeem")
    payload = sv_process(red, "Redeem", card, 500)
    st, _, ack = c.envelope("storedvaluecard_process", payload, cb)
    check("redeem acknowledged", ack == {"requestId": red}, ack)
    first = wait_result(red)
    ok = len(first) == 1 and first[0]["result"] == "Success" and balance_of(first[0]) == start - 500
    check("redeem applied", ok, first)
    st, _, ack = c.envelope("storedvaluecard_process", payload, cb)
    again = wait_result(red, 2)
    check("repeated requestId re-sends the same result", len(again) == 2 and again[1] == again[0], again)
    forged = rid("py-forged")
    st, _, _ = c.envelope("storedvaluecard_process", sv_process(forged, "Redeem", card, 1), cb,
                          tamper=lambda p: p.update(amount={"amount": 100, "precision": 2, "currency": "EUR"}))
    check("envelope payload changed after signing -> 401", st == 401, st)
    reordered = rid("py-reorder")
    p = sv_process(reordered, "Redeem", card, 1)
    st, _, _ = c.envelope("storedvaluecard_process", p, cb,
                          tamper=lambda q: (q.clear(), q.update(dict(reversed(list(p.items()))))))
    check("envelope payload re-ordered after signing -> 401", st == 401, st)
    over = rid("py-over")
    c.envelope("storedvaluecard_process", sv_process(over, "Redeem", card, 10_000_000), cb)
    r = wait_result(over)
    check("redeem of more than the balance fails", len(r) == 1 and r[0]["result"] == "Failure", r)
    data = first[0].get("data") or {} if first else {}
    can = rid("py-cancel")
    c.envelope("storedvaluecard_process", {"requestId": can, "locationId": "A1234", "action": "Cancel",
                                           "number": card,
                                           "external_transaction_id": data.get("external_transaction_id"),
                                           "external_payment_id": data.get("external_payment_id")}, cb)
    r = wait_result(can)
    check("cancel restores the balance", len(r) == 1 and balance_of(r[0]) == start, r)
    log = [("requestId", rid("py-log")), ("locationId", "A1234")]
    st, _, lg = c.get("storedvaluelog/" + card, log)
    check("storedvaluelog signed over the query", st == 200 and lg.get("result") == "Success", (st, lg))
    st, _, _ = c.get("storedvaluelog/" + card, [log[1], log[0]], signature=sign(c.key, stringify(dict(log)).encode()))
    check("storedvaluelog with the query re-ordered -> 401", st == 401, st)


def check_wallet(c, code):
    pay = {"barcode": code, "currency": "EUR", "total": 1000, "tip": 100, "pos_local_time": "2026-12-02 07:00:00",
           "note": "py"}
    st, _, first = c.post("pay_wallet", pay)
    check("wallet pay", first.get("result") == "Success" and first.get("code") == "00", first)
    st, _, again = c.post("pay_wallet", pay)
    check("wallet pay replay returns the first reply", again == first, again)
    tx = first.get("transaction_id")
    st, _, r = c.post("refund_wallet_payment", {"transaction_id": tx, "amount": 1101, "note": "over"})
    check("wallet over-refund declined", r.get("result") == "Failure", r)
    st, _, r = c.post("refund_wallet_payment", {"transaction_id": tx, "amount": 600, "note": "part"})
    check("wallet partial refund", r.get("result") == "Success", r)
    st, _, r = c.post("refund_wallet_payment", {"transaction_id": tx, "amount": 501, "note": "rest+1"})
    check("wallet refund past what is left declined", r.get("result") == "Failure", r)
    st, _, r = c.post("available_wallet_refund", {"transaction_id": tx, "pos_local_time": "2026-12-02 07:00:01"})
    check("wallet available refund", r.get("available") in (500, "500"), r)


def check_pay_on_account(c):
    number = rid("PY")
    amt = lambda m: {"amount": str(m), "precision": "2", "currency": "EUR"}
    st, _, r = c.post("payonaccount/process", {"action": "Create", "account_number": number, "company_name": "Py Ltd",
                                                "authorized_user_ids": ["u-py"], "credit_limit": amt(10000)})
    check("pay-on-account create", r.get("status") == "approved", r)
    charge = lambda order, user, m: {"action": "Create", "account_number": number, "company_name": "Py Ltd",
                                     "authorized_user_id": user, "amount": amt(m), "session_id": "s",
                                     "order_id": order, "status": "approved"}
    st, _, a = c.post("payonaccountlog", charge("o-1", "u-py", 6000))
    check("charge within the limit approved", a.get("status") == "approved", a)
    st, _, a2 = c.post("payonaccountlog", charge("o-1", "u-py", 6000))
    check("charge replay returns the first reply", a2 == a, a2)
    st, _, b = c.post("payonaccountlog", charge("o-2", "u-py", 4001))
    check("charge past the limit declined", b.get("status") == "declined", b)
    st, _, u = c.post("payonaccountlog", charge("o-3", "intruder", 1))
    check("charge by an unauthorised user declined", u.get("status") == "declined", u)
    st, _, q = c.post("payonaccount/process", {"action": "Inquiry", "account_number": number})
    check("inquiry shows one charge", (q.get("balance") or {}).get("amount") == "-6000", q)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--url", required=True)
    ap.add_argument("--tenant", required=True)
    ap.add_argument("--key", required=True)
    ap.add_argument("--wallet-barcode")
    ap.add_argument("--card", default="6036280000000029")
    a = ap.parse_args()
    c = Client(a.url, a.tenant, a.key)
    Receiver.key = a.key
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    cb = "http://127.0.0.1:%d/cb" % server.server_address[1]
    check_openapi(c)
    check_signatures(c)
    check_card(c)
    check_stored_value(c, cb, a.card)
    if a.wallet_barcode:
        check_wallet(c, a.wallet_barcode)
    check_pay_on_account(c)
    server.shutdown()
    print("%d check(s) failed" % len(FAILURES) if FAILURES else "all checks held")
    return 1 if FAILURES else 0


if __name__ == "__main__":
    sys.exit(main())
