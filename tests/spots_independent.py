#!/usr/bin/env python3
"""An independent client of /rest/v1 (wallet-spots-api.txt), written from the seed's description
alone with the Python standard library: it signs its own MAC requests, checks its signer against
the seed's example requests, plays one whole table visit as a customer and as the merchant, and
tries every forgery, each of which must be refused 401 (403 for the wrong kind of client) in the
seed's error shape and change nothing.

    python3 spots_independent.py CONFIG.json

CONFIG: {"host": "127.0.0.1", "port": 7878, "merchant": {"id": "...", "key": "..."},
         "guest": {"id": "...", "key": "...", "wallet_id": 1},   (holds at least 20.00)
         "poor": {"id": "...", "key": "...", "wallet_id": 2},    (holds less than 6.50)
         "location": 1, "table": "TABLE3", "spare_table": "TABLE4"}

Exits 0 when every check held; otherwise prints the first that did not and exits 1.
"""

import base64
import hashlib
import hmac
import http.client
import json
import os
import sys
import time
import urllib.parse


class Failed(Exception):
    pass


def check(cond, what, detail=""):
    if not cond:
        raise Failed(f"{what}{': ' + str(detail) if detail else ''}")


# ---- MAC, as the seed describes it ------------------------------------------------------------

def body_ext(body):
    """ext is body_hash=<url-encoded base64(SHA-256 of the raw body)> when there is a body."""
    if not body:
        return ""
    digest = base64.b64encode(hashlib.sha256(body).digest()).decode("ascii")
    return "body_hash=" + urllib.parse.quote(digest, safe="")


def mac(key, ts, nonce, method, uri, host, port, ext):
    """base64(HMAC-SHA256(key, ts\\nnonce\\nMETHOD\\nrequest-uri\\nhost\\nport\\next\\n))."""
    normalized = f"{ts}\n{nonce}\n{method}\n{uri}\n{host}\n{port}\n{ext}\n"
    return base64.b64encode(hmac.new(key.encode(), normalized.encode(), hashlib.sha256).digest()).decode("ascii")


def header(client_id, ts, nonce, mac_value, ext):
    h = f'MAC id="{client_id}", ts="{ts}", nonce="{nonce}", mac="{mac_value}"'
    if ext:
        h += f', ext="{ext}"'
    return h


def self_test():
    """The signer against the seed's example requests (key of client wkVd93h2uS)."""
    key, ts, nonce = "IrdTc8uQodU7PRpLzzLTW6wqZAO6tAMU", "1343811600", "nQnNaSNyubfPErjRO55yaaEYo9YZfKHN"
    host, port = "wallet.paysera.com", 443
    cases = [
        ("GET", "/rest/v1/spot?code=PAYSERA*3%3ATABLE1", b"", "Fq2JdkPxXggdNUjjhMuMXD6TNxwyTC8bkG3bJGIx3L4="),
        ("GET", "/rest/v1/spot/1", b"", "BrESuxFsVum5GlD3Wt+IRZP9mMDDDSqP87EPy17ymD4="),
        ("POST", "/rest/v1/spot/1/order",
         b'{\n    "transaction_key": "Pu5CPePCkm3TJPlkcbcshzkIlxeLU3WR"\n}',
         "ohPt7bbwTxtqXDnXLtRC82iI1EkPEwoVI1Ya9xMmDhc="),
        ("PUT", "/rest/v1/order/52",
         b'{\n    "transaction_key": "Pu5CPePCkm3TJPlkcbcshzkIlxeLU3WR"\n}',
         "rR/gwtiNhTSonuIgKXqJlMLLSBZfgjAgaahZLN4G43s="),
        ("DELETE", "/rest/v1/order/52", b"", "hQUsJo76gvf1SBfxBdOqOj4SMReoME3z8x+lI8zERqA="),
    ]
    for method, uri, body, want in cases:
        got = mac(key, ts, nonce, method, uri, host, port, body_ext(body))
        check(got == want, f"seed vector {method} {uri}", f"{got} != {want}")
    check(body_ext(cases[2][2]) == "body_hash=CGmZSkySf2IjkLaY8h1isHhIfV0s4zB45DtYKGYG1Ds%3D", "seed body hash")


# ---- the wire ---------------------------------------------------------------------------------

