"""Schemathesis hooks: sign each generated request the way its surface demands, so generated data
gets past authentication and reaches the handlers (and, with the documented examples, their
success paths) instead of stopping at 401.

Loaded by `.ci/schemathesis` through SCHEMATHESIS_HOOKS. Which scheme applies is read from the
environment the script sets for that run:

- ST_MAC_ID / ST_MAC_KEY: `/rest/v1` MAC (wallet-spots-api.txt): HMAC-SHA256 over
  `ts\\nnonce\\nMETHOD\\nrequest-uri\\nhost\\nport\\next\\n`, ext = body_hash of the raw body;
- ST_TENANT / ST_TENANT_KEY: `/instore` X-Signature (payment-extensions-api.txt): lowercase hex
  HMAC-SHA256 over the raw body of a POST, over JSON.stringify(payload) of a stored-value
  envelope, over JSON.stringify of the query parameters of a GET.

The body is serialized here, once, to the bytes that are signed and sent (set back on the case as
bytes), so what is signed is exactly what goes on the wire.
"""

import base64
import hashlib
import hmac
import json
import os
import time
import urllib.parse

import requests
import schemathesis


def _raw_body(case):
    """The bytes the request will carry, or b"" when it has none."""
    body = getattr(case, "body", None)
    if body is None or type(body).__name__ == "NotSet":
        return b""
    if isinstance(body, bytes):
        return body
    try:
        raw = json.dumps(body, allow_nan=False).encode("utf-8")
    except (TypeError, ValueError):
        return b""
    case.body = raw
    return raw


def _final_url(case):
    """Path and query as requests will send them (the MAC covers the request-uri)."""
    kwargs = case.as_transport_kwargs(base_url=case.operation.base_url)
    prepared = requests.Request(kwargs["method"], kwargs["url"], params=kwargs.get("params")).prepare()
    return prepared.url, prepared.path_url


def _mac(case, client_id, key):
    raw = _raw_body(case)
    url, uri = _final_url(case)
    parts = urllib.parse.urlsplit(url)
    host = parts.hostname or ""
    port = parts.port or (443 if parts.scheme == "https" else 80)
    ext = ""
    if raw:
        digest = base64.b64encode(hashlib.sha256(raw).digest()).decode("ascii")
        ext = "body_hash=" + urllib.parse.quote(digest, safe="")
    ts = str(int(time.time()))
    nonce = base64.urlsafe_b64encode(os.urandom(24)).decode("ascii").rstrip("=")
    normalized = f"{ts}\n{nonce}\n{case.method.upper()}\n{uri}\n{host}\n{port}\n{ext}\n"
    mac = base64.b64encode(hmac.new(key.encode(), normalized.encode(), hashlib.sha256).digest()).decode("ascii")
    header = f'MAC id="{client_id}", ts="{ts}", nonce="{nonce}", mac="{mac}"'
    if ext:
        header += f', ext="{ext}"'
    case.headers = dict(case.headers or {})
    case.headers["Authorization"] = header


def _stringify(value):
    """JSON.stringify: no whitespace, keys in order, non-ASCII as is."""
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def _instore(case, tenant, key):
    case.headers = dict(case.headers or {})
    case.headers.setdefault("X-Tenant-Id", tenant)
    # A tenant named in the request is the one that signs: name ours, or the request is refused
    # as from an unknown tenant before the handler sees it.
    if isinstance(case.body, dict) and "tenant_id" in case.body:
        case.body["tenant_id"] = tenant
    if isinstance(case.query, dict) and "tenant_id" in case.query:
        case.query["tenant_id"] = tenant
    if case.method.upper() == "GET":
        _, uri = _final_url(case)
        pairs = urllib.parse.parse_qsl(urllib.parse.urlsplit(uri).query, keep_blank_values=True)
        signed = _stringify(dict(pairs)).encode("utf-8")
    else:
        raw = _raw_body(case)
        signed = raw
        try:
            parsed = json.loads(raw) if raw else None
        except ValueError:
            parsed = None
        # A stored-value envelope signs its payload, not the whole body.
        # The server also takes the payload without whitespace, which is what this gives for the
        # body as serialized above (ASCII escapes kept, keys in order).
        if isinstance(parsed, dict) and "payload" in parsed and case.path.startswith("/instore/storedvaluecard"):
            signed = json.dumps(parsed["payload"], separators=(",", ":"), allow_nan=False).encode("utf-8")
    signature = hmac.new(key.encode(), signed, hashlib.sha256).hexdigest()
    case.headers["X-Signature"] = signature
    if isinstance(parsed_envelope := _envelope(case), dict) and "verification_signature" in parsed_envelope:
        # The envelope repeats the signature; it is outside the signed payload, so it can be set now.
        parsed_envelope["verification_signature"] = signature
        case.body = json.dumps(parsed_envelope, allow_nan=False).encode("utf-8")


def _envelope(case):
    if case.method.upper() == "GET" or not isinstance(case.body, bytes):
        return None
    try:
        return json.loads(case.body)
    except ValueError:
        return None


@schemathesis.hook
def before_call(context, case, kwargs):
    path = case.path
    if path.startswith("/rest/v1/") and path != "/rest/v1/server" and os.environ.get("ST_MAC_ID"):
        _mac(case, os.environ["ST_MAC_ID"], os.environ["ST_MAC_KEY"])
    elif path.startswith("/instore/") and os.environ.get("ST_TENANT"):
        _instore(case, os.environ["ST_TENANT"], os.environ["ST_TENANT_KEY"])


# What the server answered, by status, written at exit to ST_TALLY: `.ci/schemathesis` prints it
# and fails a signed surface whose requests were mostly refused as unauthenticated (the signing
# would then have drifted from the server's).
_TALLY = {}


@schemathesis.hook
def after_call(context, case, response):
    _TALLY[response.status_code] = _TALLY.get(response.status_code, 0) + 1
    if response.status_code == 401 and os.environ.get("ST_DEBUG"):
        print(f"401 {case.method} {case.path}: {response.text[:160]}", flush=True)


def _write_tally():
    target = os.environ.get("ST_TALLY")
    if target:
        with open(target, "w") as f:
            json.dump({str(k): v for k, v in sorted(_TALLY.items())}, f)


import atexit  # noqa: E402

atexit.register(_write_tally)
