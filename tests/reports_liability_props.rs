//! Property: after 10,000 random gift operations (sells, reloads, redeems with tips, cash-outs,
//! refunds, reversals, exchanges; many declined), with a breakage booking in the middle, the
//! liability report equals the ledger's gift card liability and the sum of the cards' balances, to
//! the cent, and its movements explain the change.
//!
//! Operations run 64 at a time so the ledger's group commit keeps the 10,000 fast.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use proptest::prelude::*;
use till::engine::cards::CardInfo;
use till::engine::gift::{self, Meta, Op, Tender};
use till::engine::reports::liability;
use till::engine::{Engine, OpenOptions};
use till::money::{Currency, Money};

#[derive(Debug, Clone)]
enum Step {
    Sell(usize, i64, bool),
    Reload(usize, i64, bool),
    Redeem(usize, i64, i64),
    CashOut(usize),
    Refund(usize, i64),
    Reverse(usize),
    Exchange(usize, usize),
}

fn step() -> impl Strategy<Value = Step> {
    let card = 0usize..120;
    let amount = 100i64..20_000;
    prop_oneof![
        3 => (card.clone(), amount.clone(), any::<bool>()).prop_map(|(c, a, t)| Step::Sell(c, a, t)),
        3 => (card.clone(), amount.clone(), any::<bool>()).prop_map(|(c, a, t)| Step::Reload(c, a, t)),
        4 => (card.clone(), amount.clone(), 0i64..500).prop_map(|(c, a, t)| Step::Redeem(c, a, t)),
        1 => card.clone().prop_map(Step::CashOut),
        1 => (0usize..10_000, 1i64..5_000).prop_map(|(p, a)| Step::Refund(p, a)),
        1 => (0usize..10_000).prop_map(Step::Reverse),
        1 => (card.clone(), card).prop_map(|(a, b)| Step::Exchange(a, b)),
    ]
}

fn info(n: &str) -> CardInfo {
    CardInfo { printed_card_number: Some(n.to_string()), ..CardInfo::default() }
}

fn meta(i: usize) -> Meta {
    Meta {
        merchant_id: 1,
        store_code: "A1234".into(),
        terminal_id: Some(if i.is_multiple_of(2) { "T01" } else { "T02" }.into()),
        external_id: Some(format!("prop-{i}")),
        principal: "client:prop".into(),
        ..Meta::default()
    }
}

