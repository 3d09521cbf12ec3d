//! `X-Signature` over a real socket: missing, wrong key, one byte changed, an envelope whose
//! payload is re-ordered or re-spaced, a GET whose query changed, the API key, unknown tenants;
//! every refusal is 401 and changes nothing. Also: `x-correlation-id` is echoed.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;
mod instore_util;

use common::{DataDir, ledger_digest};
use instore_util::*;
use serde_json::json;

fn collect_bytes() -> Vec<u8> {
    br#"{"reference":"sig-1","cartKey":"c-1","amount":{"amount":1500,"precision":2,"currency":"EUR"},"tenant_id":"t1"}"#
        .to_vec()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn plain_posts_need_the_right_signature_over_the_raw_body() {
    let s = start("");
    let body = collect_bytes();
    let before = ledger_digest(s.server.data.path());
    let path = "/instore/collect_credit_payment";

    let missing = s.raw(path, &body, &[]).await;
    assert_eq!(missing.status, 401);
    assert_eq!(missing.body["result"], "Failure");
    assert_eq!(missing.body["code"], "unauthorized");

    let wrong_key = hmac_hex("not-the-key", &body);
    let r = s.raw(path, &body, &[("X-Signature", wrong_key)]).await;
    assert_eq!(r.status, 401);

    let good = hmac_hex(&s.tenant.key, &body);
    let mut changed = body.clone();
    let at = changed.windows(4).position(|w| w == b"1500").expect("amount");
    changed[at] = b'9';
    let r = s.raw(path, &changed, &[("X-Signature", good.clone())]).await;
    assert_eq!(r.status, 401, "one byte changed");
    let r = s.raw(path, &body, &[("X-Signature", good[..63].to_string())]).await;
    assert_eq!(r.status, 401, "a truncated signature");
    assert_eq!(ledger_digest(s.server.data.path()), before, "refusals change nothing");

    // The right one, in upper case too (hex compares case-insensitively), with the correlation id echoed.
    let r = s.raw(path, &body, &[("X-Signature", good.to_uppercase()), ("x-correlation-id", "abc-123".into())]).await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(r.body["result"], "Success");
    assert_eq!(r.headers["x-correlation-id"], "abc-123");
    // Without a correlation id one is made up and echoed.
    let r = s.raw(path, &body, &[("X-Signature", good)]).await;
    assert!(r.headers["x-correlation-id"].to_str().unwrap().starts_with("till-"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn envelopes_are_signed_over_json_stringify_of_the_payload() {
    let s = start("");
    let receiver = Receiver::default();
    let cb = receiver.start().await;
    let path = "/instore/storedvaluecard/6036280000000011";
    let payload =
        r#"{"requestId":"env-1","locationId":"A1234","number":"6036280000000011","cartKey":"c","pin":"1234"}"#;
    let before = ledger_digest(s.server.data.path());

    // Signed over the compact payload, sent pretty-printed in the same key order: accepted.
    let sig = hmac_hex(&s.tenant.key, payload.as_bytes());
    let pretty = "{\n  \"requestId\": \"env-1\",\n  \"locationId\": \"A1234\",\n  \"number\": \"6036280000000011\",\n  \"cartKey\": \"c\",\n  \"pin\": \"1234\"\n}";
    let body = envelope_text(pretty, &sig, "t1", "env-1", &cb);
    let r = s.raw(path, body.as_bytes(), &[("X-Signature", sig.clone())]).await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(r.body, json!({"requestId": "env-1"}));

    // The same payload with its keys re-ordered is not what was signed.
    let reordered =
        r#"{"locationId":"A1234","requestId":"env-2","number":"6036280000000011","cartKey":"c","pin":"1234"}"#;
    let signed_order =
        r#"{"requestId":"env-2","locationId":"A1234","number":"6036280000000011","cartKey":"c","pin":"1234"}"#;
    let sig2 = hmac_hex(&s.tenant.key, signed_order.as_bytes());
    let body = envelope_text(reordered, &sig2, "t1", "env-2", &cb);
    let r = s.raw(path, body.as_bytes(), &[("X-Signature", sig2.clone())]).await;
    assert_eq!(r.status, 401);
    // A signature over the whole envelope instead of the payload is refused too.
    let body = envelope_text(signed_order, &sig2, "t1", "env-2", &cb);
    let whole = hmac_hex(&s.tenant.key, body.as_bytes());
    let r = s.raw(path, body.as_bytes(), &[("X-Signature", whole)]).await;
    assert_eq!(r.status, 401);
    // verification_signature must agree with the header.
    let body = envelope_text(signed_order, &"0".repeat(64), "t1", "env-2", &cb);
    let r = s.raw(path, body.as_bytes(), &[("X-Signature", sig2)]).await;
    assert_eq!(r.status, 401);

    let got = receiver.result("env-1").await;
    assert_eq!(got["result"], "Success");
    assert!(receiver.results_for("env-2").is_empty());
    assert_eq!(ledger_digest(s.server.data.path()).transfers, before.transfers);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn gets_are_signed_over_the_query_in_its_order() {
    let s = start("");
    let path = "/instore/storedvaluelog/6036280000000011";
    let q = [("requestId", "log-1"), ("locationId", "A1234")];
    let r = s.get(path, &q).await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(r.body["result"], "Success");
    let sig = hmac_hex(&s.tenant.key, stringify(&q).as_bytes());
    let changed = [("requestId", "log-1"), ("locationId", "B9999")];
    assert_eq!(s.get_signed(path, &changed, &sig).await.status, 401, "query changed");
    let reordered = [("locationId", "A1234"), ("requestId", "log-1")];
    assert_eq!(s.get_signed(path, &reordered, &sig).await.status, 401, "query re-ordered");
    let added = [("requestId", "log-1"), ("locationId", "A1234"), ("workstationId", "POS-1")];
    assert_eq!(s.get_signed(path, &added, &sig).await.status, 401, "parameter added");
    let r = s.http().get(s.server.url(path)).query(&q).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 401, "missing");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn api_key_and_tenant_are_checked() {
    let dir = DataDir::new();
    let t1 = create_tenant(&dir, "t1", &[]);
    let t2 = create_tenant(&dir, "t2", &["--api-key", "sesame"]);
    let s = Instore { server: dir.serve(), tenant: t1.clone() };
    let path = "/instore/initialize_credit_processor";
    let body = br#"{"processor":"Custom","tenant_id":"t2"}"#;
    let sig2 = hmac_hex(&t2.key, body);
    let r = s.raw(path, body, &[("X-Signature", sig2.clone())]).await;
    assert_eq!(r.status, 401, "API key missing");
    let r = s.raw(path, body, &[("X-Signature", sig2.clone()), ("X-API-Key", "open".into())]).await;
    assert_eq!(r.status, 401, "API key wrong");
    let r = s.raw(path, body, &[("X-Signature", sig2), ("X-API-Key", "sesame".into())]).await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    // t1's key does not sign for t2, and an unknown tenant is refused.
    let r = s.raw(path, body, &[("X-Signature", hmac_hex(&t1.key, body))]).await;
    assert_eq!(r.status, 401);
    let unknown = br#"{"processor":"Custom","tenant_id":"t9"}"#;
    let r = s.raw(path, unknown, &[("X-Signature", hmac_hex(&t1.key, unknown))]).await;
    assert_eq!(r.status, 401);
    // With two tenants a request must name one (body tenant_id or X-Tenant-Id).
    let anon = br#"{"processor":"Custom"}"#;
    let r = s.raw(path, anon, &[("X-Signature", hmac_hex(&t1.key, anon))]).await;
    assert_eq!(r.status, 401);
    let r = s.raw(path, anon, &[("X-Signature", hmac_hex(&t1.key, anon)), ("X-Tenant-Id", "t1".into())]).await;
    assert_eq!(r.status, 200);
    // Rotating a key (till extension create again) retires the old one.
    let rotated = create_tenant(&s.server.data, "t1", &[]);
    assert_ne!(rotated.key, t1.key);
    let r = s.raw(path, anon, &[("X-Signature", hmac_hex(&t1.key, anon)), ("X-Tenant-Id", "t1".into())]).await;
    assert_eq!(r.status, 401);
    // Keys are kept sealed: the database file holds no key in the clear.
    let db = std::fs::read(s.server.data.path().join("till.sqlite")).unwrap();
    let wal = std::fs::read(s.server.data.path().join("till.sqlite-wal")).unwrap_or_default();
    for k in [&rotated.key, &t2.key] {
        assert!(!db.windows(k.len()).any(|w| w == k.as_bytes()) && !wal.windows(k.len()).any(|w| w == k.as_bytes()));
    }
}
