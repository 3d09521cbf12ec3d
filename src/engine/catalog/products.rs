//! Products: third-party gift cards the partner may sell, identified by an EAN-13 code.
//!
//! A product has either fixed denominations or a min/max range, and is of one of two kinds: POR
//! (print on receipt: a code from the product's stock is printed) or POSA (point-of-sale
//! activation: the physical card scanned at the till is activated).

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::stores::{self, Listing};
use super::{codes, ns_i64, parse_country, repo, rfc3339};
use crate::engine::Engine;
use crate::engine::retail::{DecimalMoney, RetailError, webhooks};
use crate::money::{Currency, Money};
use crate::store::Sql;

/// An EAN-13 product code: 13 digits whose last is the check digit.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ProductCode(String);

impl ProductCode {
    /// Parses and checks the check digit.
    pub fn parse(s: &str) -> Result<ProductCode, RetailError> {
        let code = ProductCode::parse_shape(s)?;
        let expected = ean13_check_digit(&code.0[..12]);
        if code.0.as_bytes()[12] != b'0' + expected {
            return Err(RetailError::bad_request(
                "invalid_product_code",
                format!("{s:?} fails the EAN-13 check digit (expected {expected} last)"),
            ));
        }
        Ok(code)
    }

    /// Checks only that it is 13 digits (to look a stored code up, whatever its check digit).
    pub fn parse_shape(s: &str) -> Result<ProductCode, RetailError> {
        if s.len() == 13 && s.bytes().all(|b| b.is_ascii_digit()) {
            Ok(ProductCode(s.to_string()))
        } else {
            Err(RetailError::bad_request("invalid_product_code", format!("{s:?} is not a 13-digit EAN-13 code")))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The EAN-13 check digit of the first 12 digits (weights 1, 3, 1, 3… from the left).
pub fn ean13_check_digit(first12: &str) -> u8 {
    let sum: u32 = first12.bytes().enumerate().map(|(i, b)| u32::from(b - b'0') * if i % 2 == 0 { 1 } else { 3 }).sum();
    ((10 - sum % 10) % 10) as u8
}

/// How the product is delivered to the customer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ProductKind {
    /// Print on receipt: a code from stock is printed.
    #[serde(rename = "POR")]
    Por,
    /// Point-of-sale activation: the scanned physical card is activated.
    #[serde(rename = "POSA")]
    Posa,
}

impl ProductKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ProductKind::Por => "POR",
            ProductKind::Posa => "POSA",
        }
    }
    pub(crate) fn parse(s: &str) -> Option<ProductKind> {
        match s {
            "POR" => Some(ProductKind::Por),
            "POSA" => Some(ProductKind::Posa),
            _ => None,
        }
    }
}

/// The face values a product may be sold at, in minor units.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Values {
    Fixed(Vec<i64>),
    Range { min: i64, max: i64 },
}

/// A product as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Product {
    pub code: String,
    pub name: String,
    pub brand: String,
    pub country: String,
    pub currency: Currency,
    pub values: Values,
    pub kind: ProductKind,
    /// Commission in basis points of the face value (550 = 5.5 %).
    pub commission_bp: u32,
    pub redemption_text: String,
    pub support_text: String,
    pub active: bool,
    pub updated_at: i64,
}

impl Product {
    /// The commission on a face value, rounded half up to the minor unit.
    pub fn commission_on(&self, face_minor: i64) -> i64 {
        let c = (i128::from(face_minor) * i128::from(self.commission_bp) + 5_000) / 10_000;
        i64::try_from(c).unwrap_or(0)
    }

    /// The product as the engine shows it: the payload of product webhooks, and what `/v1` maps.
    pub fn view(&self, stock: Option<u64>) -> ProductView {
        let money = |m: i64| DecimalMoney::from(Money::from_minor(m, self.currency));
        let (denominations, min_value, max_value) = match &self.values {
            Values::Fixed(v) => (Some(v.iter().map(|m| money(*m)).collect()), None, None),
            Values::Range { min, max } => (None, Some(money(*min)), Some(money(*max))),
        };
        ProductView {
            code: self.code.clone(),
            name: self.name.clone(),
            brand: self.brand.clone(),
            country: self.country.clone(),
            currency: self.currency.code().to_string(),
            kind: self.kind,
            denominations,
            min_value,
            max_value,
            commission_percent: format!("{:.2}", Decimal::from(self.commission_bp) / Decimal::from(100)),
            redemption_text: self.redemption_text.clone(),
            support_text: self.support_text.clone(),
            active: self.active,
            stock,
            updated_at: rfc3339(self.updated_at),
        }
    }
}

