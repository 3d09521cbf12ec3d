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
    let store = &engine.config().store;
    let catalog = products::parse_catalog(DEMO_CATALOG).map_err(demo_error)?;
    let new_store = (!store.store_id.is_empty()).then(|| {
        let street = store.address.first().cloned().unwrap_or_else(|| "-".into());
        let second = store.address.get(1).cloned().unwrap_or_default();
        let (postal_code, city) = second.split_once(' ').unwrap_or(("-", second.as_str()));
        super::stores::NewStore {
            id: store.store_id.clone(),
            name: store.name.clone().unwrap_or_default(),
            address: super::stores::Address {
                street,
                postal_code: postal_code.to_string(),
                city: if city.is_empty() { "-".into() } else { city.to_string() },
            },
            country: store.country.clone(),
        }
    });
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
