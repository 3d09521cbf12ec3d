//! `till extension create --tenant ID [--api-key KEY]`: prints `{"tenant_id": "...", "key": "..."}`,
//! the tenant's shared verification key for `/instore` (stored sealed, shown once); and
//! `till wallet barcode --wallet ID`, the digital wallet extension's single-use codes.

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