fn run(steps: Vec<Step>) -> Result<(), TestCaseError> {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path()).unwrap();
    let mut config = till::engine::config::DEMO_CONFIG.to_string();
    // Every balance lapses at once, so the breakage booking has something to do.
    config.push_str("\n[manager]\nbreakage = \"inactivity\"\nbreakage_months = 0\n");
    std::fs::write(dir.path().join("till.toml"), config).unwrap();
    let engine = Engine::open(dir.path(), OpenOptions { demo: true }).unwrap();
    let cards = till::engine::cards::generate(&engine, 120).unwrap();
    let eur = Currency::from_code("EUR").unwrap();
    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    let before = liability::liability(&engine, 0, i64::MAX).unwrap();
    let from = till::engine::reports::now_ns();
    let pxs = std::sync::Arc::new(std::sync::Mutex::new(Vec::<i64>::new()));
    rt.block_on(async {
        for (chunk_no, chunk) in steps.chunks(64).enumerate() {
            let mut set = tokio::task::JoinSet::new();
            for (j, s) in chunk.iter().enumerate() {
                let i = chunk_no * 64 + j;
                let (engine, cards, pxs) = (engine.clone(), cards.clone(), pxs.clone());
                let s = s.clone();
                set.spawn(async move {
                    let m = |a: i64| Money::from_minor(a, eur);
                    let tender = |card: bool| if card { Tender::Card } else { Tender::Cash };
                    let r = match s {
                        Step::Sell(c, a, t) => {
                            gift::execute(
                                &engine,
                                meta(i),
                                Op::Sell { card: Some(info(&cards[c])), amount: m(a), tender: tender(t) },
                            )
                            .await
                        }
                        Step::Reload(c, a, t) => {
                            gift::execute(
                                &engine,
                                meta(i),
                                Op::Reload { card: info(&cards[c]), amount: m(a), tender: tender(t) },
                            )
                            .await
                        }
                        Step::Redeem(c, a, t) => {
                            gift::execute(
                                &engine,
                                meta(i),
                                Op::Redeem { card: info(&cards[c]), amount: m(a), tip: m(t), allow_partial: true },
                            )
                            .await
                        }
                        Step::CashOut(c) => {
                            gift::execute(&engine, meta(i), Op::CashOut { card: info(&cards[c]), tender: Tender::Cash })
                                .await
                        }
                        Step::Exchange(a, b) => {
                            gift::execute(
                                &engine,
                                meta(i),
                                Op::Exchange { card: info(&cards[a]), new_card: info(&cards[b]) },
                            )
                            .await
                        }
                        Step::Refund(p, a) => {
                            let px = {
                                let l = pxs.lock().unwrap();
                                if l.is_empty() { return } else { l[p % l.len()] }
                            };
                            // The card of that transaction is whatever it was; a wrong card is declined.
                            let c = &cards[p % cards.len()];
                            gift::execute(&engine, meta(i), Op::Refund { card: info(c), amount: m(a), original_px: px })
                                .await
                        }
                        Step::Reverse(p) => {
                            let px = {
                                let l = pxs.lock().unwrap();
                                if l.is_empty() { return } else { l[p % l.len()] }
                            };
                            gift::reverse(&engine, meta(i), Some(px), None).await
                        }
                    };
                    if let Ok(ok) = r {
                        pxs.lock().unwrap().push(ok.px_transaction_id);
                    }
                });
            }
            while set.join_next().await.is_some() {}
            if chunk_no == 80 {
                let l = liability::liability(&engine, 0, i64::MAX).unwrap();
                let booked = liability::book_breakage(&engine, 9001, l.breakage.estimate.amount).await.unwrap();
                assert_eq!(booked.amount, l.breakage.estimate.amount);
            }
        }
    });
    let to = till::engine::reports::now_ns();
    let l = liability::liability(&engine, from, to).unwrap();
    // Independently: every card's ledger account, looked up one by one.
    let program = till::engine::cards::Program::from_engine(&engine).unwrap();
    let all: Vec<String> = engine
        .ledger()
        .read_sql(|sql| {
            Ok::<_, till::ledger::LedgerError>(
                sql.query_all("SELECT number FROM gift_cards", &[], |r| r.get::<String>(0))?,
            )
        })
        .unwrap();
    let mut sum: i128 = 0;
    for n in &all {
        if let Some(a) = engine.ledger().lookup_accounts(&[program.account_of(n)]).unwrap().first() {
            sum += a.credit_balance();
        }
    }
    prop_assert_eq!(i128::from(l.outstanding.amount), sum);
    prop_assert_eq!(l.ledger_total, l.outstanding.amount);
    prop_assert!(l.matches_ledger);
    prop_assert_eq!(l.outstanding.amount - before.outstanding.amount, l.movements.net, "movements explain the change");
    prop_assert!(l.movements.expired > 0, "the breakage booking moved something");
    let aged: i64 = l.ageing.iter().map(|b| b.amount).sum();
    prop_assert_eq!(aged, l.outstanding.amount);
    let report = engine.ledger().verify().unwrap();
    prop_assert!(report.violations.is_empty(), "{:?}", report.violations);
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 1, max_shrink_iters: 0, ..ProptestConfig::default() })]
    #[test]
    fn liability_equals_the_card_balances_after_10000_random_operations(steps in prop::collection::vec(step(), 10_000)) {
        run(steps)?;
    }
}
