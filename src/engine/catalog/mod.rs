//! The catalogue of third-party gift cards: the partner's registered stores, the products it may
//! sell (with their POR code stock) and its prepaid balance with the distributor.
//!
//! | file       | owns                                                                 |
//! |------------|----------------------------------------------------------------------|
//! | `stores`   | store registration under the partner's own identifier (`A1234`)      |
//! | `products` | products (EAN-13 codes, denominations, kind POR/POSA), import, list  |
//! | `codes`    | POR code stock per product: import, reserve, issue, release, block   |
//! | `balance`  | the partner's prepaid balance per currency (a ledger account)        |
//! | `demo`     | the demo catalogue: store A1234, products, codes, a balance          |
//! | `repo`     | every SQL statement of the catalogue, through `store::Sql`           |

pub mod balance;
pub mod codes;
pub mod demo;
pub mod products;
pub mod repo;
pub mod stores;

use crate::ledger::Migration;

pub use balance::{Balance, add_balance, balances};
pub use products::{Product, ProductCode, ProductKind, ProductSpec};
pub use stores::{Store, StoreId, store_exists};

/// Domain tables of this area, applied once each, in order.
pub const MIGRATIONS: &[Migration] = &[
    Migration {
        component: "catalog",
        version: 1,
        sql: "
CREATE TABLE retail_stores (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    street TEXT NOT NULL,
    postal_code TEXT NOT NULL,
    city TEXT NOT NULL,
    country TEXT NOT NULL,
    created_at INTEGER NOT NULL
);
CREATE TABLE retail_products (
    code TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    brand TEXT NOT NULL,
    country TEXT NOT NULL,
    currency TEXT NOT NULL,
    denominations TEXT NOT NULL,
    min_minor INTEGER,
    max_minor INTEGER,
    kind TEXT NOT NULL,
    commission_bp INTEGER NOT NULL,
    redemption_text TEXT NOT NULL,
    support_text TEXT NOT NULL,
    active INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
CREATE INDEX retail_products_by_country ON retail_products(country, code);
CREATE TABLE retail_por_codes (
    code TEXT PRIMARY KEY,
    product_code TEXT NOT NULL,
    state TEXT NOT NULL,
    order_id TEXT,
    imported_at INTEGER NOT NULL
);
CREATE INDEX retail_por_codes_stock ON retail_por_codes(product_code, state);
CREATE TABLE retail_partner_balances (
    currency TEXT PRIMARY KEY,
    account_id TEXT NOT NULL
);
",
    },
    // The import order of POR codes as a column (it was SQLite's rowid, which is not portable), so the
    // oldest code is still sold first.
    Migration {
        component: "catalog",
        version: 2,
        sql: "
ALTER TABLE retail_por_codes ADD COLUMN seq INTEGER;
--@sqlite
UPDATE retail_por_codes SET seq = rowid;
--@both
CREATE INDEX retail_por_codes_seq ON retail_por_codes(seq);
CREATE INDEX retail_por_codes_sell ON retail_por_codes(product_code, state, seq);
",
    },
];

/// Checks an ISO 3166-1 alpha-2 country code's shape and returns it upper-cased.
/// The officially assigned ISO 3166-1 alpha-2 codes (249), sorted, for a binary search.
const ISO_3166_ALPHA2: &[&str] = &[
    "AD", "AE", "AF", "AG", "AI", "AL", "AM", "AO", "AQ", "AR", "AS", "AT", "AU", "AW", "AX", "AZ", "BA", "BB", "BD",
    "BE", "BF", "BG", "BH", "BI", "BJ", "BL", "BM", "BN", "BO", "BQ", "BR", "BS", "BT", "BV", "BW", "BY", "BZ", "CA",
    "CC", "CD", "CF", "CG", "CH", "CI", "CK", "CL", "CM", "CN", "CO", "CR", "CU", "CV", "CW", "CX", "CY", "CZ", "DE",
    "DJ", "DK", "DM", "DO", "DZ", "EC", "EE", "EG", "EH", "ER", "ES", "ET", "FI", "FJ", "FK", "FM", "FO", "FR", "GA",
    "GB", "GD", "GE", "GF", "GG", "GH", "GI", "GL", "GM", "GN", "GP", "GQ", "GR", "GS", "GT", "GU", "GW", "GY", "HK",
    "HM", "HN", "HR", "HT", "HU", "ID", "IE", "IL", "IM", "IN", "IO", "IQ", "IR", "IS", "IT", "JE", "JM", "JO", "JP",
    "KE", "KG", "KH", "KI", "KM", "KN", "KP", "KR", "KW", "KY", "KZ", "LA", "LB", "LC", "LI", "LK", "LR", "LS", "LT",
    "LU", "LV", "LY", "MA", "MC", "MD", "ME", "MF", "MG", "MH", "MK", "ML", "MM", "MN", "MO", "MP", "MQ", "MR", "MS",
    "MT", "MU", "MV", "MW", "MX", "MY", "MZ", "NA", "NC", "NE", "NF", "NG", "NI", "NL", "NO", "NP", "NR", "NU", "NZ",
    "OM", "PA", "PE", "PF", "PG", "PH", "PK", "PL", "PM", "PN", "PR", "PS", "PT", "PW", "PY", "QA", "RE", "RO", "RS",
    "RU", "RW", "SA", "SB", "SC", "SD", "SE", "SG", "SH", "SI", "SJ", "SK", "SL", "SM", "SN", "SO", "SR", "SS", "ST",
    "SV", "SX", "SY", "SZ", "TC", "TD", "TF", "TG", "TH", "TJ", "TK", "TL", "TM", "TN", "TO", "TR", "TT", "TV", "TW",
    "TZ", "UA", "UG", "UM", "US", "UY", "UZ", "VA", "VC", "VE", "VG", "VI", "VN", "VU", "WF", "WS", "YE", "YT", "ZA",
    "ZM", "ZW",
];

/// An ISO 3166-1 alpha-2 country code (any case in, upper case out); two letters that name no
/// country (`XX`, `ZZ`) are refused.
pub fn parse_country(s: &str) -> Option<String> {
    let s = s.trim().to_ascii_uppercase();
    ISO_3166_ALPHA2.binary_search(&s.as_str()).is_ok().then_some(s)
}

/// Nanoseconds since the epoch to RFC 3339 (UTC), as the wire shows timestamps.
pub fn rfc3339(ns: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(ns))
        .ok()
        .and_then(|t| t.replace_nanosecond(0).ok())
        .and_then(|t| t.format(&time::format_description::well_known::Rfc3339).ok())
        .unwrap_or_default()
}

/// The ledger's u64 timestamp as the i64 SQLite stores (saturating: far beyond year 2262).
pub fn ns_i64(ns: u64) -> i64 {
    i64::try_from(ns).unwrap_or(i64::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn countries_are_two_letters() {
        assert_eq!(parse_country("de").as_deref(), Some("DE"));
        assert_eq!(parse_country("DEU"), None);
        assert_eq!(parse_country("D1"), None);
    }

    #[test]
    fn timestamps_print_as_utc_seconds() {
        assert_eq!(rfc3339(1_700_000_000_123_456_789), "2023-11-14T22:13:20Z");
    }
}