class Server:
    def __init__(self, host, port):
        self.host, self.port = host, port
        self.offset = 0

    def raw(self, method, uri, body=b"", authorization=None):
        conn = http.client.HTTPConnection(self.host, self.port, timeout=30)
        headers = {"Host": f"{self.host}:{self.port}", "User-Agent": "spots-independent.py"}
        if body:
            headers["Content-Type"] = "application/json;charset=utf-8"
        if authorization is not None:
            headers["Authorization"] = authorization
        conn.request(method, uri, body=body or None, headers=headers)
        resp = conn.getresponse()
        text = resp.read()
        conn.close()
        try:
            data = json.loads(text) if text else None
        except ValueError:
            raise Failed(f"{method} {uri}: reply is not JSON ({resp.status}): {text[:200]!r}")
        return resp.status, data

    def now(self):
        return int(time.time()) + self.offset

    def sync(self):
        """GET /rest/v1/server needs no authentication; sign with the server's clock."""
        status, data = self.raw("GET", "/rest/v1/server")
        check(status == 200 and isinstance(data.get("time"), int), "GET /rest/v1/server", data)
        self.offset = data["time"] - int(time.time())

    def signed(self, who, method, uri, body=b"", **tweak):
        """A request signed for `who`; `tweak` changes one part of what is signed or sent."""
        ts = str(tweak.get("ts", self.now()))
        nonce = tweak.get("nonce", base64.b64encode(os.urandom(24)).decode("ascii").replace("+", "A").replace("/", "B"))
        sign_method = tweak.get("sign_method", method)
        sign_uri = tweak.get("sign_uri", uri)
        sign_host = tweak.get("sign_host", self.host)
        sign_port = tweak.get("sign_port", self.port)
        sign_body = tweak.get("sign_body", body)
        key = tweak.get("key", who["key"])
        ext = tweak.get("ext", body_ext(sign_body))
        m = mac(key, ts, nonce, sign_method, sign_uri, sign_host, sign_port, ext)
        if tweak.get("flip_mac"):
            m = ("B" if m[0] != "B" else "C") + m[1:]
        client_id = tweak.get("id", who["id"])
        auth = header(client_id, tweak.get("send_ts", ts), tweak.get("send_nonce", nonce), m, ext)
        status, data = self.raw(method, uri, body, auth)
        return status, data, auth

    def call(self, who, method, uri, payload=None, want=200):
        body = json.dumps(payload).encode() if payload is not None else b""
        status, data, _ = self.signed(who, method, uri, body)
        check(status == want, f"{method} {uri} answered {status}, expected {want}", data)
        if want >= 400:
            error_shape(data, f"{method} {uri}")
        return data


def error_shape(data, what):
    check(isinstance(data, dict) and isinstance(data.get("error"), str) and isinstance(data.get("error_description"), str),
          f"{what}: not the seed's error shape", data)


def one_byte(s):
    """The same string with its last character changed (still printable)."""
    last = s[-1]
    return s[:-1] + ("B" if last != "B" else "C")


# ---- the table visit --------------------------------------------------------------------------

def balance(srv, who):
    b = srv.call(who, "GET", f"/rest/v1/wallet/{who['wallet_id']}/balance")
    eur = b["EUR"]
    check(eur["at_disposal_decimal"] == f"{eur['at_disposal'] // 100}.{eur['at_disposal'] % 100:02d}",
          "at_disposal_decimal agrees with at_disposal", eur)
    return eur["at_disposal"], eur["reserved"]


