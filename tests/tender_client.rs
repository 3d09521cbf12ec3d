//! The till's tender client (`client::tender`, `client::tender_pay`) against a real `till serve` as
//! the extension: every card outcome the simulator produces (approved, declined, partial,
//! signature, no answer → cancelled, device offline), a wallet and an account tender, and a
//! three-tender split whose last tender fails and is abandoned: every tender given back in reverse
//! order, nothing left charged, `till verify` after.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;
mod instore_util;

use std::time::Duration;

use common::ledger_digest;
use instore_util::*;
use serde_json::{Value, json};
use till::client::tender::{ExtensionConfig, Instore as Ext};
use till::client::tender_pay::{self, AccountOutcome, CardOutcome, CardRequest, Taken, WalletOutcome};
use till::money::{Currency, Money};

fn eur(minor: i64) -> Money {
    Money::from_minor(minor, Currency::from_code("EUR").unwrap())
}

fn ext(s: &Instore, timeout_ms: u64) -> Ext {
    Ext::new(&ExtensionConfig {
        url: s.server.base_url(),
        tenant: s.tenant.id.clone(),
        key: s.tenant.key.clone(),
        timeout_ms,
        ..ExtensionConfig::default()
    })
    .unwrap()
}

const PED: &str = "32423424224";

fn card(reference: &str, minor: i64, test_card: &str) -> CardRequest {
    CardRequest {
        reference: reference.into(),
        sale_id: "sale-1".into(),
        amount: eur(minor),
        test_card: Some(test_card.into()),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_card_outcome_of_the_simulator() {
    let s = start("");
    let e = ext(&s, 10_000);
    match tender_pay::take_card(&e, PED, &card("t-ok", 2500, "4242424242424242")).await.unwrap() {
        CardOutcome::Approved(Taken::Card { last4, auth_code, amount, .. }) => {
            assert_eq!((last4.as_str(), auth_code.as_str(), amount), ("4242", "00", eur(2500)));
        }
        other => panic!("{other:?}"),
    }
    let d = tender_pay::take_card(&e, PED, &card("t-dec", 2500, "4000000000009995")).await.unwrap();
    assert!(matches!(&d, CardOutcome::Declined { code, .. } if code == "51"), "{d:?}");
    match tender_pay::take_card(&e, PED, &card("t-part", 2500, "4000000000000077")).await.unwrap() {
        CardOutcome::Approved(t) => assert_eq!(t.amount(), eur(1000), "partially approved: 15.00 stays due"),
        other => panic!("{other:?}"),
    }
    let signed = match tender_pay::take_card(&e, PED, &card("t-sign", 4200, "4000000000000036")).await.unwrap() {
        CardOutcome::SignatureRequired(t) => t,
        other => panic!("{other:?}"),
    };
    let captured = tender_pay::confirm_signature(&e, signed).await.unwrap();
    assert!(matches!(captured, CardOutcome::Approved(_)), "{captured:?}");
    let off = tender_pay::take_card(&e, "99999", &card("t-off", 100, "4242424242424242")).await.unwrap();
    assert_eq!(off, CardOutcome::DeviceOffline);
    s.verify();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_card_that_never_answers_is_cancelled_and_charges_nothing() {
    let s = start("");
    // The till waits 1 s; the simulator's silent card keeps quiet for 3 s.
    let e = ext(&s, 1_000);
    let before = ledger_digest(s.server.data.path());
    let r = tender_pay::take_card(&e, PED, &card("t-silent", 1500, "4000000000000119")).await.unwrap();
    assert_eq!(r, CardOutcome::NoAnswer { reference: "t-silent".into(), cancelled: true });
    // Long after the simulator would have answered, a retry of that reference is still cancelled.
    tokio::time::sleep(Duration::from_secs(3)).await;
    let again = ext(&s, 10_000);
    let r = tender_pay::take_card(&again, PED, &card("t-silent", 1500, "4242424242424242")).await.unwrap();
    assert!(matches!(&r, CardOutcome::Declined { reason, .. } if reason.contains("cancelled")), "{r:?}");
    assert_eq!(ledger_digest(s.server.data.path()), before, "the customer was never charged");
}

fn wallet_with_code(s: &Instore, balance: &str) -> (i64, String) {
    let out = s.server.till(&["wallet", "create", "--name", "Ann", "--balance", balance]);
    let v: Value = serde_json::from_str(out.trim()).unwrap();
    let id = v["wallet_id"].as_i64().unwrap();
    let code = s.server.till(&["wallet", "barcode", "--wallet", &id.to_string()]).trim().to_string();
    (id, code)
}

async fn account(s: &Instore, number: &str, limit: i64) {
    let r = s
        .post(
            "/instore/payonaccount/process",
            &json!({"action": "Create", "account_number": number, "company_name": "ACME",
                "authorized_user_ids": ["u-1"], "credit_limit": {"amount": limit.to_string(), "precision": "2", "currency": "EUR"}}),
        )
        .await;
    assert_eq!(r.body["status"], "approved", "{:?}", r.body);
}

async fn inquiry(s: &Instore, number: &str) -> String {
    let r = s.post("/instore/payonaccount/process", &json!({"action": "Inquiry", "account_number": number})).await;
    r.body["balance"]["amount"].as_str().unwrap().to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_three_tender_split_that_fails_last_is_given_back_in_reverse() {
    let s = start("");
    let e = ext(&s, 10_000);
    let (_, code) = wallet_with_code(&s, "30.00");
    account(&s, "ACC-9", 10_000).await;

    // 45.00 due: card 20.00, wallet 10.00, account 5.00, then a declined card for the last 10.00.
    let mut taken: Vec<Taken> = Vec::new();
    match tender_pay::take_card(&e, PED, &card("sale9-1", 2000, "4242424242424242")).await.unwrap() {
        CardOutcome::Approved(t) => taken.push(t),
        other => panic!("{other:?}"),
    }
    match tender_pay::take_wallet(&e, &code, eur(1000), "sale9-2").await.unwrap() {
        WalletOutcome::Paid(t) => taken.push(t),
        other => panic!("{other:?}"),
    }
    match tender_pay::take_account(&e, "ACC-9", "u-1", eur(500), "sale9-3").await.unwrap() {
        AccountOutcome::Charged(t) => taken.push(t),
        other => panic!("{other:?}"),
    }
    assert_eq!(taken.iter().map(|t| t.amount().minor()).sum::<i64>(), 3500);
    assert_eq!(inquiry(&s, "ACC-9").await, "-500");
    let last = tender_pay::take_card(&e, PED, &card("sale9-4", 1000, "4000000000000002")).await.unwrap();
    assert!(matches!(last, CardOutcome::Declined { .. }), "{last:?}");

    // Abandon: every tender back, newest first.
    for t in taken.iter().rev() {
        assert!(tender_pay::undo(&e, t).await.unwrap(), "undo {t:?}");
    }
    assert_eq!(inquiry(&s, "ACC-9").await, "0");
    // The wallet payment and the card are wholly given back.
    let wallet_left = s
        .post("/instore/available_wallet_refund", &json!({"transaction_id": match &taken[1] { Taken::Wallet { transaction_id, .. } => transaction_id.clone(), _ => unreachable!() }}))
        .await;
    assert_eq!(wallet_left.body["available"], "0", "the wallet payment is fully refunded: {:?}", wallet_left.body);
    let card_left = match &taken[0] {
        Taken::Card { processor_id, .. } => {
            s.get(&format!("/instore/credit_available_refund/{processor_id}"), &[]).await
        }
        _ => unreachable!(),
    };
    assert_eq!(card_left.body["data"]["status"], "canceled", "{:?}", card_left.body);
    // An unauthorised user and an over-limit charge are declined.
    let r = tender_pay::take_account(&e, "ACC-9", "intruder", eur(100), "sale9-5").await.unwrap();
    assert!(matches!(r, AccountOutcome::Declined { .. }));
    let r = tender_pay::take_account(&e, "ACC-9", "u-1", eur(10_001), "sale9-6").await.unwrap();
    assert!(matches!(r, AccountOutcome::Declined { .. }), "{r:?}");
    s.verify();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_embedded_default_takes_a_card_on_a_fresh_data_directory() {
    // A fresh directory with nothing edited: no tenant made by hand, no [tenders] section.
    let dir = common::DataDir::new();
    let engine = till::engine::Engine::open(dir.path(), till::engine::OpenOptions::default()).unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let app = till::api::serve::app(engine.clone());
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    let cfg = till::cli::tenders::embedded(&engine, &url).unwrap();
    assert_eq!((cfg.card.url.as_str(), cfg.card.tenant.as_str()), (url.as_str(), "till"));
    // The own tenant's key is stable across calls (the same till restarted).
    assert_eq!(till::cli::tenders::embedded(&engine, &url).unwrap().card.key, cfg.card.key);
    let e = Ext::new(&cfg.card).unwrap();
    let r = tender_pay::take_card(&e, &cfg.card.ped, &card("fresh-1", 1200, "4242424242424242")).await.unwrap();
    assert!(matches!(r, CardOutcome::Approved(_)), "{r:?}");
    // A wrong key is refused by the same engine: the default really signs.
    let bad = Ext::new(&ExtensionConfig { key: "0".repeat(64), ..cfg.card.clone() }).unwrap();
    let err = tender_pay::take_card(&bad, &cfg.card.ped, &card("fresh-2", 100, "4242424242424242")).await.unwrap_err();
    assert!(matches!(err, till::client::ClientError::Declined { status: 401, .. }), "{err:?}");
}
