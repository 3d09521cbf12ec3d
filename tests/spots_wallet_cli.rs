//! `till wallet …`, the wallet app a store or a trainer plays the customer with, as real processes
//! against a real `till serve` on a real socket: what a customer reads at each step of a table visit
//! (check in, see the bill, pay, the balance, check out), and what they read when it goes wrong
//! (too little in the wallet, not checked in, which wallet). The cashier's side is the merchant's
//! signed `/rest/v1` client.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;
mod spots_util;

use common::{DataDir, TestServer};
use till::client::spots::SpotsClient;

/// Runs `till wallet ARGS --server URL` on the server's data directory: (exit ok, stdout, stderr).
fn wallet(s: &TestServer, args: &[&str]) -> (bool, String, String) {
    let url = s.base_url();
    let mut all: Vec<&str> = vec!["wallet"];
    all.extend_from_slice(args);
    if !matches!(args.first(), Some(&"create")) {
        all.extend_from_slice(&["--server", &url]);
    }
    let out = s.data.till_output(&all);
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).trim().to_string(),
        String::from_utf8_lossy(&out.stderr).trim().to_string(),
    )
}

fn ok(s: &TestServer, args: &[&str]) -> String {
    let (success, out, err) = wallet(s, args);
    assert!(success, "till wallet {args:?} failed:\n{out}\n{err}");
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_customer_plays_one_table_visit_from_a_second_terminal() {
    let dir = DataDir::new();
    let merchant = spots_util::merchant(&dir);
    let ann = spots_util::customer(&dir, "Ann", "20.00");
    let bob = spots_util::customer(&dir, "Bob", "5.00");
    assert_eq!((ann.wallet_id, bob.wallet_id), (Some(1), Some(2)));
    let s = dir.serve();
    let pos = SpotsClient::new(&s.base_url(), merchant.client()).unwrap();

    // Two wallets in this data directory: the app asks which one.
    let (success, _, err) = wallet(&s, &["balance"]);
    assert!(!success);
    assert!(err.contains("several wallets here") && err.contains("--wallet"), "{err}");

    assert_eq!(ok(&s, &["balance", "--wallet", "1"]), "wallet 1: 20.00 EUR at disposal, 0.00 EUR reserved");
    // Not checked in yet: the app says what to do.
    let (success, _, err) = wallet(&s, &["orders", "--wallet", "1"]);
    assert!(!success);
    assert!(err.contains("not checked in") && err.contains("till wallet checkin"), "{err}");

    // Ann scans TABLE2's QR code.
    let out = ok(&s, &["checkin", "--code", "PAYSERA*1:TABLE2", "--wallet", "1"]);
    assert!(out.starts_with("checked in at spot 2 (PAYSERA*1:TABLE2)"), "{out}");
    assert!(out.ends_with(": waiting"), "{out}");
    assert_eq!(ok(&s, &["orders", "--wallet", "1"]), "spot 2 is waiting: no orders yet");

    // The cashier puts the bill on the table.
    let order = put_order(&pos, 2, 1250, "Kaffee und Kuchen").await;
    let out = ok(&s, &["orders", "--wallet", "1"]);
    assert_eq!(out, format!("order {order}  pending  12.50 EUR  Kaffee und Kuchen  [new]"));

    // Ann pays from the wallet: reserved until the cashier confirms.
    let out = ok(&s, &["pay", &order.to_string(), "--wallet", "1"]);
    assert_eq!(
        out,
        format!("order {order}: reserved 12.50 EUR  Kaffee und Kuchen  [reserved]; the cashier confirms it")
    );
    assert_eq!(ok(&s, &["balance", "--wallet", "1"]), "wallet 1: 7.50 EUR at disposal, 12.50 EUR reserved");
    // Paying twice changes nothing.
    let (success, _, err) = wallet(&s, &["pay", &order.to_string(), "--wallet", "1"]);
    assert!(!success);
    assert!(err.contains("already reserved"), "{err}");
    assert_eq!(ok(&s, &["balance", "--wallet", "1"]), "wallet 1: 7.50 EUR at disposal, 12.50 EUR reserved");

    // The cashier confirms: paid.
    let key = pos.order(order).await.unwrap().transaction_key;
    pos.confirm(&key, &Default::default()).await.unwrap();
    let out = ok(&s, &["orders", "--wallet", "1"]);
    assert_eq!(out, format!("order {order}  confirmed  12.50 EUR  Kaffee und Kuchen  [confirmed]"));
    assert_eq!(ok(&s, &["balance", "--wallet", "1"]), "wallet 1: 7.50 EUR at disposal, 0.00 EUR reserved");

    // Bob sits down too; his wallet holds less than the second bill: refused, nothing reserved.
    let out = ok(&s, &["checkin", "--code", "PAYSERA*1:TABLE2", "--wallet", "2"]);
    assert!(out.ends_with(": opened"), "a table with a bill on it is opened: {out}");
    let second = put_order(&pos, 2, 600, "Wein").await;
    let (success, _, err) = wallet(&s, &["pay", &second.to_string(), "--wallet", "2"]);
    assert!(!success);
    assert!(err.contains("5,00") && err.contains("6,00") && err.contains("nothing was reserved"), "{err}");
    assert_eq!(ok(&s, &["balance", "--wallet", "2"]), "wallet 2: 5.00 EUR at disposal, 0.00 EUR reserved");
    // Anyone checked in at the table may pay its bill: Ann pays the second one too (a rejected
    // transaction can be tried again), then the cashier revokes it and the money is back.
    let out = ok(&s, &["pay", &second.to_string(), "--wallet", "1"]);
    assert!(out.contains("reserved 6.00 EUR"), "{out}");
    assert_eq!(ok(&s, &["balance", "--wallet", "1"]), "wallet 1: 1.50 EUR at disposal, 6.00 EUR reserved");
    pos.revoke(&pos.order(second).await.unwrap().transaction_key).await.unwrap();
    assert_eq!(ok(&s, &["balance", "--wallet", "1"]), "wallet 1: 7.50 EUR at disposal, 0.00 EUR reserved");

    // Both leave. The table keeps its bill (opened) until the cashier closes it.
    assert_eq!(ok(&s, &["checkout", "--wallet", "2"]), "checked out of spot 2: opened");
    assert_eq!(ok(&s, &["checkout", "--wallet", "1"]), "checked out of spot 2: opened");
    let (success, _, err) = wallet(&s, &["orders", "--wallet", "1"]);
    assert!(!success && err.contains("not checked in"), "{err}");
    let closed = pos.close(2).await.unwrap();
    assert_eq!(closed.status, "closed");

    // A wallet that is not in this data directory.
    let (success, _, err) = wallet(&s, &["balance", "--wallet", "9"]);
    assert!(!success);
    assert!(err.contains("wallet 9") && err.contains("till wallet create"), "{err}");

    let out = s.data.till_output(&["verify"]);
    assert!(out.status.success(), "till verify:\n{}", String::from_utf8_lossy(&out.stdout));
}

/// The cashier's order of `price` minor units on spot `spot_id`; returns its id.
async fn put_order(pos: &SpotsClient, spot_id: i64, price: i64, description: &str) -> i64 {
    use till::client::spots::wire as w;
    let req = w::OrderRequest {
        transaction_key: None,
        transaction: Some(w::NewTransaction {
            payments: vec![w::NewPayment {
                description: description.into(),
                price: Some(price),
                currency: Some("EUR".into()),
                ..Default::default()
            }],
            ..Default::default()
        }),
    };
    pos.create_order(spot_id, &req).await.unwrap().id
}
