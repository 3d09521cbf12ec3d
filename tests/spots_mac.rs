//! MAC authentication over a real socket: the seed's ten example requests (their client, key,
//! host, port and clock), and forgeries: every field changed by one byte, the body changed after
//! signing, stale and future ts, a replayed nonce. Each refusal is a 401 in the seed's error shape
//! and changes nothing.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;
mod spots_util;

use serde_json::json;
use spots_util::{Cred, Signed, Spots, now};
use till::wire::mac;

const SEED_ID: &str = "wkVd93h2uS";
const SEED_KEY: &str = "IrdTc8uQodU7PRpLzzLTW6wqZAO6tAMU";
const SEED_TS: i64 = 1343811600;
const SEED_NONCE: &str = "nQnNaSNyubfPErjRO55yaaEYo9YZfKHN";
const BODY: &[u8] = b"{\n    \"transaction_key\": \"Pu5CPePCkm3TJPlkcbcshzkIlxeLU3WR\"\n}";

#[tokio::test]
async fn the_ten_example_requests_of_the_seed_are_let_in() {
    // The seed's merchant: location 3, signing for wallet.paysera.com:443 in 2012.
    let dir = common::DataDir::new();
    spots_util::spots_config(
        dir.path(),
        "location_id = 3\npublic_host = \"wallet.paysera.com\"\npublic_port = 443\nmac_window_seconds = 4000000000",
    );
    // Open the engine once so the schema and key file exist, then store the seed's client sealed.
    dir.till(&["mac-client", "create", "--name", "warm-up"]);
    let secrets = till::engine::secrets::Secrets::open_or_create(dir.path()).unwrap();
    {
        let conn = rusqlite::Connection::open(dir.path().join("till.sqlite")).unwrap();
        conn.execute(
            "INSERT INTO spots_clients (id, kind, name, sealed_key, location_id, wallet_id, created_at)
             VALUES (?1, 'merchant', 'seed', ?2, 3, NULL, 0)",
            rusqlite::params![SEED_ID, secrets.seal(SEED_KEY.as_bytes())],
        )
        .unwrap();
    }
    let s = Spots {
        server: dir.serve(),
        merchant: Cred { id: SEED_ID.into(), key: SEED_KEY.into(), wallet_id: None },
        customers: vec![],
    };
    let vectors: [(&str, &str, &[u8], &str); 10] = [
        ("GET", "/rest/v1/spot?code=PAYSERA*3%3ATABLE1", b"", "Fq2JdkPxXggdNUjjhMuMXD6TNxwyTC8bkG3bJGIx3L4="),
        ("GET", "/rest/v1/spot/1", b"", "BrESuxFsVum5GlD3Wt+IRZP9mMDDDSqP87EPy17ymD4="),
        ("PUT", "/rest/v1/spot/1/check-in", b"", "3C/sxDllC+4px0UdbtEtTavCqB6Er8lZbIkKtWlQ92U="),
        ("PUT", "/rest/v1/spot/1/check-out", b"", "owzKcU4miyJ8H43dm9m2PF9FoofWSJxF6bKBeIP43yY="),
        ("GET", "/rest/v1/order/52", b"", "bczsUDRIYRfi159d7eRH1NirKdVGbdkH8wn/mwyH4g0="),
        ("GET", "/rest/v1/spots?status=waiting&limit=3", b"", "Uawl/ym+bO801+pgQQlgSKXFyMulwcOUGqoWZAKKrhI="),
        ("PUT", "/rest/v1/spot/1/close", b"", "aiRHKuK/w48Xaxb9OiCcc1tQXK5zYIOk4L/mWwY0Wtc="),
        ("POST", "/rest/v1/spot/1/order", BODY, "ohPt7bbwTxtqXDnXLtRC82iI1EkPEwoVI1Ya9xMmDhc="),
        ("PUT", "/rest/v1/order/52", BODY, "rR/gwtiNhTSonuIgKXqJlMLLSBZfgjAgaahZLN4G43s="),
        ("DELETE", "/rest/v1/order/52", b"", "hQUsJo76gvf1SBfxBdOqOj4SMReoME3z8x+lI8zERqA="),
    ];
    let conn = rusqlite::Connection::open(s.server.data.path().join("till.sqlite")).unwrap();
    conn.busy_timeout(std::time::Duration::from_secs(5)).unwrap();
    for (i, (method, uri, body, m)) in vectors.into_iter().enumerate() {
        let signed = Signed {
            method: method.into(),
            uri: uri.into(),
            body: body.to_vec(),
            auth: mac::MacAuthorization {
                id: SEED_ID.into(),
                ts: SEED_TS.to_string(),
                nonce: SEED_NONCE.into(),
                mac: m.into(),
                ext: mac::body_ext(body),
            },
            host_header: Some("wallet.paysera.com".into()),
        };
        let (status, reply) = s.send(signed.clone()).await;
        assert_ne!(status, 401, "{method} {uri} was refused: {reply}");
        // All ten share one nonce: sent again, it is a replay.
        let (status, reply) = s.send(signed).await;
        assert_eq!((status, reply["error"].as_str()), (401, Some("unauthorized")), "replay of vector {i}");
        // Forget the nonce so the next vector (same nonce, another request) is judged on its MAC.
        conn.execute("DELETE FROM spots_nonces", []).unwrap();
    }
}

