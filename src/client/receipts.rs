//! Client calls for `/till/v1` receipts, and printing a stored receipt the safe way.

use std::time::Duration;

use super::{Client, ClientError};
pub use crate::api::till::receipts::CreateReceipt;
pub use crate::engine::receipts::{ReceiptQuery, StoredReceipt};
use crate::receipt::{PrintFailure, PrinterSpec, Receipt, Width};

/// What became of a print.
#[derive(Debug)]
pub enum PrintOutcome {
    /// The job went out and the receipt is recorded as printed.
    Printed(StoredReceipt),
    /// Not printed (or perhaps partly: see [`crate::receipt::PrintError::is_uncertain`]); the
    /// receipt stays stored and unprinted, for a reprint when a person decides.
    NotPrinted { receipt: StoredReceipt, reason: String, uncertain: bool },
}

impl Client {
    /// `POST /till/v1/receipts`: stores a receipt and returns it numbered.
    pub async fn create_receipt(&self, receipt: &Receipt, op_key: Option<&str>) -> Result<StoredReceipt, ClientError> {
        let body = CreateReceipt { receipt: receipt.clone(), op_key: op_key.map(str::to_string) };
        self.post_json("/till/v1/receipts", &body).await
    }

    /// `GET /till/v1/receipts`: stored receipts, newest first.
    pub async fn list_receipts(&self, q: &ReceiptQuery) -> Result<Vec<StoredReceipt>, ClientError> {
        let mut params = vec![format!("training={}", q.training), format!("unprinted={}", q.unprinted)];
        if let Some(t) = &q.terminal {
            params.push(format!("terminal={}", encode(t)));
        }
        if let Some(b) = q.before {
            params.push(format!("before={b}"));
        }
        if let Some(l) = q.limit {
            params.push(format!("limit={l}"));
        }
        self.get_json(&format!("/till/v1/receipts?{}", params.join("&"))).await
    }

    /// `GET /till/v1/receipts/{id}`.
    pub async fn receipt(&self, id: i64) -> Result<StoredReceipt, ClientError> {
        self.get_json(&format!("/till/v1/receipts/{id}")).await
    }

    /// `POST /till/v1/receipts/{id}/printed`.
    pub async fn mark_receipt_printed(&self, id: i64) -> Result<StoredReceipt, ClientError> {
        self.post_json(&format!("/till/v1/receipts/{id}/printed"), &serde_json::json!({})).await
    }

    /// `POST /till/v1/receipts/{id}/reprint`: the receipt marked DUPLICATE.
    pub async fn reprint_receipt(&self, id: i64) -> Result<StoredReceipt, ClientError> {
        self.post_json(&format!("/till/v1/receipts/{id}/reprint"), &serde_json::json!({})).await
    }

    /// Prints a stored receipt once (on a blocking thread, so the screen stays live) and, if the
    /// job went out, records it as printed. Never retries: a failure leaves it unprinted.
    pub async fn print_stored(
        &self,
        stored: StoredReceipt,
        width: Width,
        spec: PrinterSpec,
        timeout: Duration,
    ) -> Result<PrintOutcome, ClientError> {
        let receipt = stored.receipt.clone();
        let result = tokio::task::spawn_blocking(move || crate::receipt::print(&receipt, width, &spec, timeout)).await;
        match result {
            Ok(Ok(_)) => Ok(PrintOutcome::Printed(self.mark_receipt_printed(stored.id).await?)),
            Ok(Err(e)) => {
                let uncertain = matches!(&e, PrintFailure::Print(p) if p.is_uncertain());
                Ok(PrintOutcome::NotPrinted { receipt: stored, reason: e.to_string(), uncertain })
            }
            Err(e) => Ok(PrintOutcome::NotPrinted { receipt: stored, reason: e.to_string(), uncertain: true }),
        }
    }
}

/// Percent-encodes a query value (terminal ids are short and mostly plain).
fn encode(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}