/// A product as the engine shows it (`api::retail` maps it to `wire::retail::ProductView`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProductView {
    /// EAN-13 product code.
    pub code: String,
    pub name: String,
    pub brand: String,
    /// ISO 3166-1 alpha-2 country it is sold in.
    pub country: String,
    pub currency: String,
    pub kind: ProductKind,
    /// Fixed face values (absent for range products).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub denominations: Option<Vec<DecimalMoney>>,
    /// Smallest face value of a range product.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_value: Option<DecimalMoney>,
    /// Largest face value of a range product.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_value: Option<DecimalMoney>,
    /// Commission the partner earns, percent of face value, e.g. "5.00".
    pub commission_percent: String,
    pub redemption_text: String,
    pub support_text: String,
    pub active: bool,
    /// POR codes left in stock (POR products only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stock: Option<u64>,
    pub updated_at: String,
}

/// One product as a catalogue file describes it (`assets/catalog/products.json`).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ProductSpec {
    pub code: String,
    pub name: String,
    pub brand: String,
    pub country: String,
    pub currency: String,
    /// Fixed face values as decimal strings; leave empty for a range product.
    #[serde(default)]
    pub denominations: Vec<String>,
    #[serde(default)]
    pub min_value: Option<String>,
    #[serde(default)]
    pub max_value: Option<String>,
    pub kind: ProductKind,
    /// Percent of face value, at most two decimals.
    #[serde(default = "zero_percent")]
    pub commission_percent: String,
    #[serde(default)]
    pub redemption_text: String,
    #[serde(default)]
    pub support_text: String,
    #[serde(default = "yes")]
    pub active: bool,
    /// Accept a code whose EAN-13 check digit is wrong. Only for distributor codes that are known to
    /// be like that (the seed's `4001232232332` is one: its check digit would be 3).
    #[serde(default)]
    pub check_digit_exempt: bool,
    /// Demo only: how many demo POR codes to generate when seeding.
    #[serde(default)]
    pub demo_codes: u32,
}

fn zero_percent() -> String {
    "0".to_string()
}
fn yes() -> bool {
    true
}

/// A catalogue file.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CatalogFile {
    pub products: Vec<ProductSpec>,
}

/// What an import changed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ImportReport {
    pub created: usize,
    pub updated: usize,
    pub unchanged: usize,
}

fn text(field: &str, value: &str, max: usize) -> Result<String, RetailError> {
    let v = value.trim();
    if v.chars().count() > max {
        return Err(RetailError::bad_request("invalid_product", format!("{field} is longer than {max} characters")));
    }
    Ok(v.to_string())
}

fn amount(field: &str, s: &str, currency: Currency) -> Result<i64, RetailError> {
    let m = Money::parse(s.trim(), currency)
        .map_err(|e| RetailError::bad_request("invalid_product", format!("{field} {s:?}: {e}")))?;
    if m.minor() <= 0 {
        return Err(RetailError::bad_request("invalid_product", format!("{field} must be positive")));
    }
    Ok(m.minor())
}

