//! The demo catalogue: the configured store (A1234), the products of
//! `assets/catalog/products.json` with generated POR codes, and a prepaid balance per currency.

use super::{codes, ns_i64, products};
use crate::engine::retail::RetailError;
use crate::engine::{Engine, EngineError};
use crate::money::{Currency, Money};

/// The catalogue shipped with till.
pub const DEMO_CATALOG: &str = include_str!("../../../assets/catalog/products.json");

/// The demo balance per currency, in major units.
const DEMO_BALANCES: &[(&str, i64)] = &[("EUR", 5_000), ("GBP", 2_000), ("USD", 2_000)];

fn demo_error(e: RetailError) -> EngineError {
    EngineError::Config(format!("demo catalogue: {e}"))
}

/// Seeds the demo catalogue (blocking: runs at data-directory creation).
pub fn seed(engine: &Engine) -> Result<(), EngineError> {
    let new_store = super::stores::configured(engine);
    let catalog = products::parse_catalog(DEMO_CATALOG).map_err(demo_error)?;
    engine
        .ledger()
        .write_blocking(move |tx| {
            let now = ns_i64(tx.now());
            if let Some(new) = new_store {
                super::stores::insert(tx.sql(), now, new)?;
            }
            let list: Vec<_> = catalog.iter().map(|(p, _)| p.clone()).collect();
            products::upsert(tx.sql(), now, &list)?;
            for (p, n) in &catalog {
                if *n > 0 {
                    codes::add(tx.sql(), now, &p.code, &codes::demo_codes(*n))?;
                }
            }
            Ok::<(), RetailError>(())
        })
        .map_err(demo_error)?;
    for (code, major) in DEMO_BALANCES {
        let currency = Currency::from_code(code).map_err(|e| EngineError::Config(e.to_string()))?;
        let amount = Money::from_minor(major * 10i64.pow(u32::from(currency.exponent())), currency);
        let reference = format!("demo-{code}");
        engine.ledger().write_blocking(move |tx| super::balance::top_up(tx, amount, &reference)).map_err(demo_error)?;
    }
    Ok(())
}
