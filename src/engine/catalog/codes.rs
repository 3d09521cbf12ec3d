//! POR code stock: per product, codes imported from the distributor (one a line) or generated for
//! the demo. A code is `available`, then `reserved` by a created order (so two orders never race
//! for the last code), then `issued` on confirm; an invalidated confirmed order `blocked`s it; an
//! invalidated or expired created order puts it back.

use super::{ns_i64, products, repo};
use crate::engine::Engine;
use crate::engine::retail::RetailError;
use crate::store::Sql;

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
pub fn add(sql: Sql<'_>, now: i64, product: &str, codes: &[String]) -> Result<CodesReport, RetailError> {
    let p = repo::load_product(sql, product)?
        .ok_or_else(|| RetailError::not_found("product_not_found", format!("no product {product}")))?;
    if p.kind != products::ProductKind::Por {
        return Err(RetailError::unprocessable(
            "not_a_por_product",
            format!("{product} is POSA: it has no code stock"),
        ));
    }
    let mut report = CodesReport::default();
    for code in codes {
        if repo::insert_code(sql, now, product, code)? {
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
    engine.ledger().write(move |tx| add(tx.sql(), ns_i64(tx.now()), &product, &codes)).await
}

/// Adds already parsed codes `batch` at a time, each batch its own commit, so a run stopped between
/// batches leaves whole batches only. `go_on(codes done, report so far)` is asked after each
/// batch; `false` stops there. Returns the report of the batches done.
pub async fn import_batches(
    engine: &Engine,
    product: &str,
    codes: Vec<String>,
    batch: usize,
    go_on: &mut (dyn FnMut(usize, &CodesReport) -> bool + Send),
) -> Result<CodesReport, RetailError> {
    let mut total = CodesReport::default();
    let mut done = 0;
    for chunk in codes.chunks(batch.max(1)) {
        let n = chunk.len();
        let (product, chunk) = (product.to_string(), chunk.to_vec());
        let r = engine.ledger().write(move |tx| add(tx.sql(), ns_i64(tx.now()), &product, &chunk)).await?;
        total.added += r.added;
        total.duplicates += r.duplicates;
        done += n;
        if !go_on(done, &total) {
            break;
        }
    }
    Ok(total)
}

/// Generates `n` random demo codes of 16 characters.
pub fn demo_codes(n: u32) -> Vec<String> {
    use rand::Rng;
    let mut rng = rand::rng();
    (0..n)
        .map(|_| (0..16).map(|_| char::from(DEMO_ALPHABET[rng.random_range(0..DEMO_ALPHABET.len())])).collect())
        .collect()
}

/// Codes left to sell.
pub fn available(sql: Sql<'_>, product: &str) -> Result<u64, RetailError> {
    Ok(repo::available_codes(sql, product)?)
}

/// Reserves the oldest available code for an order; `None` when the stock is empty.
pub fn reserve(sql: Sql<'_>, product: &str, order_id: &str) -> Result<Option<String>, RetailError> {
    Ok(repo::reserve_code(sql, product, order_id)?)
}

/// Moves an order's code from one state to another (`reserved` → `issued`, `issued` → `blocked`,
/// `reserved` → `available`). Returns whether a code moved.
pub fn transition(sql: Sql<'_>, order_id: &str, from: &str, to: &str) -> Result<bool, RetailError> {
    Ok(repo::transition_code(sql, order_id, from, to)?)
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