def visit(srv, cfg):
    guest, poor, merchant = cfg["guest"], cfg["poor"], cfg["merchant"]
    code = urllib.parse.quote(f"PAYSERA*{cfg['location']}:{cfg['table']}", safe="")
    spot = srv.call(guest, "GET", f"/rest/v1/spot?code={code}")
    spot_id = spot["id"]
    check(spot["status"] == "closed", "a free table is closed", spot)
    check(spot.get("identifier") is None, "a user client does not see the identifier", spot)
    spot = srv.call(guest, "PUT", f"/rest/v1/spot/{spot_id}/check-in")
    check(spot["status"] == "waiting", "check-in: closed -> waiting", spot)

    page = srv.call(merchant, "GET", "/rest/v1/spots?status=waiting&limit=50&offset=0")
    check("_metadata" in page, "GET /spots has _metadata", page)
    mine = [s for s in page.get("spots", []) if s["id"] == spot_id]
    check(len(mine) == 1 and mine[0].get("identifier") == cfg["table"], "the merchant sees the waiting table", page)

    # The bill: 4.20 as a decimal string, 2.30 in minor units.
    order = srv.call(merchant, "POST", f"/rest/v1/spot/{spot_id}/order", {"transaction": {"payments": [
        {"description": "Soup", "price_decimal": "4.20", "currency": "EUR"},
        {"description": "Tea", "price": 230, "currency": "EUR"}]}})
    order_id, key = order["id"], order["transaction_key"]
    check(order["status"] == "pending", "a new order is pending", order)
    spot = srv.call(guest, "GET", f"/rest/v1/spot/{spot_id}")
    check(spot["status"] == "opened", "the first order opens the spot", spot)
    check(any(o["id"] == order_id for o in spot.get("orders", [])), "the checked-in guest sees the order", spot)
    seen = srv.call(guest, "GET", f"/rest/v1/order/{order_id}")
    check(seen["transaction_key"] == key, "GET /order names its transaction", seen)
    txn = srv.call(guest, "GET", f"/rest/v1/transaction/{key}")
    check(txn["status"] == "new" and sum(p["price"] for p in txn["payments"]) == 650, "the transaction is new, 6.50", txn)

    # Too little in the wallet: refused, nothing reserved.
    poor_before = balance(srv, poor)
    srv.call(poor, "PUT", f"/rest/v1/transaction/{key}/reserve", want=409)
    check(balance(srv, poor) == poor_before, "a refused reserve changes nothing")

    before = balance(srv, guest)
    txn = srv.call(guest, "PUT", f"/rest/v1/transaction/{key}/reserve")
    check(txn["status"] == "reserved", "reserve -> reserved", txn)
    check(balance(srv, guest) == (before[0] - 650, before[1] + 650), "6.50 reserved in the wallet")
    srv.call(guest, "PUT", f"/rest/v1/transaction/{key}/reserve", want=409)
    check(balance(srv, guest) == (before[0] - 650, before[1] + 650), "reserving twice changes nothing")
    check(srv.call(merchant, "GET", f"/rest/v1/order/{order_id}")["status"] == "reserved", "the order follows: reserved")

    # The merchant confirms, lowering the soup to 4.00.
    soup = next(p for p in txn["payments"] if p["description"] == "Soup")
    txn = srv.call(merchant, "PUT", f"/rest/v1/transaction/{key}/confirm",
                   {str(soup["id"]): {"price": 400, "currency": "EUR"}})
    check(txn["status"] == "confirmed", "confirm -> confirmed", txn)
    check(sum(p["price"] for p in txn["payments"]) == 630, "confirmed for 6.30", txn)
    check(balance(srv, guest) == (before[0] - 630, before[1]), "6.30 taken, nothing left reserved")
    srv.call(merchant, "PUT", f"/rest/v1/transaction/{key}/confirm", want=409)
    srv.call(merchant, "DELETE", f"/rest/v1/transaction/{key}", want=409)
    check(balance(srv, guest) == (before[0] - 630, before[1]), "confirming or revoking again changes nothing")
    check(srv.call(guest, "GET", f"/rest/v1/order/{order_id}")["status"] == "confirmed", "the order is paid")

    spot = srv.call(guest, "PUT", f"/rest/v1/spot/{spot_id}/check-out")
    check(spot["status"] == "opened", "a table with a bill stays opened after check-out", spot)
    spot = srv.call(merchant, "PUT", f"/rest/v1/spot/{spot_id}/close")
    check(spot["status"] == "closed", "the merchant closes the table", spot)


# ---- forgeries --------------------------------------------------------------------------------

def refused(srv, what, status, data, want=401):
    check(status == want, f"forgery '{what}' answered {status}, expected {want}", data)
    error_shape(data, f"forgery '{what}'")
    check(data["error"] == ("unauthorized" if want == 401 else "forbidden"), f"forgery '{what}' error code", data)


