//! The catalogue's persistence: every SQL statement on `retail_stores`, `retail_products`,
//! `retail_por_codes` and `retail_partner_balances`, written against the storage boundary
//! ([`Sql`]) so the same calls run inside a ledger write (`tx.sql()`) or on a read snapshot.
//! The rules (validation, events, what a duplicate means) stay in the area's other files.

use super::products::{Product, ProductKind, Values};
use super::stores::{Address, Store};
use crate::money::Currency;
use crate::store::{Row, Sql, StoreError, StoreErrorKind, params};

// ---- stores ----

const STORE_COLUMNS: &str = "id, name, street, postal_code, city, country, created_at";

fn store_from_row(row: &Row<'_, '_>) -> Result<Store, StoreError> {
    Ok(Store {
        id: row.get(0)?,
        name: row.get(1)?,
        address: Address { street: row.get(2)?, postal_code: row.get(3)?, city: row.get(4)? },
        country: row.get(5)?,
        created_at: row.get(6)?,
    })
}

/// One store by id.
pub fn load_store(sql: Sql<'_>, id: &str) -> Result<Option<Store>, StoreError> {
    sql.query_one(&format!("SELECT {STORE_COLUMNS} FROM retail_stores WHERE id = ?1"), params![id], store_from_row)
}

pub fn insert_store(sql: Sql<'_>, s: &Store) -> Result<(), StoreError> {
    sql.execute(
        "INSERT INTO retail_stores (id, name, street, postal_code, city, country, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![
            s.id.as_str(),
            &s.name,
            &s.address.street,
            &s.address.postal_code,
            &s.address.city,
            &s.country,
            s.created_at
        ],
    )?;
    Ok(())
}

/// Up to `limit` stores after the id `after`, in id order; `query` is a lower-case `LIKE` pattern.
pub fn list_stores(
    sql: Sql<'_>,
    after: &str,
    country: Option<&str>,
    query: Option<&str>,
    limit: i64,
) -> Result<Vec<Store>, StoreError> {
    sql.query_all(
        &format!(
            "SELECT {STORE_COLUMNS} FROM retail_stores
             WHERE id > ?1 AND (?2 IS NULL OR country = ?2)
               AND (?3 IS NULL OR lower(name) LIKE ?3 OR lower(city) LIKE ?3)
             ORDER BY id LIMIT ?4"
        ),
        params![after, country, query, limit],
        store_from_row,
    )
}

// ---- products ----

const PRODUCT_COLUMNS: &str = "code, name, brand, country, currency, denominations, min_minor, max_minor, kind, \
                               commission_bp, redemption_text, support_text, active, updated_at";

fn damaged(what: &str) -> StoreError {
    StoreError::new(StoreErrorKind::Decode, format!("stored product has a bad {what}"))
}

fn product_from_row(row: &Row<'_, '_>) -> Result<Product, StoreError> {
    let currency: String = row.get(4)?;
    let denominations: String = row.get(5)?;
    let min: Option<i64> = row.get(6)?;
    let max: Option<i64> = row.get(7)?;
    let kind: String = row.get(8)?;
    let values = match (min, max) {
        (Some(min), Some(max)) => Values::Range { min, max },
        _ => Values::Fixed(serde_json::from_str(&denominations).map_err(|_| damaged("denominations"))?),
    };
    Ok(Product {
        code: row.get(0)?,
        name: row.get(1)?,
        brand: row.get(2)?,
        country: row.get(3)?,
        currency: Currency::from_code(&currency).map_err(|_| damaged("currency"))?,
        values,
        kind: ProductKind::parse(&kind).ok_or_else(|| damaged("kind"))?,
        commission_bp: row.get(9)?,
        redemption_text: row.get(10)?,
        support_text: row.get(11)?,
        active: row.get(12)?,
        updated_at: row.get(13)?,
    })
}

/// One product by code.
pub fn load_product(sql: Sql<'_>, code: &str) -> Result<Option<Product>, StoreError> {
    sql.query_one(
        &format!("SELECT {PRODUCT_COLUMNS} FROM retail_products WHERE code = ?1"),
        params![code],
        product_from_row,
    )
}

/// Inserts a product or replaces every field of the stored one (keeping `created_at`).
pub fn upsert_product(sql: Sql<'_>, now: i64, p: &Product) -> Result<(), StoreError> {
    let (denominations, min, max) = match &p.values {
        Values::Fixed(v) => (serde_json::to_string(v).unwrap_or_else(|_| "[]".into()), None, None),
        Values::Range { min, max } => (String::new(), Some(*min), Some(*max)),
    };
    sql.execute(
        "INSERT INTO retail_products (code, name, brand, country, currency, denominations, min_minor, max_minor,
             kind, commission_bp, redemption_text, support_text, active, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?14)
         ON CONFLICT(code) DO UPDATE SET name = excluded.name, brand = excluded.brand,
             country = excluded.country, currency = excluded.currency, denominations = excluded.denominations,
             min_minor = excluded.min_minor, max_minor = excluded.max_minor, kind = excluded.kind,
             commission_bp = excluded.commission_bp, redemption_text = excluded.redemption_text,
             support_text = excluded.support_text, active = excluded.active, updated_at = excluded.updated_at",
        params![
            &p.code,
            &p.name,
            &p.brand,
            &p.country,
            p.currency.code(),
            &denominations,
            min,
            max,
            p.kind.as_str(),
            p.commission_bp,
            &p.redemption_text,
            &p.support_text,
            p.active,
            now
        ],
    )?;
    Ok(())
}

