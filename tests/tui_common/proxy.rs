//! A small HTTP/1.1 proxy on 127.0.0.1 between the till and a real engine, for faults a network
//! really has: a request lost on the way (the engine never sees it) or a reply lost on the way
//! back (the engine did the work; the till hears nothing). Each fault fires once.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// Close the connection before the engine sees the request.
    DropRequest,
    /// Let the engine do it, then close the connection instead of replying.
    DropReply,
}

pub struct Proxy {
    addr: SocketAddr,
    armed: Arc<Mutex<Option<(String, Fault)>>>,
}

impl Proxy {
    pub async fn start(upstream: SocketAddr) -> Proxy {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let armed: Arc<Mutex<Option<(String, Fault)>>> = Arc::new(Mutex::new(None));
        let a = armed.clone();
        tokio::spawn(async move {
            while let Ok((sock, _)) = listener.accept().await {
                tokio::spawn(serve(sock, upstream, a.clone()));
            }
        });
        Proxy { addr, armed }
    }

    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The next request whose path contains `path_part` meets `fault`.
    pub fn arm(&self, path_part: &str, fault: Fault) {
        *self.armed.lock().unwrap() = Some((path_part.to_string(), fault));
    }

    /// Whether the armed fault has fired.
    pub fn fired(&self) -> bool {
        self.armed.lock().unwrap().is_none()
    }
}

/// Reads one HTTP message (headers, then a Content-Length body). `None` at end of stream.
async fn read_message(s: &mut TcpStream) -> Option<Vec<u8>> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    let head_end = loop {
        if let Some(p) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break p + 4;
        }
        let n = s.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).to_ascii_lowercase();
    let len: usize =
        head.lines().find_map(|l| l.strip_prefix("content-length:")).and_then(|v| v.trim().parse().ok()).unwrap_or(0);
    while buf.len() < head_end + len {
        let n = s.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
    }
    Some(buf)
}

async fn serve(mut client: TcpStream, upstream: SocketAddr, armed: Arc<Mutex<Option<(String, Fault)>>>) {
    let mut up: Option<TcpStream> = None;
    while let Some(req) = read_message(&mut client).await {
        let line = String::from_utf8_lossy(&req[..req.iter().position(|b| *b == b'\r').unwrap_or(0)]).to_string();
        let fault = {
            let mut a = armed.lock().unwrap();
            match a.as_ref() {
                Some((part, f)) if line.contains(part.as_str()) => {
                    let f = *f;
                    *a = None;
                    Some(f)
                }
                _ => None,
            }
        };
        if fault == Some(Fault::DropRequest) {
            return;
        }
        if up.is_none() {
            up = TcpStream::connect(upstream).await.ok();
        }
        let Some(u) = up.as_mut() else { return };
        if u.write_all(&req).await.is_err() {
            return;
        }
        let Some(reply) = read_message(u).await else { return };
        if fault == Some(Fault::DropReply) {
            return;
        }
        if client.write_all(&reply).await.is_err() {
            return;
        }
    }
}
