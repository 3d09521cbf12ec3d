//! The `/rest/v1` client: every spots, order, transaction and wallet call, each request signed
//! with a MAC credential (`wire::mac`) over the exact bytes sent. The spots board uses it with
//! the till's merchant credential; `till wallet …` with a wallet app's user credential.
//!
//! ```ignore
//! let c = SpotsClient::new("http://127.0.0.1:7878", Credential::load(path)?)?;
//! let spot = c.spot_by_code("PAYSERA*1:TABLE1").await?;
//! ```

/// The `/rest/v1` wire types, for the screen (which sees only `client`).
pub use crate::wire::spots as wire;

use std::path::Path;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use reqwest::Method;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use super::ClientError;
use crate::wire::mac;
use crate::wire::spots as w;

/// The till's own merchant credential inside a data directory (written by the server on start).
pub const TILL_CREDENTIAL_FILE: &str = "spots-merchant.json";

/// A MAC client's credential, as `till mac-client create` / `till wallet create` print it.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Credential {
    pub id: String,
    pub key: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub wallet_id: Option<i64>,
}

impl std::fmt::Debug for Credential {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Credential").field("id", &self.id).field("wallet_id", &self.wallet_id).finish_non_exhaustive()
    }
}

impl Credential {
    /// Reads a credential file (`{"id": "...", "key": "..."[, "wallet_id": N]}`).
    pub fn load(path: &Path) -> Result<Credential, ClientError> {
        let bytes = std::fs::read(path).map_err(|e| ClientError::Connect(format!("{}: {e}", path.display())))?;
        serde_json::from_slice(&bytes).map_err(|e| ClientError::BadReply(format!("{}: {e}", path.display())))
    }
}

/// A signing client of one `/rest/v1` server.
#[derive(Debug, Clone)]
pub struct SpotsClient {
    base: String,
    host: String,
    port: u16,
    cred: Credential,
    http: reqwest::Client,
}

fn now_secs() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs() as i64).unwrap_or(0)
}

/// Host and port of an `http(s)://host[:port]` base URL, as the MAC covers them.
fn host_port(base: &str) -> Result<(String, u16), ClientError> {
    let bad = || ClientError::Connect(format!("{base:?} is not an http:// or https:// URL"));
    let (rest, default) = if let Some(r) = base.strip_prefix("http://") {
        (r, 80)
    } else if let Some(r) = base.strip_prefix("https://") {
        (r, 443)
    } else {
        return Err(bad());
    };
    let authority = rest.split('/').next().unwrap_or("");
    if authority.is_empty() {
        return Err(bad());
    }
    if let Some(v6) = authority.strip_prefix('[') {
        let (h, after) = v6.split_once(']').ok_or_else(bad)?;
        let port = after.strip_prefix(':').map(|p| p.parse().map_err(|_| bad())).transpose()?.unwrap_or(default);
        return Ok((h.to_string(), port));
    }
    match authority.rsplit_once(':') {
        Some((h, p)) => Ok((h.to_string(), p.parse().map_err(|_| bad())?)),
        None => Ok((authority.to_string(), default)),
    }
}

fn declined(status: reqwest::StatusCode, body: &[u8]) -> ClientError {
    if let Ok(e) = serde_json::from_slice::<w::ErrorBody>(body) {
        return ClientError::Declined { status: status.as_u16(), code: e.error, message: e.error_description };
    }
    let text: String = String::from_utf8_lossy(body).chars().take(200).collect();
    ClientError::Declined { status: status.as_u16(), code: format!("http_{}", status.as_u16()), message: text }
}

