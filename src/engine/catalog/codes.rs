//! POR code stock: per product, codes imported from the distributor (one a line) or generated for
//! the demo. A code is `available`, then `reserved` by a created order (so two orders never race
//! for the last code), then `issued` on confirm; an invalidated confirmed order `blocked`s it; an
//! invalidated or expired created order puts it back.

use rusqlite::{OptionalExtension, params};

/// Codes left to sell: counted in `products` (a product's view shows its stock), named here too.
pub use super::products::por_stock as available;
use super::{ns_i64, products};
use crate::engine::Engine;
use crate::engine::retail::RetailError;

/// Letters and digits that cannot be confused when read aloud or typed (no 0/O, 1/I/L).
const DEMO_ALPHABET: &[u8] = b"23456789ABCDEFGHJKMNPQRSTUVWXYZ";

/// Checks a code's shape: 4 to 64 characters of `A-Z a-z 0-9 -`.
pub fn valid_code(code: &str) -> bool {
    (4..=64).contains(&code.len()) && code.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
}

/// What an import did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CodesReport {
    pub added: usize,
    /// Codes already in stock (of any product), skipped.
    pub duplicates: usize,
}

/// Parses a code file: one code a line; blank lines and `#` comments ignored.
pub fn parse_code_file(text: &str) -> Result<Vec<String>, RetailError> {
    let mut out = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        if !valid_code(line) {
            return Err(RetailError::bad_request(
                "invalid_code",
                format!("line {}: a code is 4 to 64 letters, digits or '-'", n + 1),
            ));
        }
        out.push(line.to_string());
    }
    Ok(out)
}

/// Adds codes to a product's stock inside a write.
pub fn add(conn: &rusqlite::Connection, now: i64, product: &str, codes: &[String]) -> Result<CodesReport, RetailError> {
    let p = products::load(conn, product)?
        .ok_or_else(|| RetailError::not_found("product_not_found", format!("no product {product}")))?;
    if p.kind != products::ProductKind::Por {
        return Err(RetailError::unprocessable(
            "not_a_por_product",
            format!("{product} is POSA: it has no code stock"),
        ));
    }
    let mut report = CodesReport::default();
    let mut stmt = conn.prepare_cached(
        "INSERT OR IGNORE INTO retail_por_codes (code, product_code, state, order_id, imported_at)
         VALUES (?1, ?2, 'available', NULL, ?3)",
    )?;
    for code in codes {
        if stmt.execute(params![code, product, now])? == 1 {
            report.added += 1;
        } else {
            report.duplicates += 1;
        }
    }
    Ok(report)
}

/// Imports a code file for a product, all or nothing.
pub async fn import(engine: &Engine, product: &str, text: &str) -> Result<CodesReport, RetailError> {
    let codes = parse_code_file(text)?;
    let product = product.to_string();
    engine.ledger().write(move |tx| add(tx.conn(), ns_i64(tx.now()), &product, &codes)).await
}

/// Generates `n` random demo codes of 16 characters.
pub fn demo_codes(n: u32) -> Vec<String> {
    use rand::Rng;
    let mut rng = rand::rng();
    (0..n)
        .map(|_| (0..16).map(|_| char::from(DEMO_ALPHABET[rng.random_range(0..DEMO_ALPHABET.len())])).collect())
        .collect()
}

/// Reserves the oldest available code for an order; `None` when the stock is empty.
pub fn reserve(conn: &rusqlite::Connection, product: &str, order_id: &str) -> Result<Option<String>, RetailError> {
    let code: Option<String> = conn
        .query_row(
            "SELECT code FROM retail_por_codes WHERE product_code = ?1 AND state = 'available' ORDER BY rowid LIMIT 1",
            [product],
            |r| r.get(0),
        )
        .optional()?;
    if let Some(code) = &code {
        conn.execute(
            "UPDATE retail_por_codes SET state = 'reserved', order_id = ?2 WHERE code = ?1",
            params![code, order_id],
        )?;
    }
    Ok(code)
}

/// Moves an order's code from one state to another (`reserved` → `issued`, `issued` → `blocked`,
/// `reserved` → `available`). Returns whether a code moved.
pub fn transition(conn: &rusqlite::Connection, order_id: &str, from: &str, to: &str) -> Result<bool, RetailError> {
    let release = to == "available";
    let n = conn.execute(
        "UPDATE retail_por_codes SET state = ?3, order_id = CASE WHEN ?4 THEN NULL ELSE order_id END
         WHERE order_id = ?1 AND state = ?2",
        params![order_id, from, to, release],
    )?;
    Ok(n > 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn code_files_skip_blanks_and_comments_and_refuse_junk() {
        let codes = parse_code_file("# batch 7\nABCD-1234\n\n  EFGH5678  \n").unwrap();
        assert_eq!(codes, vec!["ABCD-1234", "EFGH5678"]);
        let err = parse_code_file("GOOD1234\nbad code!\n").unwrap_err();
        assert!(err.to_string().contains("line 2"), "{err}");
    }

    #[test]
    fn demo_codes_are_readable() {
        let codes = demo_codes(20);
        assert_eq!(codes.len(), 20);
        assert!(codes.iter().all(|c| c.len() == 16 && valid_code(c) && !c.contains(['0', 'O', '1', 'I', 'L'])));
    }
}