#[tokio::test]
async fn forgeries_are_refused_with_401_and_change_nothing() {
    let s = Spots::start(&["40.00"]);
    let (m, ann) = (&s.merchant, &s.customers[0]);
    let body = serde_json::to_vec(&json!({"payments": [{"description": "coffee", "price": 390}]})).unwrap();
    let port = s.port();
    let sign = |ts: i64| Signed::new(m, "POST", "/rest/v1/transaction", "127.0.0.1", port, &body, ts);

    // The untouched request goes through.
    let (st, t) = s.send(sign(now())).await;
    assert_eq!(st, 200);
    let key = t["transaction_key"].as_str().unwrap().to_string();
    let digest = common::ledger_digest(s.server.data.path());

    fn flip(s: &str) -> String {
        let mut b = s.as_bytes().to_vec();
        let last = b.len() - 1;
        b[last] = if b[last] == b'A' { b'B' } else { b'A' };
        String::from_utf8(b).unwrap()
    }
    let mut forgeries: Vec<(&str, Signed)> = Vec::new();
    let mut f = sign(now());
    f.auth.id = flip(&f.auth.id);
    forgeries.push(("id", f));
    let mut f = sign(now());
    f.auth.ts = (f.auth.ts.parse::<i64>().unwrap() - 1).to_string();
    forgeries.push(("ts", f));
    let mut f = sign(now());
    f.auth.nonce = flip(&f.auth.nonce);
    forgeries.push(("nonce", f));
    let mut f = sign(now());
    f.auth.mac = flip(&f.auth.mac[..f.auth.mac.len() - 1]) + "=";
    forgeries.push(("mac", f));
    let mut f = sign(now());
    f.auth.ext = f.auth.ext.replacen("body_hash=", "body_hash=A", 1);
    forgeries.push(("ext", f));
    // Signed as a GET, sent as a DELETE (which would revoke).
    let mut f = Signed::new(m, "GET", &format!("/rest/v1/transaction/{key}"), "127.0.0.1", port, b"", now());
    f.method = "DELETE".into();
    forgeries.push(("method", f));
    let mut f = sign(now());
    f.uri = "/rest/v1/transaction?x".into();
    forgeries.push(("uri", f));
    let mut f = sign(now());
    f.host_header = Some(format!("127.0.0.2:{port}"));
    forgeries.push(("host", f));
    let mut f = sign(now());
    f.host_header = Some(format!("127.0.0.1:{}", port.wrapping_add(1)));
    forgeries.push(("port", f));
    let mut f = sign(now());
    let last = f.body.len() - 2;
    f.body[last] = b' ';
    forgeries.push(("body after signing", f));
    let mut f = sign(now());
    f.auth.ext.clear();
    forgeries.push(("ext left out", f));
    forgeries.push(("stale ts", sign(now() - 301)));
    forgeries.push(("future ts", sign(now() + 301)));
    let mut f = sign(now());
    f.auth.mac = mac::mac(b"IrdTc8uQodU7PRpLzzLTW6wqZAO6tAMU", "x");
    forgeries.push(("another key", f));
    for (what, forged) in forgeries {
        let (st, e) = s.send(forged).await;
        assert_eq!((st, e["error"].as_str()), (401, Some("unauthorized")), "{what}: {e}");
        assert!(e["error_description"].as_str().is_some_and(|d| !d.is_empty()), "{what}");
    }

    // A replayed nonce: the same signed request twice.
    let once = sign(now());
    let (st, _) = s.send(once.clone()).await;
    assert_eq!(st, 200);
    let (st, e) = s.send(once).await;
    assert_eq!((st, e["error"].as_str()), (401, Some("unauthorized")));
    assert!(e["error_description"].as_str().unwrap().contains("nonce"));

    // No header, a bearer token, a malformed header.
    for header in [None, Some(format!("Bearer {}", s.server.token())), Some("MAC id=\"x\"".to_string())] {
        let mut req = s.server.http().get(s.server.url("/rest/v1/spots"));
        if let Some(h) = header {
            req = req.header("authorization", h);
        }
        let resp = req.send().await.unwrap();
        assert_eq!(resp.status(), 401);
        let e: serde_json::Value = resp.json().await.unwrap();
        assert_eq!(e["error"], "unauthorized");
    }

    // The forgeries created nothing: only the two good requests wrote transactions (no transfers).
    let after = common::ledger_digest(s.server.data.path());
    assert_eq!(after.transfers, digest.transfers);
    let (_, t) = s.call(m, "GET", &format!("/rest/v1/transaction/{key}"), None).await;
    assert_eq!(t["status"], "new");
    // A user client's valid MAC on a merchant route: authenticated, but forbidden.
    let (st, e) = s.call(ann, "GET", "/rest/v1/spots", None).await;
    assert_eq!((st, e["error"].as_str()), (403, Some("forbidden")));
    s.verify();
}
