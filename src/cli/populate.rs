//! `till populate --transfers N --cards N`: fills a data directory with a year's worth of gift
//! card business, for measuring the till at scale (issue: 10 million transfers, 1 million cards).
//!
//! Everything goes through the engine's real write path, in large batches: the cards are
//! registered as `till cards generate` registers them, then every card is sold (one transfer from a
//! till's drawer or card clearing onto the card) and the rest are reloads and redemptions of those
//! cards, each one gift card operation with its journal row, so the ledger stays balanced, the
//! reports see ordinary days, and `till verify` passes on the result. Each batch is one commit;
//! Ctrl+C stops after the batch in progress and says how much was written. Running it again adds
//! as much again.

use std::process::ExitCode;

use super::progress::{INTERRUPTED, Progress, Stop, rate, secs};
use super::{CliResult, Global, open_engine};
use crate::engine::cards::{CardInfo, Program};
use crate::engine::gift::{self, Meta, Op, Tender};
use crate::money::Money;

/// What to build.
pub struct PopulateArgs {
    pub transfers: u64,
    pub cards: u64,
    /// Operations (or cards) per commit.
    pub batch: u32,
}

/// A card's first load; reloads and redemptions after it keep every balance positive (a card gets
/// at most `transfers / cards` operations, a third of them reloads).
const SELL_MINOR: i64 = 5_000;
const RELOAD_MINOR: i64 = 2_000;
const REDEEM_MINOR: i64 = 350;

pub fn run(g: &Global, a: PopulateArgs) -> CliResult {
    if a.cards == 0 || a.transfers < a.cards {
        return Err("--cards must be at least 1 and --transfers at least --cards (every card is sold once)".into());
    }
    let batch = a.batch.clamp(1, 100_000);
    let engine = open_engine(g)?;
    let program = Program::from_engine(&engine)?;
    let setup = gift::Setup::from_engine(&engine)?;
    let stop = Stop::install()?;

    // 1. The cards, registered inactive.
    let bar = Progress::bar(g, "populate: cards", a.cards, "cards");
    let mut numbers: Vec<String> = Vec::with_capacity(usize::try_from(a.cards).unwrap_or(0));
    while (numbers.len() as u64) < a.cards && !stop.requested() {
        let n = u32::try_from((a.cards - numbers.len() as u64).min(u64::from(batch))).unwrap_or(batch);
        let p = program.clone();
        numbers.extend(engine.ledger().write_blocking(move |tx| crate::engine::cards::generate_in(tx, &p, n))?);
        bar.set_position(numbers.len() as u64);
    }
    let cards_took = bar.elapsed();
    bar.finish(&format!(
        "populate: {} cards registered in {} ({}/s)",
        numbers.len(),
        secs(cards_took),
        rate(numbers.len() as u64, cards_took)
    ));

    // 2. The operations: each card sold once, then reloads and redemptions spread over the cards.
    let bar = Progress::bar(g, "populate: transfers", a.transfers, "transfers");
    let count = numbers.len() as u64;
    let mut done = 0u64;
    let mut declined = 0u64;
    let currency = program.currency;
    while done < a.transfers && count > 0 && !stop.requested() {
        let n = (a.transfers - done).min(u64::from(batch));
        let ops: Vec<(Meta, Op)> = (done..done + n)
            .map(|i| {
                let terminal = if i.is_multiple_of(2) { "T01" } else { "T02" };
                let meta = Meta {
                    merchant_id: setup.merchant_id,
                    store_code: setup.store_code(),
                    terminal_id: Some(terminal.into()),
                    principal: "client:populate".into(),
                    ..Meta::default()
                };
                let op = operation(i, count, &numbers, currency);
                (meta, op)
            })
            .collect();
        let results = gift::execute_many_blocking(&engine, ops)?;
        declined += results.iter().filter(|r| r.is_err()).count() as u64;
        done += n;
        bar.set_position(done);
    }
    let took = bar.elapsed();
    let summary = format!(
        "populate: {done} operations ({} declined) in {} ({}/s); {} cards",
        declined,
        secs(took),
        rate(done, took),
        numbers.len()
    );
    if done < a.transfers {
        bar.finish(&format!("{summary}; interrupted after whole batches ({} asked)", a.transfers));
        return Ok(ExitCode::from(INTERRUPTED));
    }
    bar.finish(&summary);
    Ok(ExitCode::SUCCESS)
}

/// The `i`-th operation: the first `count` sell each card once (cash and card alternately), then
/// every third is a reload and the others redemptions, walking the cards with a stride so that
/// consecutive operations touch different cards.
fn operation(i: u64, count: u64, numbers: &[String], currency: crate::money::Currency) -> Op {
    let pick = |k: u64| {
        let idx = usize::try_from(k % count).unwrap_or(0);
        CardInfo { printed_card_number: numbers.get(idx).cloned(), ..CardInfo::default() }
    };
    let tender = if i % 4 < 3 { Tender::Cash } else { Tender::Card };
    if i < count {
        return Op::Sell { card: Some(pick(i)), amount: Money::from_minor(SELL_MINOR, currency), tender };
    }
    // A stride coprime to most counts spreads the later operations over all cards.
    let card = pick(i.wrapping_mul(7_919));
    if i.is_multiple_of(3) {
        Op::Reload { card, amount: Money::from_minor(RELOAD_MINOR, currency), tender }
    } else {
        Op::Redeem {
            card,
            amount: Money::from_minor(REDEEM_MINOR, currency),
            tip: Money::from_minor(0, currency),
            allow_partial: true,
        }
    }
}
