//! Lost replies, for real: a small TCP proxy on loopback sits between the typed client and a real
//! `till serve` and misbehaves on the first connection only, either swallowing the reply (the
//! server did the work; the client never hears) or holding the request back (the server has not
//! seen it yet; it arrives late). The client must reverse by `externalTransactionId` and say which.
//!
//! The proxy cuts the client's connection at the moment it knows what the server has (or has
//! not) done, instead of leaving it to a short client timeout: the outcome is just as unknown to
//! the client, and no step depends on how fast a loaded machine answers. The client's own
//! timeouts are long enough that a correct server never reaches them.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use common::{DataDir, TestServer, card, gift_body};
use serde_json::json;
use till::client::gift::GiftCallError;
use till::client::{Client, Timeouts};
use till::wire::gift::{CardInfoWire, RedeemRequest};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{mpsc, oneshot};

/// What the proxy does with its first connection.
enum FirstConnection {
    /// Forward the request, wait for the whole reply, throw it away and cut the client off.
    SwallowReply,
    /// Keep the request (cutting the client off at once) until `release` fires, then forward it
    /// and hand the raw reply to `late`.
    HoldRequest { release: oneshot::Receiver<()>, late: mpsc::Sender<String> },
    /// Read the request and cut the client off without forwarding it: a transient failure.
    Cut,
}

/// Reads one HTTP/1.1 request (headers plus Content-Length body).
async fn read_request(s: &mut TcpStream) -> Vec<u8> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    loop {
        let n = s.read(&mut chunk).await.unwrap_or(0);
        if n == 0 {
            return buf;
        }
        buf.extend_from_slice(&chunk[..n]);
        if let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&buf[..end]).to_ascii_lowercase();
            let len = head
                .lines()
                .find_map(|l| l.strip_prefix("content-length:").map(|v| v.trim().parse::<usize>().unwrap_or(0)))
                .unwrap_or(0);
            if buf.len() >= end + 4 + len {
                return buf;
            }
        }
    }
}

async fn proxy(upstream: std::net::SocketAddr, first: FirstConnection) -> String {
    proxy_seq(upstream, vec![first]).await.0
}

/// A proxy whose first connections misbehave as `first` says, in order, and whose later ones
/// pass through; it counts the connections it accepted.
async fn proxy_seq(upstream: std::net::SocketAddr, first: Vec<FirstConnection>) -> (String, Arc<AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let accepted = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&accepted);
    tokio::spawn(async move {
        let mut first = first.into_iter();
        loop {
            let Ok((mut client, _)) = listener.accept().await else { return };
            counter.fetch_add(1, Ordering::SeqCst);
            match first.next() {
                Some(FirstConnection::Cut) => {
                    tokio::spawn(async move {
                        let _ = read_request(&mut client).await;
                        drop(client);
                    });
                }
                Some(FirstConnection::SwallowReply) => {
                    tokio::spawn(async move {
                        let req = read_request(&mut client).await;
                        let mut up = TcpStream::connect(upstream).await.unwrap();
                        // Ask the server to close after replying, so "the whole reply" is its end.
                        let req = String::from_utf8_lossy(&req).replacen("\r\n", "\r\nConnection: close\r\n", 1);
                        up.write_all(req.as_bytes()).await.unwrap();
                        let mut reply = Vec::new();
                        let _ = up.read_to_end(&mut reply).await;
                        assert!(reply.starts_with(b"HTTP/1.1 200"), "{}", String::from_utf8_lossy(&reply));
                        // The server did the work; the client never hears of it.
                        drop(client);
                    });
                }
                Some(FirstConnection::HoldRequest { release, late }) => {
                    tokio::spawn(async move {
                        let req = read_request(&mut client).await;
                        // The server has not seen it; the client's connection is gone.
                        drop(client);
                        let _ = release.await;
                        let mut up = TcpStream::connect(upstream).await.unwrap();
                        // Ask the server to close after replying, so the whole reply is read to its end.
                        let req = String::from_utf8_lossy(&req).replacen("\r\n", "\r\nConnection: close\r\n", 1);
                        up.write_all(req.as_bytes()).await.unwrap();
                        let mut reply = Vec::new();
                        let _ = tokio::time::timeout(Duration::from_secs(60), up.read_to_end(&mut reply)).await;
                        let _ = late.send(String::from_utf8_lossy(&reply).into_owned()).await;
                    });
                }
                None => {
                    tokio::spawn(async move {
                        if let Ok(mut up) = TcpStream::connect(upstream).await {
                            let _ = tokio::io::copy_bidirectional(&mut client, &mut up).await;
                        }
                    });
                }
            }
        }
    });
    (format!("http://{addr}"), accepted)
}

/// Far beyond what a correct server needs, however loaded the machine: no step waits for them.
fn long_timeouts() -> Timeouts {
    Timeouts { connect: Duration::from_secs(30), request: Duration::from_secs(60) }
}

fn redeem(n: &str, amount: &str, ext: &str) -> RedeemRequest {
    RedeemRequest {
        merchant_id: 1,
        store_code: "A1234".into(),
        card_info: CardInfoWire::number(n),
        amount: till::wire::gift::Amount(amount.into()),
        external_transaction_id: Some(ext.into()),
        ..RedeemRequest::default()
    }
}