def forgeries(srv, cfg):
    guest, merchant = cfg["guest"], cfg["merchant"]
    code = urllib.parse.quote(f"PAYSERA*{cfg['location']}:{cfg['spare_table']}", safe="")
    spare = srv.call(merchant, "GET", f"/rest/v1/spot?code={code}")
    check(spare["status"] == "closed", "the spare table starts closed", spare)
    uri = f"/rest/v1/spot/{spare['id']}/check-in"
    now = srv.now()
    cases = [
        ("id changed", {"id": one_byte(guest["id"])}),
        ("ts changed after signing", {"send_ts": str(now + 1)}),
        ("nonce changed after signing", {"send_nonce": "forged-nonce-value"}),
        ("mac changed by one byte", {"flip_mac": True}),
        ("wrong key", {"key": one_byte(guest["key"])}),
        ("signed for another method", {"sign_method": "GET"}),
        ("signed for another uri", {"sign_uri": uri.replace("check-in", "check-out")}),
        ("signed for another host", {"sign_host": "wallet.example.com"}),
        ("signed for another port", {"sign_port": srv.port + 1}),
        ("ts 400 s in the past", {"ts": now - 400}),
        ("ts 400 s in the future", {"ts": now + 400}),
    ]
    for what, tweak in cases:
        status, data, _ = srv.signed(guest, "PUT", uri, **tweak)
        refused(srv, what, status, data)
    status, data = srv.raw("PUT", uri)
    refused(srv, "no Authorization", status, data)
    status, data = srv.raw("PUT", uri, authorization="Bearer abc")
    refused(srv, "not a MAC header", status, data)

    # A replayed request: the first is taken, the same bytes again are refused.
    status, data, auth = srv.signed(guest, "PUT", uri)
    check(status == 200 and data["status"] == "waiting", "the genuine check-in", data)
    status, data = srv.raw("PUT", uri, authorization=auth)
    refused(srv, "replayed nonce", status, data)
    srv.call(guest, "PUT", f"/rest/v1/spot/{spare['id']}/check-out")

    # A body changed after signing, and a body without its hash: refused, no order made.
    order_uri = f"/rest/v1/spot/{spare['id']}/order"
    signed_body = json.dumps({"transaction": {"payments": [{"description": "Water", "price": 100, "currency": "EUR"}]}}).encode()
    sent_body = signed_body.replace(b"100", b"1")
    status, data, _ = srv.signed(merchant, "POST", order_uri, sent_body, sign_body=signed_body)
    refused(srv, "body changed after signing", status, data)
    status, data, _ = srv.signed(merchant, "POST", order_uri, signed_body, ext="")
    refused(srv, "body without body_hash", status, data)
    spot = srv.call(merchant, "GET", f"/rest/v1/spot/{spare['id']}")
    check(spot["status"] == "closed" and not spot.get("orders"), "no forgery changed the spare table", spot)

    # The wrong kind of client: 403.
    key = srv.call(merchant, "POST", "/rest/v1/transaction",
                   {"payments": [{"description": "x", "price": 100, "currency": "EUR"}]})["transaction_key"]
    status, data, _ = srv.signed(merchant, "PUT", f"/rest/v1/transaction/{key}/reserve")
    refused(srv, "a merchant client reserving", status, data, want=403)
    status, data, _ = srv.signed(guest, "POST", order_uri, signed_body)
    refused(srv, "a user client putting an order", status, data, want=403)
    status, data, _ = srv.signed(guest, "PUT", f"/rest/v1/spot/{spare['id']}/close")
    refused(srv, "a user client closing a spot", status, data, want=403)
    status, data, _ = srv.signed(guest, "GET", "/rest/v1/spots")
    refused(srv, "a user client listing spots", status, data, want=403)
    srv.call(merchant, "DELETE", f"/rest/v1/transaction/{key}")


def main():
    if len(sys.argv) != 2:
        print(__doc__)
        return 2
    with open(sys.argv[1], encoding="utf-8") as f:
        cfg = json.load(f)
    srv = Server(cfg["host"], cfg["port"])
    steps = [("seed vectors", self_test), ("server clock", srv.sync),
             ("table visit", lambda: visit(srv, cfg)), ("forgeries", lambda: forgeries(srv, cfg))]
    for name, step in steps:
        try:
            step()
        except Failed as e:
            print(f"FAILED in {name}: {e}")
            return 1
        print(f"ok: {name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
