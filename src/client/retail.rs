//! Typed calls to `/v1` (third-party gift cards) for the till's retail screen.
//!
//! Every POST carries an idempotency key chosen by the caller: keep the key of an operation and
//! send it again to retry after a timeout; the engine answers what the first attempt did.
//! [`new_idempotency_key`] makes a fresh one.

use reqwest::Method;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use super::{Client, ClientError};
pub use crate::wire::retail::{
    BalanceView, ConfirmOrder, CreateOrder, ListOf, OrderState, OrderView, ProductKind, ProductView,
    ReceiptPrintingRequest, Settlement, StoreView, WireMoney,
};

/// A fresh idempotency key for a new operation.
pub fn new_idempotency_key() -> String {
    format!("till-{:032x}", rand::random::<u128>())
}

/// Filters for [`Client::products`].
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct ProductSearch {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub country: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub store_id: Option<String>,
    /// Part of the name or brand, or a product code (a scanned EAN).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub q: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kind: Option<ProductKind>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub limit: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cursor: Option<String>,
}

/// Percent-encodes a query value (RFC 3986 unreserved characters pass).
fn encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => char::from(b).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

fn query_string(pairs: &[(&str, Option<String>)]) -> String {
    let parts: Vec<String> =
        pairs.iter().filter_map(|(k, v)| v.as_ref().map(|v| format!("{k}={}", encode(v)))).collect();
    if parts.is_empty() { String::new() } else { format!("?{}", parts.join("&")) }
}

impl Client {
    async fn post_idempotent<B: Serialize + ?Sized, R: DeserializeOwned>(
        &self,
        path: &str,
        body: &B,
        key: &str,
    ) -> Result<R, ClientError> {
        self.send_json(Method::POST, path, Some(body), &[("Idempotency-Key", key)]).await
    }

    /// `GET /v1/products`: one page of products.
    pub async fn products(&self, search: &ProductSearch) -> Result<ListOf<ProductView>, ClientError> {
        let q = query_string(&[
            ("country", search.country.clone()),
            ("store_id", search.store_id.clone()),
            ("q", search.q.clone()),
            ("kind", search.kind.map(|k| k.as_str().to_string())),
            ("limit", search.limit.map(|l| l.to_string())),
            ("cursor", search.cursor.clone()),
        ]);
        self.get_json(&format!("/v1/products{q}")).await
    }

    /// `GET /v1/products/{code}`.
    pub async fn product(&self, code: &str) -> Result<ProductView, ClientError> {
        self.get_json(&format!("/v1/products/{}", encode(code))).await
    }

    /// `GET /v1/balances`.
    pub async fn balances(&self) -> Result<Vec<BalanceView>, ClientError> {
        Ok(self.get_json::<ListOf<BalanceView>>("/v1/balances").await?.data)
    }

    /// `POST /v1/balances/top_ups`: a manager's top-up of the prepaid balance. Retry with the same `key`.
    pub async fn top_up_balance(&self, amount: &WireMoney, key: &str) -> Result<BalanceView, ClientError> {
        self.post_idempotent("/v1/balances/top_ups", &crate::wire::retail::TopUp { amount: amount.clone() }, key).await
    }

    /// `GET /v1/stores/{id}`.
    pub async fn store(&self, id: &str) -> Result<StoreView, ClientError> {
        self.get_json(&format!("/v1/stores/{}", encode(id))).await
    }

    /// `POST /v1/retail_orders`: preliminary checks and a hold. Retry with the same `key`.
    pub async fn create_retail_order(&self, order: &CreateOrder, key: &str) -> Result<OrderView, ClientError> {
        self.post_idempotent("/v1/retail_orders", order, key).await
    }

    /// `GET /v1/retail_orders/{id}`: what state an order is in (e.g. after a timeout).
    pub async fn retail_order(&self, id: &str) -> Result<OrderView, ClientError> {
        self.get_json(&format!("/v1/retail_orders/{}", encode(id))).await
    }

    /// `GET /v1/retail_orders?store_id&terminal_id&receipt_id`: the orders of one receipt, newest first
    /// (to find an order whose create reply was lost).
    pub async fn retail_orders_for_receipt(
        &self,
        store_id: &str,
        terminal_id: &str,
        receipt_id: &str,
    ) -> Result<Vec<OrderView>, ClientError> {
        let q = query_string(&[
            ("store_id", Some(store_id.to_string())),
            ("terminal_id", Some(terminal_id.to_string())),
            ("receipt_id", Some(receipt_id.to_string())),
        ]);
        Ok(self.get_json::<ListOf<OrderView>>(&format!("/v1/retail_orders{q}")).await?.data)
    }

    /// `GET /v1/retail_orders?store_id&terminal_id`: one terminal's orders, newest first (the
    /// journal shows the ones never sold: still open, expired, cancelled).
    pub async fn retail_orders_for_terminal(
        &self,
        store_id: &str,
        terminal_id: &str,
    ) -> Result<Vec<OrderView>, ClientError> {
        let q = query_string(&[
            ("store_id", Some(store_id.to_string())),
            ("terminal_id", Some(terminal_id.to_string())),
            ("limit", Some("100".to_string())),
        ]);
        Ok(self.get_json::<ListOf<OrderView>>(&format!("/v1/retail_orders{q}")).await?.data)
    }

    /// `POST /v1/retail_orders/{id}/actions/confirm`: after payment; the reply has the receipt lines.
    pub async fn confirm_retail_order(
        &self,
        id: &str,
        confirm: &ConfirmOrder,
        key: &str,
    ) -> Result<OrderView, ClientError> {
        self.post_idempotent(&format!("/v1/retail_orders/{}/actions/confirm", encode(id)), confirm, key).await
    }

    /// `POST /v1/retail_orders/{id}/actions/invalidate`: whenever in doubt.
    pub async fn invalidate_retail_order(&self, id: &str, key: &str) -> Result<OrderView, ClientError> {
        self.post_idempotent(
            &format!("/v1/retail_orders/{}/actions/invalidate", encode(id)),
            &serde_json::json!({}),
            key,
        )
        .await
    }

    /// `GET /v1/settlements` for a period (`YYYY-MM-DD`, inclusive) and optionally one store.
    pub async fn settlements(
        &self,
        from: Option<&str>,
        to: Option<&str>,
        store_id: Option<&str>,
    ) -> Result<Settlement, ClientError> {
        let q = query_string(&[
            ("from", from.map(str::to_string)),
            ("to", to.map(str::to_string)),
            ("store_id", store_id.map(str::to_string)),
        ]);
        self.get_json(&format!("/v1/settlements{q}")).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_values_are_encoded() {
        assert_eq!(query_string(&[("q", Some("Book & Co".into())), ("x", None)]), "?q=Book%20%26%20Co");
        assert_eq!(query_string(&[("x", None)]), "");
        assert_ne!(new_idempotency_key(), new_idempotency_key());
    }
}
