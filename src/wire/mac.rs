//! The MAC `Authorization` header of `/rest/v1`, as `wallet-spots-api.txt` and the reference
//! client's `Auth/Mac.php` compute it. Shared by the server (verifies) and the client (signs).
//!
//! ```text
//! Authorization: MAC id="wkVd93h2uS", ts="1343811600", nonce="…", mac="…"[, ext="body_hash=…"]
//! normalized  = ts \n nonce \n METHOD \n request-uri \n host \n port \n ext \n
//! mac         = base64(HMAC-SHA256(key, normalized))
//! ext         = body_hash=<url-encoded base64(SHA-256(raw body bytes))>, whenever there is a body
//! ```
//!
//! `request-uri` is the path and query exactly as sent (`/rest/v1/spot?code=PAYSERA*3%3ATABLE1`).

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};

/// The parts of a MAC `Authorization` header.
#[derive(Clone, PartialEq, Eq)]
pub struct MacAuthorization {
    pub id: String,
    pub ts: String,
    pub nonce: String,
    pub mac: String,
    /// Empty when the header has no `ext`.
    pub ext: String,
}

impl std::fmt::Debug for MacAuthorization {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MacAuthorization").field("id", &self.id).field("ts", &self.ts).finish_non_exhaustive()
    }
}

/// The string the MAC is computed over.
pub fn normalized(ts: &str, nonce: &str, method: &str, uri: &str, host: &str, port: u16, ext: &str) -> String {
    format!("{ts}\n{nonce}\n{method}\n{uri}\n{host}\n{port}\n{ext}\n")
}

/// `base64(HMAC-SHA256(key, normalized))`.
pub fn mac(key: &[u8], normalized: &str) -> String {
    // HMAC takes a key of any length; this cannot fail.
    let Ok(mut m) = Hmac::<Sha256>::new_from_slice(key) else { return String::new() };
    m.update(normalized.as_bytes());
    STANDARD.encode(m.finalize().into_bytes())
}

/// `base64(SHA-256(body))`, not url-encoded.
pub fn body_hash(body: &[u8]) -> String {
    STANDARD.encode(Sha256::digest(body))
}

/// The `ext` a request with this body carries: `body_hash=<url-encoded hash>`, or empty for none.
pub fn body_ext(body: &[u8]) -> String {
    if body.is_empty() {
        return String::new();
    }
    format!("body_hash={}", url_encode(&body_hash(body)))
}

/// Percent-encodes like PHP's `http_build_query` (`urlencode`): unreserved characters stay,
/// space becomes `+`, everything else `%XX`.
pub fn url_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => out.push(char::from(b)),
            b' ' => out.push('+'),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// Decodes `%XX` and `+`; `None` for a broken escape or non-UTF-8 result.
pub fn url_decode(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' => {
                let hex = bytes.get(i + 1..i + 3)?;
                out.push(u8::from_str_radix(std::str::from_utf8(hex).ok()?, 16).ok()?);
                i += 2;
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8(out).ok()
}

/// The value of `name` in an `ext` query string (`a=1&body_hash=…`), decoded.
pub fn ext_param(ext: &str, name: &str) -> Option<String> {
    ext.split('&').find_map(|pair| {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        (url_decode(k).as_deref() == Some(name)).then(|| url_decode(v)).flatten()
    })
}

/// The header value for these parts (`ext` left out when empty).
pub fn header_value(a: &MacAuthorization) -> String {
    let mut v = format!("MAC id=\"{}\", ts=\"{}\", nonce=\"{}\", mac=\"{}\"", a.id, a.ts, a.nonce, a.mac);
    if !a.ext.is_empty() {
        v.push_str(&format!(", ext=\"{}\"", a.ext));
    }
    v
}

/// Signs a request: the whole `Authorization` header value.
#[allow(clippy::too_many_arguments)]
pub fn sign(
    id: &str,
    key: &[u8],
    ts: i64,
    nonce: &str,
    method: &str,
    uri: &str,
    host: &str,
    port: u16,
    body: &[u8],
) -> String {
    let ext = body_ext(body);
    let ts = ts.to_string();
    let m = mac(key, &normalized(&ts, nonce, method, uri, host, port, &ext));
    header_value(&MacAuthorization { id: id.into(), ts, nonce: nonce.into(), mac: m, ext })
}

