//! The outbox never reaches where it must not (issue 15.4), over real sockets: webhook URLs
//! pointing at metadata, loopback, this server or carrying credentials are refused when stored;
//! at delivery a name is resolved through the guard, so a name that leads to a refused address
//! (DNS rebinding) gets no connection at all; redirects are never followed; what the allow-list
//! lets through is delivered, signed.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use common::TestServer;
use serde_json::{Value, json};
use till::engine::outbox::{self, Message, Retry, Signing};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

async fn subscribe(server: &TestServer, url: &str) -> (u16, Value) {
    let resp = server
        .http()
        .post(server.url("/v1/webhooks"))
        .bearer_auth(server.token())
        .header("Idempotency-Key", format!("k-{:x}", rand::random::<u64>()))
        .json(&json!({"url": url, "events": ["*"]}))
        .send()
        .await
        .unwrap();
    let status = resp.status().as_u16();
    (status, resp.json().await.unwrap())
}

#[tokio::test]
async fn webhook_urls_to_internal_addresses_or_with_credentials_are_refused() {
    let server = TestServer::start();
    let own = server.url("/gift/redeem.json");
    for url in [
        "http://169.254.169.254/latest/meta-data/iam/security-credentials/",
        own.as_str(),
        "http://[::1]:22/",
        "http://localhost:6379/",
        "http://10.0.0.1/hook",
        "http://[::ffff:127.0.0.1]/hook",
        "http://2130706433/hook",
        "http://hooks:s3cr3t-pass@93.184.216.34/hook",
    ] {
        let (status, body) = subscribe(&server, url).await;
        assert_eq!((status, body["error"]["code"].as_str()), (400, Some("invalid_url")), "{url}: {body}");
        assert!(!body.to_string().contains("s3cr3t-pass"), "the refusal repeats the password: {body}");
    }
    let resp = server.http().get(server.url("/v1/webhooks")).bearer_auth(server.token()).send().await.unwrap();
    let list: Value = resp.json().await.unwrap();
    assert_eq!(list["data"], json!([]), "nothing was stored: {list}");
}

