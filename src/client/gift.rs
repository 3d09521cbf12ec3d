//! Typed calls for `/gift/*.json`.
//!
//! Calls that change a card (sell, reload, redeem, cashOut, exchange, refund, activate,
//! deactivate) always carry an `externalTransactionId` (one is made up when the caller gave none).
//! When such a call gets no readable answer (a timeout, or a reply that cannot be read), the client
//! reverses it by that id at once and reports exactly what happened:
//! [`GiftCallError::TimedOutReversed`] (the server had done it; now undone),
//! [`GiftCallError::TimedOutNotApplied`] (the server had not; the id is now blocked so it never
//! will), or [`GiftCallError::TimedOutUnresolved`] (the reversal itself got no answer: retry
//! [`Client::gift_reverse`] with that id until it does).
//!
//! This is the till's one retry layer: the reversal by id is idempotent, so the client retries it
//! on its own schedule ([`REVERSAL_DELAYS_MS`]); the screen never retries by itself, it shows what
//! the client reports and lets the cashier check again.

use std::time::Duration;

use rand::Rng;
use serde::Serialize;

use super::{Client, ClientError};
pub use crate::wire::gift::Success as GiftSuccess;
pub use crate::wire::gift::{
    Amount, BalanceRequest, CardInfoWire, CardRequest, CashOutRequest, ExchangeRequest, RedeemRequest, RefundRequest,
    ReloadRequest, ReverseRequest, SellRequest, Tender,
};

/// How a gift call failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GiftCallError {
    /// Could not connect, declined, or an unreadable reply (see [`ClientError`]).
    #[error(transparent)]
    Client(#[from] ClientError),
    /// The call timed out, but it had been done; the client has reversed it.
    #[error("no reply in time; the transaction {external_transaction_id} was done and has been reversed")]
    TimedOutReversed { external_transaction_id: String, reversal: Box<GiftSuccess> },
    /// The call timed out and had not been done; its id is now blocked, so it never will be.
    #[error("no reply in time; the transaction {external_transaction_id} was not done and never will be")]
    TimedOutNotApplied { external_transaction_id: String },
    /// The call timed out and the reversal got no answer either: the outcome is still unknown.
    #[error("no reply in time and the reversal of {external_transaction_id} failed too: {error}")]
    TimedOutUnresolved { external_transaction_id: String, error: ClientError },
}

impl GiftCallError {
    /// The server's error code when the call was declined.
    pub fn code(&self) -> Option<&str> {
        match self {
            GiftCallError::Client(e) => e.code(),
            _ => None,
        }
    }
}

/// A fresh `externalTransactionId`: `till-` plus 128 random bits in hex.
pub fn new_external_id() -> String {
    format!("till-{:032x}", rand::rng().random::<u128>())
}

/// Before each try of the reversal after a timeout, in milliseconds: one at once, then two more.
pub const REVERSAL_DELAYS_MS: [u64; 3] = [0, 200, 1000];

fn ensure_id(id: &mut Option<String>) -> String {
    id.get_or_insert_with(new_external_id).clone()
}

impl Client {
    /// `POST /gift/balance.json`.
    pub async fn gift_balance(&self, req: &BalanceRequest) -> Result<GiftSuccess, ClientError> {
        self.post_json("/gift/balance.json", req).await
    }

    /// `POST /gift/reverse.json` (by `pxTransactionId` or `externalTransactionId`).
    pub async fn gift_reverse(&self, req: &ReverseRequest) -> Result<GiftSuccess, ClientError> {
        self.post_json("/gift/reverse.json", req).await
    }

    /// `POST /gift/activate.json`; reversed automatically on timeout.
    pub async fn gift_activate(&self, req: &CardRequest) -> Result<GiftSuccess, GiftCallError> {
        let mut req = req.clone();
        let id = ensure_id(&mut req.external_transaction_id);
        self.money_call("/gift/activate.json", &req, req.merchant_id, &req.store_code, id).await
    }

    /// `POST /gift/deactivate.json`; reversed automatically on timeout.
    pub async fn gift_deactivate(&self, req: &CardRequest) -> Result<GiftSuccess, GiftCallError> {
        let mut req = req.clone();
        let id = ensure_id(&mut req.external_transaction_id);
        self.money_call("/gift/deactivate.json", &req, req.merchant_id, &req.store_code, id).await
    }

    /// `POST /gift/sell.json`; reversed automatically on timeout.
    pub async fn gift_sell(&self, req: &SellRequest) -> Result<GiftSuccess, GiftCallError> {
        let mut req = req.clone();
        let id = ensure_id(&mut req.external_transaction_id);
        self.money_call("/gift/sell.json", &req, req.merchant_id, &req.store_code, id).await
    }

