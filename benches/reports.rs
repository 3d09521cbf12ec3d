//! The Z report's computation over a day of 100,000 operations, printed beside the time to read the
//! same rows (the same query, no sorting or summing) in the same run.
//!
//! `cargo bench --bench reports` (optionally `-- OPERATIONS`). Goal: the Z computation at most 100 ms.
//! Setup books the day through the engine (gift sells, reloads, redeems with tips at two tills),
//! 64 operations at a time so the ledger's group commit keeps it quick, on a manual clock that
//! spreads them over a twelve-hour business day (08:00 to 20:00), as a store's day is: the Z reads
//! the per-minute flows kept with the ledger (`engine/reports/flow.rs`), the baseline every row.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::{Duration, Instant};

use till::engine::cards::CardInfo;
use till::engine::gift::{self, Meta, Op, Tender};
use till::engine::reports::{compute, repo};
use till::engine::{Engine, OpenOptions};
use till::money::{Currency, Money};

fn best_of<T>(n: usize, mut f: impl FnMut() -> T) -> (Duration, T) {
    let mut best = Duration::MAX;
    let mut out = None;
    for _ in 0..n {
        let t = Instant::now();
        let r = f();
        best = best.min(t.elapsed());
        out = Some(r);
    }
    (best, out.expect("ran at least once"))
}

fn main() {
    let ops: usize = std::env::args().skip(1).find_map(|a| a.parse().ok()).unwrap_or(100_000);
    let base = std::env::var_os("TILL_BENCH_DIR").map(std::path::PathBuf::from).unwrap_or_else(std::env::temp_dir);
    let dir = tempfile::tempdir_in(base).expect("temp dir");
    // 2026-11-26 08:00 UTC, then 12 hours for the day's operations.
    let start_ns: u64 = 1_795_680_000_000_000_000;
    let clock = std::sync::Arc::new(till::ledger::ManualClock::new(start_ns));
    let step_ns = 12 * 3_600 * 1_000_000_000u64 / ops.max(1) as u64;
    let engine = Engine::open_with_clock(dir.path(), OpenOptions { demo: true }, clock.clone()).expect("engine");
    let eur = Currency::from_code("EUR").expect("EUR");
    let cards = till::engine::cards::generate(&engine, 2_000).expect("cards");
    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().expect("runtime");
    let t0 = Instant::now();
    let mut failed = 0usize;
    rt.block_on(async {
        for chunk in 0..ops.div_ceil(64) {
            clock.set_ns(start_ns + chunk as u64 * 64 * step_ns);
            let mut set = tokio::task::JoinSet::new();
            for j in 0..64 {
                let i = chunk * 64 + j;
                if i >= ops {
                    break;
                }
                let engine = engine.clone();
                let n_cards = cards.len();
                let card =
                    CardInfo { printed_card_number: Some(cards[i % cards.len()].clone()), ..CardInfo::default() };
                set.spawn(async move {
                    let meta = Meta {
                        merchant_id: 1,
                        store_code: "A1234".into(),
                        terminal_id: Some(if i.is_multiple_of(2) { "T01" } else { "T02" }.into()),
                        external_id: Some(format!("bench-{i}")),
                        principal: "client:bench".into(),
                        ..Meta::default()
                    };
                    let m = |a: i64| Money::from_minor(a, eur);
                    let op = match (i / n_cards, (i / n_cards) % 4) {
                        (0, _) => Op::Sell {
                            card: Some(card),
                            amount: m(5_000),
                            tender: if i % 3 == 0 { Tender::Card } else { Tender::Cash },
                        },
                        (_, 0) => Op::Reload { card, amount: m(1_000), tender: Tender::Cash },
                        (_, 1) => Op::Redeem { card, amount: m(700), tip: m(100), allow_partial: true },
                        (_, 2) => Op::Reload { card, amount: m(500), tender: Tender::Card },
                        _ => Op::Redeem { card, amount: m(600), tip: m(0), allow_partial: true },
                    };
                    match gift::execute(&engine, meta, op).await {
                        Ok(_) => true,
                        Err(e) => {
                            if i % 9973 == 0 {
                                eprintln!("op {i} declined: {e}");
                            }
                            false
                        }
                    }
                });
            }
            while let Some(r) = set.join_next().await {
                if !matches!(r, Ok(true)) {
                    failed += 1;
                }
            }
        }
    });
    let setup = t0.elapsed();
    clock.set_ns(start_ns + 12 * 3_600 * 1_000_000_000);
    let to = i64::try_from(till::ledger::Clock::now_ns(clock.as_ref())).expect("time");
    let scope = compute::Scope {
        store: Some("A1234".into()),
        terminal: None,
        shift: None,
        from: 0,
        to,
        currency: eur,
        default_terminal: "T01".into(),
        spots: None,
    };
    let (read, rows) = best_of(5, || {
        engine
            .ledger()
            .read_sql(|sql| Ok::<_, till::ledger::LedgerError>(repo::transfers(sql, eur.ledger(), 0, to)?))
            .expect("read")
            .len()
    });
    let (z, totals) = best_of(5, || {
        engine
            .ledger()
            .read_sql(|sql| Ok::<_, till::ledger::LedgerError>(compute::compute(sql, &scope)?))
            .expect("compute")
    });
    let counted: u64 = totals.operations.values().map(|l| l.count).sum();
    println!(
        "day of {ops} operations booked in {:.1} s ({failed} declined), {rows} transfers in the window",
        setup.as_secs_f64()
    );
    println!("read the rows (same query, no work)   {:>8.1} ms", read.as_secs_f64() * 1e3);
    println!(
        "Z computation (read + sort + sum)     {:>8.1} ms   ({counted} operations counted; goal <= 100 ms)",
        z.as_secs_f64() * 1e3
    );
}