/// Checks a catalogue entry and turns it into a product.
pub fn validate(spec: &ProductSpec) -> Result<Product, RetailError> {
    let code =
        if spec.check_digit_exempt { ProductCode::parse_shape(&spec.code)? } else { ProductCode::parse(&spec.code)? };
    let name = text("name", &spec.name, 80)?;
    let brand = text("brand", &spec.brand, 80)?;
    if name.is_empty() || brand.is_empty() {
        return Err(RetailError::bad_request("invalid_product", "name and brand must not be empty"));
    }
    let country = parse_country(&spec.country)
        .ok_or_else(|| RetailError::bad_request("invalid_product", "country must be an ISO 3166-1 alpha-2 code"))?;
    let currency = Currency::from_code(spec.currency.trim())
        .map_err(|e| RetailError::bad_request("invalid_product", e.to_string()))?;
    let values = match (spec.denominations.is_empty(), &spec.min_value, &spec.max_value) {
        (false, None, None) => {
            let mut v = spec
                .denominations
                .iter()
                .map(|d| amount("denomination", d, currency))
                .collect::<Result<Vec<_>, _>>()?;
            v.sort_unstable();
            v.dedup();
            Values::Fixed(v)
        }
        (true, Some(min), Some(max)) => {
            let (min, max) = (amount("min_value", min, currency)?, amount("max_value", max, currency)?);
            if min > max {
                return Err(RetailError::bad_request("invalid_product", "min_value is above max_value"));
            }
            Values::Range { min, max }
        }
        _ => {
            return Err(RetailError::bad_request(
                "invalid_product",
                "give either denominations or both min_value and max_value",
            ));
        }
    };
    let pct: Decimal = spec
        .commission_percent
        .trim()
        .parse()
        .map_err(|_| RetailError::bad_request("invalid_product", "commission_percent is not a decimal"))?;
    let bp = pct * Decimal::from(100);
    if pct.is_sign_negative() || pct > Decimal::from(100) || bp.fract() != Decimal::ZERO {
        return Err(RetailError::bad_request(
            "invalid_product",
            "commission_percent must be 0 to 100, two decimals at most",
        ));
    }
    let commission_bp = rust_decimal::prelude::ToPrimitive::to_u32(&bp).unwrap_or(0);
    Ok(Product {
        code: code.as_str().to_string(),
        name,
        brand,
        country,
        currency,
        values,
        kind: spec.kind,
        commission_bp,
        redemption_text: text("redemption_text", &spec.redemption_text, 1000)?,
        support_text: text("support_text", &spec.support_text, 1000)?,
        active: spec.active,
        updated_at: 0,
    })
}

/// Parses a catalogue file and validates every entry; nothing is imported if any entry is bad.
pub fn parse_catalog(json: &str) -> Result<Vec<(Product, u32)>, RetailError> {
    let file: CatalogFile = serde_json::from_str(json)
        .map_err(|e| RetailError::bad_request("invalid_catalog", format!("not a catalogue file: {e}")))?;
    let mut seen = std::collections::HashSet::new();
    file.products
        .iter()
        .enumerate()
        .map(|(i, spec)| {
            let p = validate(spec).map_err(|e| {
                RetailError::bad_request("invalid_product", format!("product #{} ({}): {e}", i + 1, spec.code))
            })?;
            if !seen.insert(p.code.clone()) {
                return Err(RetailError::bad_request("invalid_product", format!("product {} appears twice", p.code)));
            }
            Ok((p, spec.demo_codes))
        })
        .collect()
}

/// One product, on any transaction.
pub fn load(sql: Sql<'_>, code: &str) -> Result<Option<Product>, RetailError> {
    Ok(repo::load_product(sql, code)?)
}

/// Inserts or updates products inside a write, emitting `product.created` / `product.updated`.
pub fn upsert(sql: Sql<'_>, now: i64, products: &[Product]) -> Result<ImportReport, RetailError> {
    let mut report = ImportReport::default();
    for p in products {
        let existing = load(sql, &p.code)?;
        let event = match &existing {
            None => "product.created",
            Some(old) if Product { updated_at: 0, ..old.clone() } == *p => {
                report.unchanged += 1;
                continue;
            }
            Some(_) => "product.updated",
        };
        repo::upsert_product(sql, now, p)?;
        let stored = Product { updated_at: now, ..p.clone() };
        let stock = (p.kind == ProductKind::Por).then(|| codes::available(sql, &p.code)).transpose()?;
        webhooks::enqueue(sql, now, event, &serde_json::to_value(stored.view(stock)).unwrap_or_default())?;
        if existing.is_some() {
            report.updated += 1;
        } else {
            report.created += 1;
        }
    }
    Ok(report)
}

