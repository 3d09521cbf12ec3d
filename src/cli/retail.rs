//! `till products import FILE`, `till codes import --product CODE FILE`, `till balance add AMOUNT CUR`.

use std::path::Path;
use std::process::ExitCode;

use super::progress::{INTERRUPTED, Progress, Stop, rate, secs};
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
/// The file is one commit (all or nothing): a spinner while it is written, and Ctrl+C, left to its
/// default, ends the process before the commit or after it, never inside.
pub fn import_products(g: &Global, file: &Path) -> CliResult {
    let text = read(file)?;
    let engine = open_engine(g)?;
    let spin = Progress::spinner(g, "products");
    spin.message(&format!("importing {}", file.display()));
    let report = block_on(products::import(&engine, &text))??;
    let n = u64::try_from(report.created + report.updated + report.unchanged).unwrap_or(0);
    let took = spin.elapsed();
    spin.finish(&format!("products: {n} read in {}", secs(took)));
    println!("products: {} created, {} updated, {} unchanged", report.created, report.updated, report.unchanged);
    Ok(ExitCode::SUCCESS)
}

/// Codes per commit of `till codes import`.
const CODE_BATCH: usize = 5_000;

/// Adds POR codes (one a line) to a product's stock, in batches (Ctrl+C stops after a whole one).
pub fn import_codes(g: &Global, product: &str, file: &Path) -> CliResult {
    let text = read(file)?;
    // The whole file is checked before anything is added.
    let all = codes::parse_code_file(&text)?;
    let total = all.len();
    let engine = open_engine(g)?;
    let stop = Stop::install()?;
    let bar = Progress::bar(g, "codes", u64::try_from(total).unwrap_or(0), "codes");
    let mut done = 0;
    let report = block_on(codes::import_batches(&engine, product, all, CODE_BATCH, &mut |n, _| {
        done = n;
        bar.set_position(u64::try_from(n).unwrap_or(0));
        !stop.requested()
    }))??;
    let took = bar.elapsed();
    let left = products::get_product(&engine, product)?.and_then(|p| p.stock).unwrap_or(0);
    if done < total {
        bar.finish(&format!("codes: interrupted; {done} of {total} read in whole batches ({})", secs(took)));
        println!("codes: {} added, {} already known; {left} available for {product}", report.added, report.duplicates);
        return Ok(ExitCode::from(INTERRUPTED));
    }
    let per_sec = rate(u64::try_from(done).unwrap_or(0), took);
    bar.finish(&format!("codes: {done} read in {} ({per_sec}/s)", secs(took)));
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
