//! The per-minute flows (engine/reports/flow.rs) give exactly what reading every transfer gives:
//! a day of gift operations at two tills spread over many minutes, with shifts opening and closing
//! mid-minute, paid-ins, refunds of amount and tip (two legs of one code), reversals, and report
//! windows that start and end inside minutes. Every window's totals are computed with the
//! summary, then the summary's completeness table is emptied (so every minute is read row by row)
//! and the same windows are computed again: the two must be equal field by field.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::Arc;

use till::engine::cards::CardInfo;
use till::engine::gift::{self, Meta, Op, Tender};
use till::engine::reports::compute::{self, Scope, Totals};
use till::engine::shifts::{self, Approval, CountLine, Movement, OpenShift};
use till::engine::tokens::Role;
use till::engine::{Engine, OpenOptions};
use till::ledger::{Clock, ManualClock};
use till::money::{Currency, Money};
use till::params;

const START_NS: u64 = 1_763_625_617_000_000_000; // 2025-11-20 08:00:17 UTC

fn totals(engine: &Engine, eur: Currency, from: i64, to: i64, terminal: Option<&str>) -> Totals {
    let scope = Scope {
        store: Some("A1234".into()),
        terminal: terminal.map(str::to_string),
        shift: None,
        from,
        to,
        currency: eur,
        default_terminal: "T01".into(),
        spots: None,
    };
    engine.ledger().read_sql(|sql| Ok::<_, till::ledger::LedgerError>(compute::compute(sql, &scope)?)).unwrap()
}

fn approval() -> Option<Approval> {
    Some(Approval { manager: 9001, note: "counted short on purpose".into() })
}