/// A receiver on every local address (so it would see a connection to any loopback address) that
/// counts connections and answers every request with `reply`.
async fn receiver(reply: &'static str) -> (u16, Arc<AtomicUsize>, Arc<std::sync::Mutex<Vec<String>>>) {
    let listener = tokio::net::TcpListener::bind("0.0.0.0:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let hits = Arc::new(AtomicUsize::new(0));
    let seen = Arc::new(std::sync::Mutex::new(Vec::new()));
    let (h, s) = (Arc::clone(&hits), Arc::clone(&seen));
    tokio::spawn(async move {
        while let Ok((mut sock, _)) = listener.accept().await {
            h.fetch_add(1, Ordering::SeqCst);
            let s = Arc::clone(&s);
            tokio::spawn(async move {
                let mut buf = vec![0u8; 64 * 1024];
                let mut got = Vec::new();
                // Read the head and the body the Content-Length announces.
                loop {
                    let Ok(n) = sock.read(&mut buf).await else { return };
                    if n == 0 {
                        return;
                    }
                    got.extend_from_slice(&buf[..n]);
                    let text = String::from_utf8_lossy(&got).to_string();
                    if let Some(end) = text.find("\r\n\r\n") {
                        let len = text[..end]
                            .lines()
                            .find_map(|l| l.to_ascii_lowercase().strip_prefix("content-length:").map(str::to_string))
                            .and_then(|v| v.trim().parse::<usize>().ok())
                            .unwrap_or(0);
                        if got.len() >= end + 4 + len {
                            s.lock().unwrap().push(text);
                            break;
                        }
                    }
                }
                let _ = sock.write_all(reply.as_bytes()).await;
            });
        }
    });
    (port, hits, seen)
}

const OK: &str = "HTTP/1.1 200 OK\r\ncontent-length: 0\r\nconnection: close\r\n\r\n";

fn engine_with_allow(allow: &str) -> (tempfile::TempDir, till::engine::Engine) {
    let dir = tempfile::tempdir().unwrap();
    let opts = till::engine::OpenOptions { demo: false };
    drop(till::engine::Engine::open(dir.path(), opts).unwrap());
    let path = dir.path().join("till.toml");
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(&path, format!("{text}\n[outbox]\nallow = [{allow}]\n")).unwrap();
    let engine = till::engine::Engine::open(dir.path(), opts).unwrap();
    (dir, engine)
}

fn message(lane: &str, url: String, signing: Signing) -> Message {
    Message {
        lane: lane.into(),
        event_id: format!("evt-{lane}"),
        url,
        body: br#"{"hello":"world"}"#.to_vec(),
        headers: vec![("X-Extra".into(), "1".into())],
        signing,
        retry: Retry { base_ms: 10, max_ms: 20, max_attempts: 1, timeout_ms: 5_000 },
    }
}

async fn enqueue(engine: &till::engine::Engine, msg: Message) {
    engine.ledger().write(move |tx| outbox::enqueue(tx.sql(), tx.now(), &msg)).await.unwrap();
}

fn last_error(dir: &std::path::Path, lane: &str) -> (String, Option<String>) {
    let conn = rusqlite::Connection::open(dir.join("till.sqlite")).unwrap();
    conn.query_row("SELECT state, last_error FROM outbox_messages WHERE lane = ?1", [lane], |r| {
        Ok((r.get(0)?, r.get(1)?))
    })
    .unwrap()
}

#[tokio::test]
async fn delivery_resolves_through_the_guard_signs_and_never_follows_redirects() {
    let (ok_port, ok_hits, ok_seen) = receiver(OK).await;
    let (target_port, target_hits, _) = receiver(OK).await;
    let redirect: &'static str = Box::leak(
        format!("HTTP/1.1 302 Found\r\nlocation: http://127.0.0.2:{target_port}/\r\ncontent-length: 0\r\n\r\n")
            .into_boxed_str(),
    );
    let (redirect_port, redirect_hits, _) = receiver(redirect).await;
    // 127.0.0.2 is allowed; `localhost` resolves to 127.0.0.1, which is not: as a name that
    // re-resolves to a refused address between check and use (DNS rebinding) would.
    let (dir, engine) = engine_with_allow("\"127.0.0.2\"");

    let key = "extension-key".to_string();
    let signing = Signing::HmacSha256Hex { header: "X-Signature".into(), key: key.clone() };
    enqueue(&engine, message("allowed", format!("http://127.0.0.2:{ok_port}/cb"), signing)).await;
    // The same receiver by a name that resolves to loopback: a rebinding name looks like this.
    enqueue(&engine, message("by-name", format!("http://localhost:{ok_port}/cb"), Signing::None)).await;
    enqueue(&engine, message("redirect", format!("http://127.0.0.2:{redirect_port}/"), Signing::None)).await;
    enqueue(&engine, message("metadata", "http://169.254.169.254/latest/".into(), Signing::None)).await;
    enqueue(&engine, message("creds", format!("http://u:p@127.0.0.2:{ok_port}/"), Signing::None)).await;

    outbox::deliver_due(&engine).await.unwrap();

    assert_eq!(ok_hits.load(Ordering::SeqCst), 1, "only the allowed message reached the receiver");
    let seen = ok_seen.lock().unwrap().clone();
    let req = &seen[0];
    assert!(req.starts_with("POST /cb "), "{req}");
    assert!(req.ends_with(r#"{"hello":"world"}"#), "the body byte for byte: {req}");
    let lower = req.to_ascii_lowercase();
    let expected = {
        use hmac::Mac;
        let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(key.as_bytes()).unwrap();
        mac.update(br#"{"hello":"world"}"#);
        hex::encode(mac.finalize().into_bytes())
    };
    assert!(lower.contains(&format!("x-signature: {expected}")), "{req}");
    assert!(lower.contains("x-extra: 1") && lower.contains("content-type: application/json"), "{req}");
    assert_eq!(last_error(dir.path(), "allowed"), ("delivered".into(), None));

    let (state, error) = last_error(dir.path(), "by-name");
    assert_eq!(state, "failed");
    assert!(error.as_deref().unwrap_or_default().contains("address guard"), "{error:?}");

    assert_eq!(redirect_hits.load(Ordering::SeqCst), 1);
    assert_eq!(target_hits.load(Ordering::SeqCst), 0, "the redirect was followed");
    let (state, error) = last_error(dir.path(), "redirect");
    assert_eq!(state, "failed");
    assert!(error.as_deref().unwrap_or_default().contains("302"), "{error:?}");

    for lane in ["metadata", "creds"] {
        let (state, error) = last_error(dir.path(), lane);
        assert_eq!(state, "failed", "{lane}");
        assert!(error.as_deref().unwrap_or_default().contains("address guard"), "{lane}: {error:?}");
    }
}
