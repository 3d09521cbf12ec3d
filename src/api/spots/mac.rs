//! MAC authentication of `/rest/v1`: a middleware that reads the raw body once, verifies the
//! `Authorization: MAC …` header over exactly those bytes and hands the handler the [`Caller`]
//! (as a request extension) and the same bytes.
//!
//! Checks, in order, each refusal a 401 `{"error":"unauthorized", …}`:
//! 1. the header parses (`wire::mac::parse`);
//! 2. the client id is known;
//! 3. `ext`'s `body_hash` equals the hash of the raw body (required whenever there is a body);
//! 4. the MAC over `ts\nnonce\nMETHOD\nuri\nhost\nport\next\n` matches, compared in constant time;
//!    host and port are the request's (`Host`, or the URI's authority) unless `[spots]
//!    public_host` / `public_port` say what the clients sign for behind a proxy;
//! 5. `ts` is within `mac_window_seconds` of the server's clock;
//! 6. the nonce was not used by this client before (kept durably for the window).

use axum::body::Body;
use axum::extract::{OriginalUri, Request, State};
use axum::http::header;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use subtle::ConstantTimeEq;

use super::SpotsFailure;
use crate::api::AppState;
use crate::engine::spots::{Caller, SpotsConfig, SpotsError, clients};
use crate::wire::mac::{self, MacAuthorization};

/// Largest body a `/rest/v1` request may carry.
pub const BODY_LIMIT: usize = 64 * 1024;

/// What the request said about itself, as the MAC covers it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Facts<'a> {
    pub method: &'a str,
    /// Path and query exactly as received.
    pub uri: &'a str,
    pub host: &'a str,
    pub port: u16,
    pub body: &'a [u8],
}

/// Why a request was not let in (each is a 401).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    Missing,
    Malformed(&'static str),
    UnknownClient,
    BodyHash,
    BadMac,
    Stale,
    Future,
    Replay,
}

impl Refusal {
    pub fn message(self) -> String {
        match self {
            Refusal::Missing => {
                "Missing MAC authorization: send `Authorization: MAC id=\"…\", ts=\"…\", nonce=\"…\", mac=\"…\"`."
                    .into()
            }
            Refusal::Malformed(why) => why.into(),
            Refusal::UnknownClient => "Unknown MAC client id.".into(),
            Refusal::BodyHash => "ext body_hash is missing or does not match the request body.".into(),
            Refusal::BadMac => "The MAC does not match the request.".into(),
            Refusal::Stale => "ts is too old: sign with the current time (GET /rest/v1/server tells it).".into(),
            Refusal::Future => "ts is in the future: sign with the current time (GET /rest/v1/server tells it).".into(),
            Refusal::Replay => "This nonce was already used; every request needs a new one.".into(),
        }
    }
}

/// Checks the body hash and the MAC of a parsed header with the client's key.
pub fn verify_signature(auth: &MacAuthorization, facts: &Facts<'_>, key: &[u8]) -> Result<(), Refusal> {
    let sent_hash = mac::ext_param(&auth.ext, "body_hash");
    match (facts.body.is_empty(), sent_hash) {
        (true, None) => {}
        (_, Some(h)) if bool::from(h.as_bytes().ct_eq(mac::body_hash(facts.body).as_bytes())) => {}
        _ => return Err(Refusal::BodyHash),
    }
    let normalized = mac::normalized(&auth.ts, &auth.nonce, facts.method, facts.uri, facts.host, facts.port, &auth.ext);
    let expected = mac::mac(key, &normalized);
    if bool::from(expected.as_bytes().ct_eq(auth.mac.as_bytes())) { Ok(()) } else { Err(Refusal::BadMac) }
}

/// Checks `ts` against the clock: digits only, within `window` seconds either way.
pub fn check_ts(ts: &str, now: i64, window: u64) -> Result<i64, Refusal> {
    if ts.is_empty() || ts.len() > 12 || !ts.bytes().all(|b| b.is_ascii_digit()) {
        return Err(Refusal::Malformed("ts must be Unix seconds."));
    }
    let ts: i64 = ts.parse().map_err(|_| Refusal::Malformed("ts must be Unix seconds."))?;
    let window = i64::try_from(window).unwrap_or(i64::MAX);
    if ts < now.saturating_sub(window) {
        return Err(Refusal::Stale);
    }
    if ts > now.saturating_add(window) {
        return Err(Refusal::Future);
    }
    Ok(ts)
}

