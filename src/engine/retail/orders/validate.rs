//! The shape of create and confirm requests, checked before anything is looked up.

use super::repo::Order;
use super::types::{ConfirmOrder, CreateOrder};
use crate::engine::catalog::parse_country;
use crate::engine::catalog::products::ProductCode;
use crate::engine::domain::{StoreId, TerminalId};
use crate::engine::retail::{DecimalMoney, RetailError, lines};
use crate::money::{Locale, Money};

fn ident(field: &str, s: &str, max: usize) -> Result<String, RetailError> {
    let s = s.trim();
    if s.is_empty() || s.chars().count() > max || s.chars().any(char::is_control) {
        return Err(RetailError::bad_request(
            "invalid_request",
            format!("{field} must be 1 to {max} printable characters"),
        ));
    }
    Ok(s.to_string())
}

fn card_number(s: &str) -> Result<String, RetailError> {
    let n: String = s.chars().filter(|c| !matches!(c, ' ' | '-')).collect();
    if !(6..=40).contains(&n.len()) || !n.chars().all(|c| c.is_ascii_alphanumeric()) {
        return Err(RetailError::bad_request("invalid_card_number", "card_number must be 6 to 40 letters or digits"));
    }
    Ok(n)
}

/// A create request after its shape was checked (nothing looked up yet).
pub(super) struct ValidCreate {
    pub(super) product_code: String,
    pub(super) store_id: StoreId,
    pub(super) terminal_id: TerminalId,
    pub(super) receipt_id: String,
    pub(super) country: String,
    pub(super) face: Money,
    pub(super) width: u32,
    pub(super) locale: Locale,
    pub(super) card_number: Option<String>,
}

pub(super) fn validate_create(req: &CreateOrder) -> Result<ValidCreate, RetailError> {
    let product_code = ProductCode::parse_shape(req.product_code.trim())?.as_str().to_string();
    let store_id = StoreId::parse(req.store_id.trim())?;
    let terminal_id = TerminalId::parse(&req.terminal_id)?;
    let receipt_id = ident("receipt_id", &req.receipt_id, 64)?;
    let country = parse_country(&req.country)
        .ok_or_else(|| RetailError::bad_request("invalid_country", "country must be an ISO 3166-1 alpha-2 code"))?;
    let face = req.face_value.parse("face_value")?;
    if face.minor() <= 0 {
        return Err(RetailError::bad_request("invalid_amount", "face_value.amount must be positive"));
    }
    let width = req.receipt_printing.characters_per_line;
    if !(lines::MIN_WIDTH as u32..=lines::MAX_WIDTH as u32).contains(&width) {
        return Err(RetailError::bad_request(
            "invalid_characters_per_line",
            format!("receipt_printing.characters_per_line must be {} to {}", lines::MIN_WIDTH, lines::MAX_WIDTH),
        ));
    }
    let locale = Locale::parse(&req.receipt_printing.locale).map_err(|_| {
        RetailError::bad_request(
            "invalid_locale",
            format!(
                "receipt_printing.locale {:?} is not one of {}",
                req.receipt_printing.locale,
                Locale::ALL.map(|l| l.tag()).join(", ")
            ),
        )
    })?;
    let card_number = req.card_number.as_deref().map(card_number).transpose()?;
    Ok(ValidCreate { product_code, store_id, terminal_id, receipt_id, country, face, width, locale, card_number })
}

pub(super) fn check_confirm(
    order: &Order,
    req: &ConfirmOrder,
) -> Result<(Option<String>, Option<DecimalMoney>), RetailError> {
    let method = req.payment_method.as_deref().map(|m| ident("payment_method", m, 32)).transpose()?;
    let value = match &req.receipt_value {
        None => None,
        Some(w) => {
            let m = w.parse("receipt_value")?;
            if m.currency() != order.currency {
                return Err(RetailError::unprocessable(
                    "currency_mismatch",
                    format!("receipt_value must be in {}", order.currency.code()),
                ));
            }
            if m.minor() < order.face {
                return Err(RetailError::unprocessable(
                    "receipt_value_below_face_value",
                    "receipt_value must include the gift card's face value",
                ));
            }
            Some(DecimalMoney::from(m))
        }
    };
    Ok((method, value))
}
