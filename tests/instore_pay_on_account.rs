//! Pay on account over a real socket: Create, Credit, Inquiry, Update, charges by authorised and
//! unauthorised users, replays, the log, and the credit limit holding under 32 concurrent charges.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;
mod instore_util;

use common::ledger_digest;
use instore_util::*;
use serde_json::{Value, json};

fn amount(minor: i64) -> Value {
    json!({"amount": minor.to_string(), "precision": "2", "currency": "EUR"})
}

fn charge(order: &str, user: &str, minor: i64) -> Value {
    json!({"action": "Create", "account_number": "ACC-1", "company_name": "ACME", "authorized_user_id": user,
        "amount": amount(minor), "session_id": "sess", "order_id": order, "status": "approved"})
}

async fn create(s: &Instore, limit: i64) -> Value {
    let r = s
        .post(
            "/instore/payonaccount/process",
            &json!({"action": "Create", "account_number": "ACC-1", "company_name": "ACME",
                "authorized_user_ids": ["u-1", "u-2"], "credit_limit": amount(limit)}),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    r.body
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn create_credit_inquire_update_and_charge() {
    let s = start("");
    let c = create(&s, 50_000).await;
    assert_eq!(c["status"], "approved");
    assert_eq!(c["balance"], amount(0));
    assert_eq!(c["credit_limit"], amount(50_000));
    assert_eq!(c["authorized_user_ids"], json!(["u-1", "u-2"]));
    // Create again is a replay; a different Create of the same number is refused.
    assert_eq!(create(&s, 50_000).await, c);
    let r = s
        .post(
            "/instore/payonaccount/process",
            &json!({"action": "Create", "account_number": "ACC-1", "company_name": "Other", "credit_limit": amount(1)}),
        )
        .await;
    assert_eq!(r.status, 409);

    let credit =
        json!({"action": "Credit", "account_number": "ACC-1", "authorized_user_id": "u-1", "balance": amount(10_000)});
    let r = s.post("/instore/payonaccount/process", &credit).await;
    assert_eq!(
        (r.body["status"].as_str(), r.body["balance"]["amount"].as_str()),
        (Some("approved"), Some("10000")),
        "{:?}",
        r.body
    );
    let before = ledger_digest(s.server.data.path());
    let again = s.post("/instore/payonaccount/process", &credit).await;
    assert_eq!(again.body, r.body, "the identical Credit is a replay");
    assert_eq!(ledger_digest(s.server.data.path()), before);

    // An unauthorised user is declined, whatever status the request proposes; nothing is charged.
    let r = s.post("/instore/payonaccountlog", &charge("o-1", "u-9", 1000)).await;
    assert_eq!(r.body["status"], "declined", "{:?}", r.body);
    assert_eq!(ledger_digest(s.server.data.path()).transfers, before.transfers);
    // An authorised one within the limit is approved; the log keeps the action as sent.
    let r = s.post("/instore/payonaccountlog", &charge("o-2", "u-2", 35_000)).await;
    assert_eq!(
        (r.body["status"].as_str(), r.body["action"].as_str()),
        (Some("approved"), Some("Create")),
        "{:?}",
        r.body
    );
    assert_eq!(r.body["amount"], amount(35_000));
    assert_eq!(r.body["balance"], amount(-25_000));
    let replay = s.post("/instore/payonaccountlog", &charge("o-2", "u-2", 35_000)).await;
    assert_eq!(replay.body, r.body);
    // Beyond the limit: 10000 + 50000 - 35000 = 25000 left.
    let r = s.post("/instore/payonaccountlog", &charge("o-3", "u-1", 25_001)).await;
    assert_eq!(r.body["status"], "declined");
    let r = s.post("/instore/payonaccountlog", &charge("o-4", "u-1", 25_000)).await;
    assert_eq!(r.body["status"], "approved");
    assert_eq!(r.body["balance"], amount(-50_000));

    // The limit cannot be lowered below what is owed; raising it works.
    let update = |limit: i64| json!({"action": "Update", "account_number": "ACC-1", "credit_limit": amount(limit), "company_name": "ACME Ltd"});
    let r = s.post("/instore/payonaccount/process", &update(40_000)).await;
    assert_eq!(r.body["status"], "declined", "{:?}", r.body);
    let r = s.post("/instore/payonaccount/process", &update(60_000)).await;
    assert_eq!((r.body["status"].as_str(), r.body["company_name"].as_str()), (Some("approved"), Some("ACME Ltd")));
    assert_eq!(r.body["balance"], amount(-50_000));
    let r = s.post("/instore/payonaccount/process", &json!({"action": "Inquiry", "account_number": "ACC-1"})).await;
    assert_eq!((r.body["credit_limit"].clone(), r.body["balance"].clone()), (amount(60_000), amount(-50_000)));
    let r = s.post("/instore/payonaccount/process", &json!({"action": "Inquiry", "account_number": "NOPE"})).await;
    assert_eq!(r.body["status"], "declined");

    let log = s.get("/instore/payonaccountlog/", &[("account_number", "ACC-1")]).await;
    assert_eq!(log.status, 200, "{:?}", log.body);
    let rows: Vec<(String, String)> = log.body["logs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| (l["order_id"].as_str().unwrap().to_string(), l["status"].as_str().unwrap().to_string()))
        .collect();
    let want = [("o-1", "declined"), ("o-2", "approved"), ("o-3", "declined"), ("o-4", "approved")];
    assert_eq!(rows, want.iter().map(|(a, b)| (a.to_string(), b.to_string())).collect::<Vec<_>>());
    s.verify();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_credit_limit_holds_under_32_concurrent_charges() {
    let s = std::sync::Arc::new(start(""));
    create(&s, 100_000).await;
    let mut tasks = Vec::new();
    for i in 0..32 {
        let s = s.clone();
        tasks.push(tokio::spawn(async move {
            let r = s.post("/instore/payonaccountlog", &charge(&format!("c-{i}"), "u-1", 7_000)).await;
            assert_eq!(r.status, 200, "{:?}", r.body);
            r.body["status"].as_str().unwrap().to_string()
        }));
    }
    let mut approved = 0;
    for t in tasks {
        if t.await.unwrap() == "approved" {
            approved += 1;
        }
    }
    // 100000 / 7000 = 14 charges fit; the 15th would pass the limit.
    assert_eq!(approved, 14);
    let r = s.post("/instore/payonaccount/process", &json!({"action": "Inquiry", "account_number": "ACC-1"})).await;
    assert_eq!(r.body["balance"], amount(-98_000));
    s.verify();
}
