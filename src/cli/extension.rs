//! `till extension create --tenant ID [--api-key KEY]`: prints `{"tenant_id": "...", "key": "..."}`,
//! the tenant's shared verification key for `/instore` (stored sealed, shown once); and
//! `till wallet barcode --wallet ID`, the digital wallet extension's single-use codes; and
//! `till extension settle|settlements`, the card simulator's settlement batches.

use std::process::ExitCode;

use super::{CliResult, Global, open_engine};

pub fn create(g: &Global, tenant: &str, api_key: Option<&str>) -> CliResult {
    let engine = open_engine(g)?;
    let key = crate::engine::extensions::tenants::create_blocking(&engine, tenant, api_key)?;
    println!("{}", serde_json::json!({ "tenant_id": tenant, "key": key }));
    Ok(ExitCode::SUCCESS)
}

/// `till wallet barcode --wallet ID`: one line, a single-use code for `/instore/pay_wallet`.
pub fn barcode(g: &Global, wallet: i64) -> CliResult {
    let engine = open_engine(g)?;
    println!("{}", crate::engine::extensions::wallet::issue_barcode_blocking(&engine, wallet)?);
    Ok(ExitCode::SUCCESS)
}

/// `till extension settle [--tenant ID [--currency C]]`: one JSON line per batch made (none when
/// nothing moved since the last batch).
pub fn settle(g: &Global, tenant: Option<&str>, currency: &str) -> CliResult {
    use crate::engine::extensions::settlement;
    let engine = open_engine(g)?;
    let batches = match tenant {
        Some(t) => settlement::settle_blocking(&engine, t, currency)?.into_iter().collect(),
        None => settlement::settle_all_blocking(&engine)?,
    };
    for b in batches {
        println!("{}", serde_json::to_string(&b)?);
    }
    Ok(ExitCode::SUCCESS)
}

/// `till extension settlements [--tenant ID]`: every batch, oldest first, one JSON line each.
pub fn settlements(g: &Global, tenant: Option<&str>) -> CliResult {
    let engine = open_engine(g)?;
    for b in crate::engine::extensions::settlement::batches(&engine, tenant, None)? {
        println!("{}", serde_json::to_string(&b)?);
    }
    Ok(ExitCode::SUCCESS)
}
