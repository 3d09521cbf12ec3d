//! Slow and half-open clients (issue 15.3) against a real `till serve`: a thousand connections
//! that send half a request's headers and then nothing hold a bounded number of the server's
//! descriptors and are each cut off by the header-read timeout; such a connection no longer keeps
//! SIGTERM from stopping the server.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::time::{Duration, Instant};

use common::TestServer;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

const PARTIAL: &[u8] = b"GET /healthz HTTP/1.1\r\nHost: till\r\nX-Slow: ";

/// Descriptors the server process holds open (Linux).
fn fds(pid: u32) -> Option<usize> {
    std::fs::read_dir(format!("/proc/{pid}/fd")).ok().map(|d| d.count())
}

/// Waits for the server to close `s` (EOF or reset); panics after `within`.
async fn closed_by_server(mut s: TcpStream, within: Duration) {
    let mut buf = [0u8; 256];
    let deadline = Instant::now() + within;
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        match tokio::time::timeout(left, s.read(&mut buf)).await {
            Ok(Ok(0)) | Ok(Err(_)) => return,
            Ok(Ok(_)) => continue, // a 408 reply before the close is fine
            Err(_) => panic!("a half-open connection was still held after {within:?}"),
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_thousand_half_open_connections_hold_bounded_descriptors_and_are_cut_off() {
    let server = TestServer::start();
    let pid = server.pid().unwrap();
    let before = fds(pid);
    let mut conns = Vec::new();
    for _ in 0..1000 {
        let mut s = TcpStream::connect(server.addr()).await.unwrap();
        s.write_all(PARTIAL).await.unwrap();
        conns.push(s);
    }
    // The server holds at most its connection limit, however many clients wait.
    if let (Some(before), Some(during)) = (before, fds(pid)) {
        eprintln!("server descriptors: {before} before, {during} with 1000 half-open connections");
        let limit = till::api::serve::MAX_CONNECTIONS;
        assert!(during <= before + limit + 8, "{during} descriptors held (limit {limit})");
    }
    // Every one of them is closed by the server: the first batch after the header-read timeout,
    // the ones queued behind the limit one timeout later.
    let bound = till::api::serve::HEADER_READ_TIMEOUT * 4 + Duration::from_secs(20);
    let waits: Vec<_> = conns.into_iter().map(|s| tokio::spawn(closed_by_server(s, bound))).collect();
    for w in waits {
        w.await.unwrap();
    }
    // And the server still answers.
    let resp = reqwest::get(server.url("/healthz")).await.unwrap();
    assert_eq!(resp.status().as_u16(), 200);
}

#[cfg(unix)]
#[tokio::test]
async fn a_half_open_connection_does_not_block_sigterm() {
    let mut server = TestServer::start();
    let mut s = TcpStream::connect(server.addr()).await.unwrap();
    s.write_all(PARTIAL).await.unwrap();
    let status = server.terminate();
    let status = status.expect("till serve did not stop after SIGTERM with a half-open connection held");
    assert!(status.success(), "{status:?}");
    drop(s);
}