/// Imports a catalogue file's text: all or nothing, in one ledger write.
pub async fn import(engine: &Engine, json: &str) -> Result<ImportReport, RetailError> {
    let products: Vec<Product> = parse_catalog(json)?.into_iter().map(|(p, _)| p).collect();
    engine.ledger().write(move |tx| upsert(tx.sql(), ns_i64(tx.now()), &products)).await
}

/// Filters for listing products.
#[derive(Debug, Clone, Default)]
pub struct ProductFilter {
    pub country: Option<String>,
    /// Only products sold in this store's country.
    pub store_id: Option<String>,
    pub brand: Option<String>,
    pub kind: Option<ProductKind>,
    /// Case-insensitive substring of name or brand, or an exact product code.
    pub query: Option<String>,
    pub include_inactive: bool,
    pub after: Option<String>,
    pub limit: u32,
}

/// Products ordered by code, filtered, one page at a time, with their POR stock.
pub fn list_products(engine: &Engine, filter: ProductFilter) -> Result<Listing<ProductView>, RetailError> {
    let limit = filter.limit.clamp(1, 200);
    let mut country = match &filter.country {
        Some(c) => Some(parse_country(c).ok_or_else(|| {
            RetailError::bad_request("invalid_country", "country must be an ISO 3166-1 alpha-2 code")
        })?),
        None => None,
    };
    if let Some(store_id) = &filter.store_id {
        let store = stores::get_store(engine, store_id)?.ok_or_else(|| {
            RetailError::unprocessable("store_not_registered", format!("store {store_id:?} is not registered"))
        })?;
        if country.as_ref().is_some_and(|c| *c != store.country) {
            return Ok(Listing { items: vec![], next_cursor: None });
        }
        country = Some(store.country);
    }
    let filter = ProductFilter { country, ..filter };
    let mut rows = engine.ledger().read_sql(move |sql| {
        let pattern = filter.query.as_ref().map(|q| format!("%{}%", q.to_lowercase().replace(['%', '_'], "")));
        let query = repo::ProductQuery {
            after: filter.after.as_deref().unwrap_or_default(),
            country: filter.country.as_deref(),
            brand: filter.brand.as_deref(),
            kind: filter.kind,
            include_inactive: filter.include_inactive,
            pattern: pattern.as_deref(),
            code: filter.query.as_deref(),
            limit: i64::from(limit) + 1,
        };
        let mut out = Vec::new();
        for p in repo::list_products(sql, &query)? {
            let stock = (p.kind == ProductKind::Por).then(|| codes::available(sql, &p.code)).transpose()?;
            out.push((p, stock));
        }
        Ok::<_, RetailError>(out)
    })?;
    let next_cursor = if rows.len() > limit as usize {
        rows.truncate(limit as usize);
        rows.last().map(|(p, _)| p.code.clone())
    } else {
        None
    };
    let items = rows.into_iter().map(|(p, stock)| p.view(stock)).collect();
    Ok(Listing { items, next_cursor })
}

/// One product's view.
pub fn get_product(engine: &Engine, code: &str) -> Result<Option<ProductView>, RetailError> {
    let code = code.to_string();
    engine.ledger().read_sql(move |sql| {
        let Some(p) = load(sql, &code)? else { return Ok(None) };
        let stock = (p.kind == ProductKind::Por).then(|| codes::available(sql, &p.code)).transpose()?;
        Ok(Some(p.view(stock)))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ean13_check_digits() {
        assert_eq!(ean13_check_digit("400638133393"), 1);
        assert!(ProductCode::parse("4006381333931").is_ok());
        assert_eq!(ProductCode::parse("4006381333932").unwrap_err().code(), "invalid_product_code");
        assert!(ProductCode::parse("400638133393").is_err());
        assert!(ProductCode::parse("40063813339a1").is_err());
        // The seed's product code has a wrong check digit (3 would be right); it is only accepted with
        // an explicit exemption in the catalogue.
        assert!(ProductCode::parse("4001232232332").is_err());
        assert!(ProductCode::parse_shape("4001232232332").is_ok());
    }
}