impl SpotsClient {
    pub fn new(base_url: &str, cred: Credential) -> Result<SpotsClient, ClientError> {
        let base = base_url.trim_end_matches('/').to_string();
        let (host, port) = host_port(&base)?;
        let http = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(3))
            .timeout(Duration::from_secs(10))
            .user_agent(concat!("till/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| ClientError::Connect(format!("cannot set up HTTP: {e}")))?;
        Ok(SpotsClient { base, host, port, cred, http })
    }

    pub fn base_url(&self) -> &str {
        &self.base
    }

    pub fn credential(&self) -> &Credential {
        &self.cred
    }

    /// Sends one signed request; `uri` is the path and query (`/rest/v1/...`).
    pub async fn call<R: DeserializeOwned>(
        &self,
        method: Method,
        uri: &str,
        body: Option<Vec<u8>>,
    ) -> Result<R, ClientError> {
        let body = body.unwrap_or_default();
        let auth = mac::sign(
            &self.cred.id,
            self.cred.key.as_bytes(),
            now_secs(),
            &mac::new_nonce(),
            method.as_str(),
            uri,
            &self.host,
            self.port,
            &body,
        );
        let mut req = self.http.request(method, format!("{}{uri}", self.base)).header("authorization", auth);
        if !body.is_empty() {
            req = req.header("content-type", "application/json;charset=utf-8").body(body);
        }
        let resp = req.send().await.map_err(|e| {
            if e.is_timeout() { ClientError::Timeout(e.to_string()) } else { ClientError::Connect(e.to_string()) }
        })?;
        let status = resp.status();
        let bytes = resp.bytes().await.map_err(|e| ClientError::Connect(e.to_string()))?;
        if !status.is_success() {
            return Err(declined(status, &bytes));
        }
        serde_json::from_slice(&bytes).map_err(|e| ClientError::BadReply(format!("{uri}: {e}")))
    }

    fn json<B: Serialize>(body: &B) -> Result<Option<Vec<u8>>, ClientError> {
        serde_json::to_vec(body).map(Some).map_err(|e| ClientError::BadReply(e.to_string()))
    }

    pub async fn server_time(&self) -> Result<w::ServerTime, ClientError> {
        self.call(Method::GET, "/rest/v1/server", None).await
    }
    pub async fn spot_by_code(&self, code: &str) -> Result<w::Spot, ClientError> {
        self.call(Method::GET, &format!("/rest/v1/spot?code={}", mac::url_encode(code)), None).await
    }
    pub async fn spot(&self, id: i64) -> Result<w::Spot, ClientError> {
        self.call(Method::GET, &format!("/rest/v1/spot/{id}"), None).await
    }
    pub async fn check_in(&self, id: i64) -> Result<w::Spot, ClientError> {
        self.call(Method::PUT, &format!("/rest/v1/spot/{id}/check-in"), None).await
    }
    pub async fn check_out(&self, id: i64) -> Result<w::Spot, ClientError> {
        self.call(Method::PUT, &format!("/rest/v1/spot/{id}/check-out"), None).await
    }
    pub async fn close(&self, id: i64) -> Result<w::Spot, ClientError> {
        self.call(Method::PUT, &format!("/rest/v1/spot/{id}/close"), None).await
    }
    /// `GET /spots`; `status` None for every status.
    pub async fn spots(&self, status: Option<&str>, limit: i64, offset: i64) -> Result<w::SpotList, ClientError> {
        let mut uri = format!("/rest/v1/spots?limit={limit}&offset={offset}");
        if let Some(s) = status {
            uri.push_str(&format!("&status={}", mac::url_encode(s)));
        }
        self.call(Method::GET, &uri, None).await
    }
    pub async fn create_order(&self, spot_id: i64, req: &w::OrderRequest) -> Result<w::Order, ClientError> {
        self.call(Method::POST, &format!("/rest/v1/spot/{spot_id}/order"), Self::json(req)?).await
    }
    pub async fn order(&self, id: i64) -> Result<w::Order, ClientError> {
        self.call(Method::GET, &format!("/rest/v1/order/{id}"), None).await
    }
    pub async fn edit_order(&self, id: i64, req: &w::OrderRequest) -> Result<w::Order, ClientError> {
        self.call(Method::PUT, &format!("/rest/v1/order/{id}"), Self::json(req)?).await
    }
    pub async fn delete_order(&self, id: i64) -> Result<w::Order, ClientError> {
        self.call(Method::DELETE, &format!("/rest/v1/order/{id}"), None).await
    }
    pub async fn create_transaction(&self, t: &w::NewTransaction) -> Result<w::Transaction, ClientError> {
        self.call(Method::POST, "/rest/v1/transaction", Self::json(t)?).await
    }
    pub async fn transaction(&self, key: &str) -> Result<w::Transaction, ClientError> {
        self.call(Method::GET, &format!("/rest/v1/transaction/{}", mac::url_encode(key)), None).await
    }
    pub async fn reserve(&self, key: &str) -> Result<w::Transaction, ClientError> {
        self.call(Method::PUT, &format!("/rest/v1/transaction/{}/reserve", mac::url_encode(key)), None).await
    }
    /// Confirms; `lowered` may lower payments (empty: take everything reserved).
    pub async fn confirm(&self, key: &str, lowered: &w::ConfirmRequest) -> Result<w::Transaction, ClientError> {
        let body = if lowered.is_empty() { None } else { Self::json(lowered)? };
        self.call(Method::PUT, &format!("/rest/v1/transaction/{}/confirm", mac::url_encode(key)), body).await
    }
    pub async fn revoke(&self, key: &str) -> Result<w::Transaction, ClientError> {
        self.call(Method::DELETE, &format!("/rest/v1/transaction/{}", mac::url_encode(key)), None).await
    }
    pub async fn wallet_balance(&self, wallet_id: i64) -> Result<w::WalletBalance, ClientError> {
        self.call(Method::GET, &format!("/rest/v1/wallet/{wallet_id}/balance"), None).await
    }
}

impl super::Client {
    /// `POST /till/v1/spot-orders/{id}/cash` with the cashier's session: the guest paid order
    /// `order_id` in cash at the till; the order closes and the cash is booked into the drawer.
    pub async fn spot_cash(&self, order_id: i64, req: &w::CashRequest) -> Result<w::CashPaid, ClientError> {
        self.post_json(&format!("/till/v1/spot-orders/{order_id}/cash"), req).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn host_and_port_of_base_urls() {
        assert_eq!(host_port("http://127.0.0.1:7878").unwrap(), ("127.0.0.1".into(), 7878));
        assert_eq!(host_port("https://wallet.paysera.com").unwrap(), ("wallet.paysera.com".into(), 443));
        assert_eq!(host_port("http://till.local/").unwrap(), ("till.local".into(), 80));
        assert_eq!(host_port("http://[::1]:9").unwrap(), ("::1".into(), 9));
        assert!(host_port("ftp://x").is_err());
    }
}