/// A fresh nonce: 32 random printable characters without `"` or `\` (as the reference client).
pub fn new_nonce() -> String {
    use rand::Rng;
    let mut rng = rand::rng();
    (0..32)
        .map(|_| {
            let mut c = rng.random_range(0x21u8..=0x7e);
            while c == b'"' || c == b'\\' {
                c = rng.random_range(0x21u8..=0x7e);
            }
            char::from(c)
        })
        .collect()
}

/// Parses `MAC id="…", ts="…", nonce="…", mac="…"[, ext="…"]`. Values are quoted and hold no
/// `"`; `id`, `ts`, `nonce` and `mac` are required, each name at most once, nothing else allowed.
pub fn parse(header: &str) -> Result<MacAuthorization, &'static str> {
    let rest = header.trim_start();
    let (scheme, mut rest) = rest.split_once(' ').ok_or("The Authorization header is not a MAC header.")?;
    if !scheme.eq_ignore_ascii_case("MAC") {
        return Err("The Authorization header is not a MAC header.");
    }
    let (mut id, mut ts, mut nonce, mut mac, mut ext) = (None, None, None, None, None);
    loop {
        rest = rest.trim_start_matches([' ', '\t', ',']);
        if rest.is_empty() {
            break;
        }
        let (name, after) = rest.split_once('=').ok_or("The MAC header is malformed.")?;
        let after = after.strip_prefix('"').ok_or("MAC header values must be quoted.")?;
        let (value, after) = after.split_once('"').ok_or("A MAC header value is not closed.")?;
        let slot = match name.trim() {
            "id" => &mut id,
            "ts" => &mut ts,
            "nonce" => &mut nonce,
            "mac" => &mut mac,
            "ext" => &mut ext,
            _ => return Err("The MAC header has an unknown field."),
        };
        if slot.replace(value.to_string()).is_some() {
            return Err("The MAC header repeats a field.");
        }
        rest = after;
        if !(rest.is_empty() || rest.starts_with([',', ' ', '\t'])) {
            return Err("The MAC header is malformed.");
        }
    }
    match (id, ts, nonce, mac) {
        (Some(id), Some(ts), Some(nonce), Some(mac)) if !id.is_empty() && !nonce.is_empty() => {
            Ok(MacAuthorization { id, ts, nonce, mac, ext: ext.unwrap_or_default() })
        }
        _ => Err("The MAC header needs id, ts, nonce and mac."),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_and_format_round_trip() {
        let h = r#"MAC id="wkVd93h2uS", ts="1343811600", nonce="nQnNaSNyubfPErjRO55yaaEYo9YZfKHN", mac="BrESuxFsVum5GlD3Wt+IRZP9mMDDDSqP87EPy17ymD4=""#;
        let a = parse(h).unwrap();
        assert_eq!(a.id, "wkVd93h2uS");
        assert_eq!(a.ext, "");
        assert_eq!(header_value(&a), h);
        assert!(parse("Bearer abc").is_err());
        assert!(parse(r#"MAC id="a", id="b", ts="1", nonce="n", mac="m""#).is_err());
        assert!(parse(r#"MAC id="a", ts="1", nonce="n""#).is_err());
    }

    #[test]
    fn a_nonce_may_hold_commas_spaces_and_equals() {
        let h = r#"MAC id="a", ts="1", nonce="x, y=z", mac="m""#;
        assert_eq!(parse(h).unwrap().nonce, "x, y=z");
    }

    #[test]
    fn body_hash_of_the_seed_example() {
        let body = b"{\n    \"transaction_key\": \"Pu5CPePCkm3TJPlkcbcshzkIlxeLU3WR\"\n}";
        assert_eq!(body_ext(body), "body_hash=CGmZSkySf2IjkLaY8h1isHhIfV0s4zB45DtYKGYG1Ds%3D");
        assert_eq!(ext_param(&body_ext(body), "body_hash").unwrap(), body_hash(body));
        assert_eq!(body_ext(b""), "");
    }
}
