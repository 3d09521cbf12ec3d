//! `till products import FILE`, `till codes import --product CODE FILE`, `till balance add AMOUNT CUR`.

use std::path::Path;
use std::process::ExitCode;

use super::{CliResult, Global, open_engine};
use crate::engine::catalog::{balance, codes, products};
use crate::money::{Currency, Money};

fn read(file: &Path) -> Result<String, String> {
    std::fs::read_to_string(file).map_err(|e| format!("cannot read {}: {e}", file.display()))
}

fn block_on<F: std::future::Future>(f: F) -> Result<F::Output, std::io::Error> {
    Ok(tokio::runtime::Builder::new_current_thread().enable_all().build()?.block_on(f))
}

/// Imports or updates the products of a catalogue file (all or nothing).
pub fn import_products(g: &Global, file: &Path) -> CliResult {
    let text = read(file)?;
    let engine = open_engine(g)?;
    let report = block_on(products::import(&engine, &text))??;
    println!("products: {} created, {} updated, {} unchanged", report.created, report.updated, report.unchanged);
    Ok(ExitCode::SUCCESS)
}

/// Adds POR codes (one a line) to a product's stock.
pub fn import_codes(g: &Global, product: &str, file: &Path) -> CliResult {
    let text = read(file)?;
    let engine = open_engine(g)?;
    let report = block_on(codes::import(&engine, product, &text))??;
    let left = products::get_product(&engine, product)?.and_then(|p| p.stock).unwrap_or(0);
    println!("codes: {} added, {} already known; {left} available for {product}", report.added, report.duplicates);
    Ok(ExitCode::SUCCESS)
}

/// Records a top-up of the partner balance, e.g. `till balance add 500.00 EUR`.
pub fn add_balance(g: &Global, amount: &str, currency: &str) -> CliResult {
    let currency = Currency::from_code(currency)?;
    let amount = Money::parse(amount, currency)?;
    let engine = open_engine(g)?;
    // Each invocation is its own top-up.
    let reference = format!("cli-{:032x}", rand::random::<u128>());
    let b = block_on(balance::add_balance(&engine, amount, &reference))??;
    let show = |minor| Money::from_minor(minor, currency).to_plain_string();
    println!("balance {}: {} available, {} on hold", currency.code(), show(b.available), show(b.on_hold));
    Ok(ExitCode::SUCCESS)
}