/// Host and port the MAC covers: the configured public ones, else the request's.
pub fn host_port<'a>(cfg: &'a SpotsConfig, host_header: Option<&'a str>, authority: Option<&'a str>) -> (String, u16) {
    let seen = host_header.or(authority).unwrap_or("");
    let (host, port) = split_host(seen);
    let host = cfg.public_host.clone().unwrap_or_else(|| host.to_string());
    let port = cfg.public_port.or(port).unwrap_or(80);
    (host, port)
}

fn split_host(s: &str) -> (&str, Option<u16>) {
    // `[::1]:8080`, `host:8080`, `host`.
    if let Some(rest) = s.strip_prefix('[')
        && let Some((h, after)) = rest.split_once(']')
    {
        return (h, after.strip_prefix(':').and_then(|p| p.parse().ok()));
    }
    match s.rsplit_once(':') {
        Some((h, p)) if !h.contains(':') => (h, p.parse().ok()),
        _ => (s, None),
    }
}

fn refuse(r: Refusal) -> Response {
    SpotsFailure(SpotsError::Unauthorized(r.message())).into_response()
}

/// The middleware: authenticates, then runs the handler with the caller and the raw body.
pub async fn authenticate(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let (mut parts, body) = req.into_parts();
    let bytes = match axum::body::to_bytes(body, BODY_LIMIT).await {
        Ok(b) => b,
        Err(_) => {
            return SpotsFailure(SpotsError::InvalidRequest(format!(
                "The request body could not be read (at most {BODY_LIMIT} bytes)."
            )))
            .into_response();
        }
    };
    let cfg = match SpotsConfig::of(&state.engine) {
        Ok(c) => c,
        Err(e) => return SpotsFailure(SpotsError::from(e)).into_response(),
    };
    let Some(value) = parts.headers.get(header::AUTHORIZATION) else { return refuse(Refusal::Missing) };
    let Ok(value) = value.to_str() else { return refuse(Refusal::Malformed("The Authorization header is not text.")) };
    let auth = match mac::parse(value) {
        Ok(a) => a,
        Err(why) => return refuse(Refusal::Malformed(why)),
    };
    let id = auth.id.clone();
    let (caller, key) = match state.engine.read_async(move |e| clients::lookup(e, &id)).await {
        Ok(Some(found)) => found,
        Ok(None) => return refuse(Refusal::UnknownClient),
        Err(e) => return SpotsFailure(e).into_response(),
    };
    let uri = parts.extensions.get::<OriginalUri>().map(|u| u.0.clone()).unwrap_or_else(|| parts.uri.clone());
    let path_and_query = uri.path_and_query().map(|p| p.as_str().to_string()).unwrap_or_else(|| uri.path().to_string());
    let host_header = parts.headers.get(header::HOST).and_then(|h| h.to_str().ok());
    let (host, port) = host_port(&cfg, host_header, uri.authority().map(|a| a.as_str()));
    let facts = Facts { method: parts.method.as_str(), uri: &path_and_query, host: &host, port, body: &bytes };
    if let Err(r) = verify_signature(&auth, &facts, &key) {
        return refuse(r);
    }
    let ts = match check_ts(&auth.ts, state.engine.now_secs(), cfg.mac_window_seconds) {
        Ok(ts) => ts,
        Err(r) => return refuse(r),
    };
    match clients::use_nonce(&state.engine, &caller.client_id, &auth.nonce, ts).await {
        Ok(true) => {}
        Ok(false) => return refuse(Refusal::Replay),
        Err(e) => return SpotsFailure(e).into_response(),
    }
    parts.extensions.insert::<Caller>(caller);
    next.run(Request::from_parts(parts, Body::from(bytes))).await
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &[u8] = b"IrdTc8uQodU7PRpLzzLTW6wqZAO6tAMU";
    const NONCE: &str = "nQnNaSNyubfPErjRO55yaaEYo9YZfKHN";
    const TS: i64 = 1343811600;
    const BODY: &[u8] = b"{\n    \"transaction_key\": \"Pu5CPePCkm3TJPlkcbcshzkIlxeLU3WR\"\n}";

    /// The ten example requests of wallet-spots-api.txt: method, URI, body, the MAC it shows.
    const VECTORS: [(&str, &str, &[u8], &str); 10] = [
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

    fn header(mac: &str, body: &[u8]) -> String {
        mac::header_value(&MacAuthorization {
            id: "wkVd93h2uS".into(),
            ts: TS.to_string(),
            nonce: NONCE.into(),
            mac: mac.into(),
            ext: mac::body_ext(body),
        })
    }

    #[test]
    fn every_example_request_of_the_seed_verifies_on_its_clock() {
        for (method, uri, body, expected) in VECTORS {
            let auth = mac::parse(&header(expected, body)).unwrap();
            let facts = Facts { method, uri, host: "wallet.paysera.com", port: 443, body };
            assert_eq!(verify_signature(&auth, &facts, KEY), Ok(()), "{method} {uri}");
            assert_eq!(check_ts(&auth.ts, TS, 300), Ok(TS));
            // The client side signs the same.
            assert_eq!(
                mac::sign("wkVd93h2uS", KEY, TS, NONCE, method, uri, "wallet.paysera.com", 443, body),
                header(expected, body)
            );
        }
    }

    #[test]
    fn a_change_anywhere_breaks_the_mac() {
        let (method, uri, body, expected) = VECTORS[7];
        let auth = mac::parse(&header(expected, body)).unwrap();
        let ok = Facts { method, uri, host: "wallet.paysera.com", port: 443, body };
        assert_eq!(verify_signature(&auth, &Facts { method: "PUT", ..ok.clone() }, KEY), Err(Refusal::BadMac));
        assert_eq!(
            verify_signature(&auth, &Facts { uri: "/rest/v1/spot/2/order", ..ok.clone() }, KEY),
            Err(Refusal::BadMac)
        );
        assert_eq!(
            verify_signature(&auth, &Facts { host: "wallet.paysera.co", ..ok.clone() }, KEY),
            Err(Refusal::BadMac)
        );
        assert_eq!(verify_signature(&auth, &Facts { port: 80, ..ok.clone() }, KEY), Err(Refusal::BadMac));
        let mut tampered = BODY.to_vec();
        tampered[10] ^= 1;
        assert_eq!(verify_signature(&auth, &Facts { body: &tampered, ..ok.clone() }, KEY), Err(Refusal::BodyHash));
        assert_eq!(verify_signature(&auth, &ok, b"IrdTc8uQodU7PRpLzzLTW6wqZAO6tAMV"), Err(Refusal::BadMac));
        let mut bad_ts = auth.clone();
        bad_ts.ts = (TS + 1).to_string();
        assert_eq!(verify_signature(&bad_ts, &ok, KEY), Err(Refusal::BadMac));
        let mut bad_nonce = auth.clone();
        bad_nonce.nonce.push('x');
        assert_eq!(verify_signature(&bad_nonce, &ok, KEY), Err(Refusal::BadMac));
        // A body without body_hash is refused even with an otherwise right MAC.
        let mut no_ext = auth;
        no_ext.ext.clear();
        assert_eq!(verify_signature(&no_ext, &ok, KEY), Err(Refusal::BodyHash));
    }

    #[test]
    fn the_ts_window() {
        assert_eq!(check_ts("1000", 1300, 300), Ok(1000));
        assert_eq!(check_ts("999", 1300, 300), Err(Refusal::Stale));
        assert_eq!(check_ts("1601", 1300, 300), Err(Refusal::Future));
        assert!(matches!(check_ts("-5", 1300, 300), Err(Refusal::Malformed(_))));
        assert!(matches!(check_ts("1e3", 1300, 300), Err(Refusal::Malformed(_))));
    }

    #[test]
    fn host_and_port_from_the_request_or_the_configuration() {
        let cfg = SpotsConfig::default();
        assert_eq!(host_port(&cfg, Some("127.0.0.1:7878"), None), ("127.0.0.1".into(), 7878));
        assert_eq!(host_port(&cfg, Some("till.local"), None), ("till.local".into(), 80));
        assert_eq!(host_port(&cfg, Some("[::1]:9000"), None), ("::1".into(), 9000));
        let behind = SpotsConfig { public_host: Some("wallet.paysera.com".into()), public_port: Some(443), ..cfg };
        assert_eq!(host_port(&behind, Some("127.0.0.1:7878"), None), ("wallet.paysera.com".into(), 443));
    }
}