fn count_of(engine: &Engine, q: &str) -> i64 {
    engine
        .ledger()
        .read_sql(|sql| Ok::<_, till::ledger::LedgerError>(sql.query_one(q, params![], |r| r.get::<i64>(0))?))
        .unwrap()
        .unwrap_or(0)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_summary_and_the_rows_give_the_same_report() {
    let dir = tempfile::tempdir().unwrap();
    let clock = Arc::new(ManualClock::new(START_NS));
    let engine = Engine::open_with_clock(dir.path(), OpenOptions { demo: true }, clock.clone()).unwrap();
    till::engine::users::add_user_blocking(&engine, 1002, "Second Cashier", "cashier", "2222").unwrap();
    let eur = Currency::from_code("EUR").unwrap();
    let m = |a: i64| Money::from_minor(a, eur);
    let cards = till::engine::cards::generate(&engine, 40).unwrap();
    let float = vec![CountLine { denomination: 1000, quantity: 5 }];
    shifts::open(
        &engine,
        OpenShift { terminal: Some("T02".into()), cashier: 1002, cashier_name: "Second".into(), float: float.clone() },
    )
    .await
    .unwrap();

    let mut redeems: Vec<(usize, i64)> = Vec::new();
    let mut marks: Vec<i64> = vec![0];
    for i in 0..400usize {
        // 3 to 29 seconds apart, so operations fall in many different minutes.
        clock.advance_secs(3 + (i as u64 * 7) % 27);
        let terminal = if i % 3 == 0 { "T02" } else { "T01" };
        let meta = Meta {
            merchant_id: 1,
            store_code: "A1234".into(),
            terminal_id: Some(terminal.into()),
            cashier: (i % 5 == 0).then(|| "1001".to_string()),
            external_id: Some(format!("flow-{i}")),
            principal: if i % 7 == 0 { "client:partner".into() } else { "user:1001".into() },
            ..Meta::default()
        };
        let c = i % cards.len();
        let card = CardInfo { printed_card_number: Some(cards[c].clone()), ..CardInfo::default() };
        let op = if i < cards.len() {
            Op::Sell {
                card: Some(card),
                amount: m(10_000),
                tender: if i % 2 == 0 { Tender::Cash } else { Tender::Card },
            }
        } else {
            match i % 6 {
                0 => Op::Reload { card, amount: m(1_250), tender: Tender::Cash },
                1 | 4 => Op::Redeem { card, amount: m(830), tip: m(120), allow_partial: true },
                2 => match redeems.pop() {
                    Some((rc, px)) => Op::Refund {
                        card: CardInfo { printed_card_number: Some(cards[rc].clone()), ..CardInfo::default() },
                        amount: m(900),
                        original_px: px,
                    },
                    None => Op::Reload { card, amount: m(300), tender: Tender::Card },
                },
                3 => Op::Reload { card, amount: m(500), tender: Tender::Card },
                _ => Op::Redeem { card, amount: m(410), tip: m(0), allow_partial: true },
            }
        };
        let is_redeem = matches!(op, Op::Redeem { .. });
        if let Ok(ok) = gift::execute(&engine, meta.clone(), op).await {
            if is_redeem {
                redeems.push((c, ok.px_transaction_id));
            }
            if i % 37 == 5 {
                gift::reverse(&engine, meta, Some(ok.px_transaction_id), None).await.unwrap();
            }
        }
        if i % 50 == 17 {
            let user = if i < 300 { 1001 } else { 1002 };
            shifts::movement(&engine, user, Role::Cashier, None, Movement::PaidIn, m(2_000), "change".into())
                .await
                .unwrap();
        }
        // T02 changes hands mid-minute twice.
        if i == 150 || i == 300 {
            let closing = if i == 150 { 1002 } else { 1001 };
            let next = if i == 150 { 1001 } else { 1002 };
            clock.advance_secs(1);
            let s = shifts::current(&engine, closing).unwrap();
            if i == 150 {
                // 1001 hands T01 over first, so it can take T02.
                shifts::close(&engine, 1001, Role::Cashier, None, vec![], approval()).await.unwrap();
            }
            if let Some(s) = s {
                shifts::close(&engine, closing, Role::Cashier, Some(s.id), vec![], approval()).await.unwrap();
            }
            clock.advance_secs(2);
            shifts::open(
                &engine,
                OpenShift {
                    terminal: Some("T02".into()),
                    cashier: next,
                    cashier_name: "N".into(),
                    float: float.clone(),
                },
            )
            .await
            .unwrap();
        }
        if i % 61 == 13 {
            marks.push(i64::try_from(clock.now_ns()).unwrap());
        }
    }
    clock.advance_secs(1);
    let end = i64::try_from(clock.now_ns()).unwrap();
    marks.push(end);

    // Every transfer went through the summary, and most minutes can be read from it.
    let transfers = count_of(&engine, "SELECT COUNT(*) FROM ledger_transfers");
    assert!(transfers > 500, "{transfers} transfers");
    assert_eq!(count_of(&engine, "SELECT SUM(transfers) FROM reports_flow_seen"), transfers);
    let flows = count_of(&engine, "SELECT COUNT(*) FROM reports_flow");
    assert!(flows > 0 && flows < transfers, "{flows} flow rows for {transfers} transfers");

    // Windows: the whole day, pieces cut inside minutes, one terminal.
    let mut windows: Vec<(i64, i64, Option<&str>)> = vec![(0, end, None), (0, end, Some("T02"))];
    for w in marks.windows(2) {
        windows.push((w[0], w[1], None));
        windows.push((w[0] + 13_000_000_123, w[1] - 7_000_000_001, Some("T01")));
    }
    let summarised: Vec<Totals> = windows.iter().map(|(f, t, term)| totals(&engine, eur, *f, *t, *term)).collect();
    let whole = &summarised[0];
    assert!(whole.operations["gift_redeem"].count > 50, "{:?}", whole.operations);
    assert!(whole.operations.get("gift_refund").is_some_and(|l| l.count > 10), "{:?}", whole.operations);
    assert!(whole.cashiers.len() >= 3, "{:?}", whole.cashiers.keys());

    engine
        .ledger()
        .write_blocking(|tx| {
            tx.sql().execute("DELETE FROM reports_flow_seen", params![])?;
            Ok::<_, till::ledger::LedgerError>(())
        })
        .unwrap();
    for ((f, t, term), want) in windows.iter().zip(&summarised) {
        let rows = totals(&engine, eur, *f, *t, *term);
        assert_eq!(&rows, want, "window ({f}, {t}] {term:?}");
    }
}