async fn balance(server: &TestServer, n: &str) -> String {
    let (_, b) = server.post("/gift/balance.json", &gift_body(json!({"cardInfo": card(n)}))).await;
    b["currentBalance"].as_str().unwrap().to_string()
}

#[tokio::test]
async fn a_timed_out_redeem_that_happened_is_reversed() {
    let dir = DataDir::new();
    let n = dir.generate_cards(1).remove(0);
    let server = dir.serve();
    server.post("/gift/sell.json", &gift_body(json!({"cardInfo": card(&n), "amount": "30.00"}))).await;

    let base = proxy(server.addr(), FirstConnection::SwallowReply).await;
    let client = Client::with_timeouts(&base, server.token(), long_timeouts()).unwrap();
    let err = client.gift_redeem(&redeem(&n, "12.00", "lost-reply-1")).await.unwrap_err();
    match &err {
        GiftCallError::TimedOutReversed { external_transaction_id, reversal } => {
            assert_eq!(external_transaction_id, "lost-reply-1");
            assert_eq!(reversal.transaction_amount.as_deref(), Some("12.00"));
            assert_eq!(reversal.current_balance, "30.00");
        }
        other => panic!("expected a reversal, got {other:?}"),
    }
    assert!(err.to_string().contains("has been reversed"), "{err}");
    assert_eq!(balance(&server, &n).await, "30.00");

    // A client call without an id gets one, so it too can be reversed.
    let base = proxy(server.addr(), FirstConnection::SwallowReply).await;
    let client = Client::with_timeouts(&base, server.token(), long_timeouts()).unwrap();
    let mut req = redeem(&n, "5.00", "x");
    req.external_transaction_id = None;
    let err = client.gift_redeem(&req).await.unwrap_err();
    assert!(matches!(err, GiftCallError::TimedOutReversed { .. }), "{err:?}");
    assert_eq!(balance(&server, &n).await, "30.00");
    let out = server.data.till_output(&["verify"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stdout));
}

#[tokio::test]
async fn a_late_original_after_its_reversal_is_declined() {
    let dir = DataDir::new();
    let n = dir.generate_cards(1).remove(0);
    let server = dir.serve();
    server.post("/gift/sell.json", &gift_body(json!({"cardInfo": card(&n), "amount": "30.00"}))).await;
    let before = common::ledger_digest(server.data.path());

    let (release, released) = oneshot::channel();
    let (late_tx, mut late_rx) = mpsc::channel(1);
    let base = proxy(server.addr(), FirstConnection::HoldRequest { release: released, late: late_tx }).await;
    let client = Client::with_timeouts(&base, server.token(), long_timeouts()).unwrap();
    let err = client.gift_redeem(&redeem(&n, "12.00", "held-1")).await.unwrap_err();
    assert!(
        matches!(&err, GiftCallError::TimedOutNotApplied { external_transaction_id } if external_transaction_id == "held-1"),
        "{err:?}"
    );
    assert!(err.to_string().contains("never will be"), "{err}");
    assert_eq!(common::ledger_digest(server.data.path()).transfers, before.transfers, "nothing moved");

    // Now the original arrives: declined, and the card keeps its money.
    release.send(()).unwrap();
    let reply = tokio::time::timeout(Duration::from_secs(60), late_rx.recv()).await.unwrap().unwrap();
    assert!(reply.starts_with("HTTP/1.1 409"), "{reply}");
    assert!(reply.contains("\"errorCode\":\"transaction_reversed\""), "{reply}");
    assert_eq!(balance(&server, &n).await, "30.00");

    // Reversing the tombstoned id again changes nothing.
    let (status, body) =
        server.post("/gift/reverse.json", &gift_body(json!({"externalTransactionId": "held-1"}))).await;
    assert_eq!((status, body["errorCode"].as_str()), (404, Some("transaction_not_found")));
    assert_eq!(common::ledger_digest(server.data.path()).transfers, before.transfers);
}

/// The client is the one retry layer: a reversal cut off once is tried once more (and only
/// once), and nothing above it sends another.
#[tokio::test]
async fn a_transient_failure_of_the_reversal_is_retried_once() {
    let dir = DataDir::new();
    let n = dir.generate_cards(1).remove(0);
    let server = dir.serve();
    server.post("/gift/sell.json", &gift_body(json!({"cardInfo": card(&n), "amount": "30.00"}))).await;

    let (base, accepted) = proxy_seq(server.addr(), vec![FirstConnection::SwallowReply, FirstConnection::Cut]).await;
    let client = Client::with_timeouts(&base, server.token(), long_timeouts()).unwrap();
    let err = client.gift_redeem(&redeem(&n, "12.00", "transient-1")).await.unwrap_err();
    assert!(matches!(err, GiftCallError::TimedOutReversed { .. }), "{err:?}");
    // The redeem, the reversal that was cut off, and its one retry.
    assert_eq!(accepted.load(Ordering::SeqCst), 3);
    assert_eq!(balance(&server, &n).await, "30.00");
}
