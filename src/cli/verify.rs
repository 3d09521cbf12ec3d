//! `till verify`: checks every ledger invariant and the Z report chain, and prints what it checked.
//! `till migrate`: brings the database's schema up to this build, without starting anything.
use std::process::ExitCode;

use super::progress::{Progress, rate, secs};
use super::{CliResult, Global};

pub fn run(g: &Global) -> CliResult {
    let engine = super::open_engine(g)?;
    let total = engine.ledger().transfer_count()?;
    let bar = Progress::bar(g, "verify", total, "transfers");
    let mut report = engine.ledger().verify_with(&mut |n| bar.set_position(n))?;
    bar.set_position(total);
    bar.message("· the Z chain");
    let (checked, violations) = crate::engine::reports::verify_chain(&engine)?;
    report.checked.extend(checked);
    report.violations.extend(violations);
    let took = bar.elapsed();
    bar.finish(&format!(
        "verify: {total} transfers in {} ({}/s), {} violation(s)",
        secs(took),
        rate(total, took),
        report.violations.len()
    ));
    for line in &report.checked {
        println!("checked: {line}");
    }
    if report.violations.is_empty() {
        println!("ok: every invariant holds");
        return Ok(ExitCode::SUCCESS);
    }
    for v in &report.violations {
        println!("VIOLATION: {v}");
    }
    println!("{} violation(s)", report.violations.len());
    Ok(ExitCode::FAILURE)
}

pub fn migrate(g: &Global) -> CliResult {
    let dir = super::data_dir(g)?;
    std::fs::create_dir_all(&dir)?;
    let config = crate::engine::EngineConfig::load_or_init(&dir)?;
    let at = crate::engine::storage_location(&dir, &config, g.database.as_deref())?;
    let now = i64::try_from(crate::ledger::Clock::now_ns(&crate::ledger::SystemClock) / 1_000_000_000).unwrap_or(0);
    let migrations = crate::engine::migrations();
    // Component by component, so the bar has something to count: each call applies the list up to
    // the end of one more component (the ledger's own come first every time), and what is already
    // applied is skipped. A whole component is one step, so a call never sees part of one.
    let ends: Vec<usize> = (1..=migrations.len())
        .filter(|&i| i == migrations.len() || migrations[i].component != migrations[i - 1].component)
        .collect();
    let bar = Progress::bar(g, "migrate", ends.len() as u64, "components");
    let mut fresh = None;
    for end in ends {
        bar.message(migrations[end - 1].component);
        let was_empty = crate::ledger::Ledger::migrate_only(&at, &migrations[..end], now)?;
        fresh.get_or_insert(was_empty);
        bar.inc(1);
    }
    let what = if fresh.unwrap_or(false) { "created" } else { "up to date" };
    let took = bar.elapsed();
    bar.finish(&format!("migrate: schema {what} in {} ({} migrations)", secs(took), migrations.len()));
    println!("ok: schema {what} at {}", at.describe());
    Ok(ExitCode::SUCCESS)
}
