//! Client calls for `/till/v1` receipts, and printing a stored receipt the safe way.

use std::time::Duration;

use super::{Client, ClientError};
use crate::receipt::{PrintFailure, PrinterSpec, Receipt, Width};
pub use crate::wire::till::{CreateReceipt, ReceiptQuery, ReceiptSetup, StoredReceipt};

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
    /// `GET /till/v1/receipt-setup`: header, terminal, locale and footer for this till's receipts.
    pub async fn receipt_setup(&self) -> Result<ReceiptSetup, ClientError> {
        self.get_json("/till/v1/receipt-setup").await
    }

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

/// The receipt for a confirmed retail order as `/v1` returned it: its lines as they are, POSA
/// card (already masked by the engine) or POR code (when the caller has it) below.
pub fn retail_receipt(
    ctx: &crate::receipt::Context,
    order: &crate::wire::retail::OrderView,
    paid: &[crate::receipt::Tender],
    por_code: Option<&str>,
) -> Result<Receipt, String> {
    use crate::money::{Currency, Money};
    use crate::receipt::{Activation, RetailResult};
    use crate::wire::retail::ProductKind;

    let currency = Currency::from_code(&order.face_value.currency).map_err(|e| e.to_string())?;
    let face_value = Money::parse(&order.face_value.amount, currency).map_err(|e| e.to_string())?;
    let activation = match order.kind {
        ProductKind::Por => Activation::Por { code: por_code.map(str::to_string), serial: None },
        ProductKind::Posa => Activation::Posa { card_number: order.card_number.clone().unwrap_or_default() },
    };
    let result = RetailResult {
        order_id: order.id.clone(),
        product: order.product_name.clone(),
        face_value,
        lines: order.receipt_printing.lines.clone().unwrap_or_default(),
        activation,
    };
    Receipt::retail_order(ctx, &result, paid).map_err(|e| e.to_string())
}

/// The receipt data of a `/gift` Success reply: amounts in the card's currency, the auth code and
/// transaction id; `code` is an e-gift code to print with a QR. The receipt constructors mask the
/// card number. The reply's `posMessages` belong in the context's footer.
pub fn gift_result(
    reply: &super::gift::GiftSuccess,
    currency: crate::money::Currency,
    code: Option<&str>,
) -> Result<crate::receipt::GiftResult, String> {
    use crate::money::Money;
    let parse = |v: &str| Money::parse(v, currency).map_err(|e| format!("{v:?}: {e}"));
    Ok(crate::receipt::GiftResult {
        card_number: reply.printed_card_number.clone(),
        amount: match &reply.transaction_amount {
            Some(a) => parse(a)?,
            None => Money::zero(currency),
        },
        previous_balance: reply.previous_balance.as_deref().map(parse).transpose()?,
        balance: Some(parse(&reply.current_balance)?),
        auth_code: Some(reply.px_auth_code.clone()),
        transaction_id: Some(reply.px_transaction_id.to_string()),
        code: code.map(str::to_string),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::money::Locale;
    use crate::receipt::{Context, StoreHeader, Width, layout};

    fn order(kind: &str, card: Option<&str>) -> crate::wire::retail::OrderView {
        let w = |a: &str| serde_json::json!({"currency": "EUR", "amount": a});
        serde_json::from_value(serde_json::json!({
            "id": "ro_1", "state": "confirmed", "product_code": "4001232232332", "product_name": "Streaming 25",
            "brand": "Stream", "kind": kind, "store_id": "A1234", "terminal_id": "T01", "receipt_id": "R1",
            "country": "DE", "face_value": w("25.0"), "commission": w("1.25"), "net_payable": w("23.75"),
            "card_number": card,
            "receipt_printing": {"characters_per_line": 42, "locale": "de-DE", "lines": ["Ihr Code", "X7K2-9QPL"]},
            "created_at": "2026-11-21T10:00:00Z", "expires_at": "2026-11-21T10:15:00Z"
        }))
        .unwrap()
    }

    fn ctx() -> Context {
        Context {
            header: StoreHeader { name: "Demo".into(), address: vec![], extra: vec![] },
            terminal: "T01".into(),
            cashier: None,
            issued_at: time::OffsetDateTime::UNIX_EPOCH,
            locale: Locale::DeDe,
            training: false,
            footer: vec![],
        }
    }

    #[test]
    fn gift_replies_become_receipts() {
        let reply: super::super::gift::GiftSuccess = serde_json::from_value(serde_json::json!({
            "result": "success", "pxTransactionId": 4811276391220190i64, "pxAuthCode": "042317",
            "currentBalance": "45.50", "previousBalance": "50.00", "transactionAmount": "4.50",
            "printedCardNumber": "6036280000000011", "maskedCardNumber": "************0011",
            "cardTemplateCode": 1, "cardTemplateName": "Gift", "tierCode": 0, "tierName": "", "posMessages": []
        }))
        .unwrap();
        let eur = crate::money::Currency::from_code("EUR").unwrap();
        let r = gift_result(&reply, eur, None).unwrap();
        assert_eq!((r.amount.minor(), r.balance.map(|b| b.minor())), (450, Some(4550)));
        let receipt = Receipt::gift_redeem(&ctx(), &r, None).unwrap();
        let text = layout(&receipt, Width::W32).preview();
        assert!(text.contains("**** 0011") && !text.contains("6036280000000011"), "{text}");
        assert!(text.contains("042317") && text.contains("45,50 €"), "{text}");
    }

    #[test]
    fn retail_orders_become_receipts() {
        let por = retail_receipt(&ctx(), &order("POR", None), &[], Some("X7K2-9QPL")).unwrap();
        let text = layout(&por, Width::W42).preview();
        assert!(
            text.contains("Ihr Code") && text.contains("[QR X7K2-9QPL]") && text.contains("2 5 , 0 0   €"),
            "{text}"
        );
        let posa = retail_receipt(&ctx(), &order("POSA", Some("**** 0042")), &[], None).unwrap();
        let text = layout(&posa, Width::W42).preview();
        assert!(text.contains("**** 0042") && !text.contains("[QR"), "{text}");
    }
}
