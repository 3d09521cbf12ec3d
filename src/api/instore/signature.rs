//! `X-Signature` verification for `/instore`: lowercase hex HMAC-SHA256 with the tenant's key,
//! compared in constant time, over
//!
//! - the raw body bytes of a plain POST;
//! - `JSON.stringify(payload)` of a stored-value envelope: the raw bytes of `payload` as
//!   received, or the same JSON without insignificant whitespace (what `JSON.stringify` gives for
//!   a pretty-printed payload, keys in the order received);
//! - `JSON.stringify` of the query parameters in their order for a GET: `{"k":"v",…}`.
//!
//! The tenant is the body's (or query's) `tenant_id`, else the `X-Tenant-Id` header, else the only
//! tenant when there is exactly one. A tenant with an API key also needs a matching `X-API-Key`.
//! Any failure is 401 and nothing else happens.

use axum::http::HeaderMap;
use serde::Deserialize;
use serde_json::value::RawValue;

use super::InstoreFailure;
use crate::engine::Engine;
use crate::engine::extensions::tenants::{self, Tenant};

fn header<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers.get(name).and_then(|v| v.to_str().ok()).map(str::trim).filter(|s| !s.is_empty())
}

async fn tenant(engine: &Engine, headers: &HeaderMap, named: Option<&str>) -> Result<Tenant, InstoreFailure> {
    let named = named.or_else(|| header(headers, "X-Tenant-Id")).map(str::to_string);
    let t = engine.read_async(move |e| tenants::find(e, named.as_deref())).await.map_err(|e| match e {
        crate::engine::extensions::ExtError::Unauthorized(m) => InstoreFailure::unauthorized(m),
        other => InstoreFailure::from(other),
    })?;
    if !t.api_key_ok(header(headers, "X-API-Key")) {
        return Err(InstoreFailure::unauthorized("X-API-Key is missing or wrong"));
    }
    Ok(t)
}

fn signature(headers: &HeaderMap) -> Result<&str, InstoreFailure> {
    header(headers, "X-Signature").ok_or_else(|| InstoreFailure::unauthorized("X-Signature is missing"))
}

fn mismatch() -> InstoreFailure {
    InstoreFailure::unauthorized("X-Signature does not match the request")
}

/// A plain POST: the signature covers the raw body.
pub async fn plain(engine: &Engine, headers: &HeaderMap, body: &[u8]) -> Result<Tenant, InstoreFailure> {
    #[derive(Deserialize)]
    struct Named {
        tenant_id: Option<String>,
    }
    let named = serde_json::from_slice::<Named>(body).ok().and_then(|n| n.tenant_id);
    let sig = signature(headers)?;
    let t = tenant(engine, headers, named.as_deref()).await?;
    if t.verifies(body, sig) { Ok(t) } else { Err(mismatch()) }
}

/// A stored-value envelope: the signature covers `JSON.stringify(payload)`.
pub async fn envelope(engine: &Engine, headers: &HeaderMap, body: &[u8]) -> Result<Tenant, InstoreFailure> {
    #[derive(Deserialize)]
    struct Raw<'a> {
        #[serde(borrow)]
        payload: Option<&'a RawValue>,
        verification_signature: Option<String>,
        tenant_id: Option<String>,
    }
    let sig = signature(headers)?;
    let raw: Raw<'_> = serde_json::from_slice(body)
        .map_err(|_| InstoreFailure::unauthorized("the envelope cannot be read, so its signature cannot be checked"))?;
    let payload = raw.payload.ok_or_else(|| InstoreFailure::unauthorized("the envelope has no payload to verify"))?;
    let t = tenant(engine, headers, raw.tenant_id.as_deref()).await?;
    if let Some(dup) = &raw.verification_signature
        && !dup.trim().eq_ignore_ascii_case(sig)
    {
        return Err(InstoreFailure::unauthorized("verification_signature and X-Signature differ"));
    }
    let exact = payload.get();
    if t.verifies(exact.as_bytes(), sig) || t.verifies(compact(exact).as_bytes(), sig) {
        Ok(t)
    } else {
        Err(mismatch())
    }
}

/// A GET: the signature covers `JSON.stringify` of the query parameters, in their order.
pub async fn query(engine: &Engine, headers: &HeaderMap, pairs: &[(String, String)]) -> Result<Tenant, InstoreFailure> {
    let sig = signature(headers)?;
    let named = pairs.iter().find(|(k, _)| k == "tenant_id").map(|(_, v)| v.as_str());
    let t = tenant(engine, headers, named).await?;
    if t.verifies(stringify_pairs(pairs).as_bytes(), sig) { Ok(t) } else { Err(mismatch()) }
}

/// `JSON.stringify({k: v, …})` for string keys and values, in the given order.
pub fn stringify_pairs(pairs: &[(String, String)]) -> String {
    let mut out = String::from("{");
    for (i, (k, v)) in pairs.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str(&serde_json::Value::String(k.clone()).to_string());
        out.push(':');
        out.push_str(&serde_json::Value::String(v.clone()).to_string());
    }
    out.push('}');
    out
}

/// The JSON text without whitespace outside strings: keys and values as received, in order.
pub fn compact(json: &str) -> String {
    let mut out = String::with_capacity(json.len());
    let (mut in_string, mut escaped) = (false, false);
    for c in json.chars() {
        if in_string {
            out.push(c);
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == '"' {
                in_string = false;
            }
        } else if c == '"' {
            in_string = true;
            out.push(c);
        } else if !c.is_whitespace() {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compact_keeps_order_and_string_contents() {
        let pretty = "{\n  \"b\": 1,\n  \"a\": \"x y \\\" z\",\n  \"c\": [1, 2]\n}";
        assert_eq!(compact(pretty), "{\"b\":1,\"a\":\"x y \\\" z\",\"c\":[1,2]}");
    }

    #[test]
    fn query_pairs_stringify_like_javascript() {
        let pairs =
            vec![("requestId".to_string(), "r-1".to_string()), ("locationId".to_string(), "L \"1\"".to_string())];
        assert_eq!(stringify_pairs(&pairs), r#"{"requestId":"r-1","locationId":"L \"1\""}"#);
        assert_eq!(stringify_pairs(&[]), "{}");
    }
}