    /// `POST /gift/reload.json`; reversed automatically on timeout.
    pub async fn gift_reload(&self, req: &ReloadRequest) -> Result<GiftSuccess, GiftCallError> {
        let mut req = req.clone();
        let id = ensure_id(&mut req.external_transaction_id);
        self.money_call("/gift/reload.json", &req, req.merchant_id, &req.store_code, id).await
    }

    /// `POST /gift/redeem.json`; reversed automatically on timeout.
    pub async fn gift_redeem(&self, req: &RedeemRequest) -> Result<GiftSuccess, GiftCallError> {
        let mut req = req.clone();
        let id = ensure_id(&mut req.external_transaction_id);
        self.money_call("/gift/redeem.json", &req, req.merchant_id, &req.store_code, id).await
    }

    /// `POST /gift/cashOut.json`; reversed automatically on timeout.
    pub async fn gift_cash_out(&self, req: &CashOutRequest) -> Result<GiftSuccess, GiftCallError> {
        let mut req = req.clone();
        let id = ensure_id(&mut req.external_transaction_id);
        self.money_call("/gift/cashOut.json", &req, req.merchant_id, &req.store_code, id).await
    }

    /// `POST /gift/exchange.json`; reversed automatically on timeout.
    pub async fn gift_exchange(&self, req: &ExchangeRequest) -> Result<GiftSuccess, GiftCallError> {
        let mut req = req.clone();
        let id = ensure_id(&mut req.external_transaction_id);
        self.money_call("/gift/exchange.json", &req, req.merchant_id, &req.store_code, id).await
    }

    /// `POST /gift/refund.json`; reversed automatically on timeout.
    pub async fn gift_refund(&self, req: &RefundRequest) -> Result<GiftSuccess, GiftCallError> {
        let mut req = req.clone();
        let id = ensure_id(&mut req.external_transaction_id);
        self.money_call("/gift/refund.json", &req, req.merchant_id, &req.store_code, id).await
    }

    async fn money_call<B: Serialize>(
        &self,
        path: &str,
        body: &B,
        merchant_id: i64,
        store_code: &str,
        external_transaction_id: String,
    ) -> Result<GiftSuccess, GiftCallError> {
        match self.post_json::<B, GiftSuccess>(path, body).await {
            Ok(s) => Ok(s),
            Err(e) if e.outcome_unknown() || matches!(e, ClientError::BadReply(_)) => {
                tracing::warn!(path, id = %external_transaction_id, error = %e, "gift call timed out; reversing");
                Err(self.reverse_after_timeout(merchant_id, store_code, external_transaction_id).await)
            }
            Err(e) => Err(GiftCallError::Client(e)),
        }
    }

    /// Reverses by `externalTransactionId` after a timeout, again after each of
    /// [`REVERSAL_DELAYS_MS`] while the reversal gets no answer either.
    async fn reverse_after_timeout(&self, merchant_id: i64, store_code: &str, id: String) -> GiftCallError {
        let req = ReverseRequest {
            merchant_id,
            store_code: store_code.to_string(),
            external_transaction_id: Some(id.clone()),
            ..ReverseRequest::default()
        };
        let mut last = ClientError::Timeout("not tried".into());
        for delay_ms in REVERSAL_DELAYS_MS {
            if delay_ms > 0 {
                tokio::time::sleep(Duration::from_millis(delay_ms)).await;
            }
            match self.gift_reverse(&req).await {
                Ok(reversal) => {
                    return GiftCallError::TimedOutReversed {
                        external_transaction_id: id,
                        reversal: Box::new(reversal),
                    };
                }
                Err(e) if e.code() == Some("transaction_not_found") => {
                    return GiftCallError::TimedOutNotApplied { external_transaction_id: id };
                }
                Err(e) if e.outcome_unknown() || matches!(e, ClientError::Connect(_)) => last = e,
                Err(e) => return GiftCallError::TimedOutUnresolved { external_transaction_id: id, error: e },
            }
        }
        GiftCallError::TimedOutUnresolved { external_transaction_id: id, error: last }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn external_ids_are_unique_and_fit_the_limit() {
        let a = new_external_id();
        assert_ne!(a, new_external_id());
        assert!(a.len() <= 128);
        let mut given = Some("mine".to_string());
        assert_eq!(ensure_id(&mut given), "mine");
        let mut none = None;
        let made = ensure_id(&mut none);
        assert_eq!(none.as_deref(), Some(made.as_str()));
    }
}