/// What a product listing filters on (`None`: no filter).
pub struct ProductQuery<'a> {
    pub after: &'a str,
    pub country: Option<&'a str>,
    pub brand: Option<&'a str>,
    pub kind: Option<ProductKind>,
    pub include_inactive: bool,
    /// A lower-case `LIKE` pattern on name or brand…
    pub pattern: Option<&'a str>,
    /// …or an exact product code.
    pub code: Option<&'a str>,
    pub limit: i64,
}

/// Up to `limit` products after `after`, in code order.
pub fn list_products(sql: Sql<'_>, q: &ProductQuery<'_>) -> Result<Vec<Product>, StoreError> {
    sql.query_all(
        &format!(
            "SELECT {PRODUCT_COLUMNS} FROM retail_products
             WHERE code > ?1 AND (?2 IS NULL OR country = ?2) AND (?3 IS NULL OR lower(brand) = lower(?3))
               AND (?4 IS NULL OR kind = ?4) AND (?5 = 1 OR active = 1)
               AND (?6 IS NULL OR lower(name) LIKE ?6 OR lower(brand) LIKE ?6 OR code = ?7)
             ORDER BY code LIMIT ?8"
        ),
        params![
            q.after,
            q.country,
            q.brand,
            q.kind.map(|k| k.as_str()),
            q.include_inactive,
            q.pattern,
            q.code,
            q.limit
        ],
        product_from_row,
    )
}

// ---- POR code stock ----

/// Adds a code to a product's stock; `false` when the code is already stocked (by any product).
/// `seq` keeps the import order, so the oldest code is sold first.
pub fn insert_code(sql: Sql<'_>, now: i64, product: &str, code: &str) -> Result<bool, StoreError> {
    let n = sql.execute(
        "INSERT INTO retail_por_codes (code, product_code, state, order_id, imported_at, seq)
         VALUES (?1, ?2, 'available', NULL, ?3, (SELECT COALESCE(MAX(seq), 0) + 1 FROM retail_por_codes))
         ON CONFLICT (code) DO NOTHING",
        params![code, product, now],
    )?;
    Ok(n == 1)
}

/// Codes left to sell.
pub fn available_codes(sql: Sql<'_>, product: &str) -> Result<u64, StoreError> {
    let n = sql.query_one(
        "SELECT count(*) FROM retail_por_codes WHERE product_code = ?1 AND state = 'available'",
        params![product],
        |r| r.get::<u64>(0),
    )?;
    Ok(n.unwrap_or(0))
}

/// Reserves the oldest available code for an order; `None` when the stock is empty.
pub fn reserve_code(sql: Sql<'_>, product: &str, order_id: &str) -> Result<Option<String>, StoreError> {
    let code: Option<String> = sql.query_one(
        "SELECT code FROM retail_por_codes WHERE product_code = ?1 AND state = 'available' ORDER BY seq LIMIT 1",
        params![product],
        |r| r.get(0),
    )?;
    if let Some(code) = &code {
        sql.execute(
            "UPDATE retail_por_codes SET state = 'reserved', order_id = ?2 WHERE code = ?1",
            params![code, order_id],
        )?;
    }
    Ok(code)
}

/// Moves an order's code from one state to another; returns whether a code moved. Going back to
/// `available` unlinks it from the order.
pub fn transition_code(sql: Sql<'_>, order_id: &str, from: &str, to: &str) -> Result<bool, StoreError> {
    let release = to == "available";
    let n = sql.execute(
        "UPDATE retail_por_codes SET state = ?3, order_id = CASE WHEN ?4 = 1 THEN NULL ELSE order_id END
         WHERE order_id = ?1 AND state = ?2",
        params![order_id, from, to, release],
    )?;
    Ok(n > 0)
}

/// The code an order holds (whatever its state).
pub fn code_of_order(sql: Sql<'_>, order_id: &str) -> Result<Option<String>, StoreError> {
    sql.query_one("SELECT code FROM retail_por_codes WHERE order_id = ?1", params![order_id], |r| r.get(0))
}

// ---- partner balances ----

/// Remembers which ledger account holds a currency's prepaid balance (once per currency).
pub fn register_partner_balance(sql: Sql<'_>, currency: &str, account_hex: &str) -> Result<(), StoreError> {
    sql.execute(
        "INSERT INTO retail_partner_balances (currency, account_id) VALUES (?1, ?2) ON CONFLICT (currency) DO NOTHING",
        params![currency, account_hex],
    )?;
    Ok(())
}

/// Every (currency, account id hex) with a prepaid balance, by currency.
pub fn partner_balances(sql: Sql<'_>) -> Result<Vec<(String, String)>, StoreError> {
    sql.query_all("SELECT currency, account_id FROM retail_partner_balances ORDER BY currency", params![], |r| {
        Ok((r.get(0)?, r.get(1)?))
    })
}
