//! `POST /till/v1/spot-orders/{id}/cash` over a real socket: a spot order paid in cash at the till
//! closes the order and books the cash into the drawer of the cashier's shift (so the shift's
//! expected cash and the X report's cash and spot orders grow by it), once; it needs a signed-in
//! cashier with an open shift, and refuses an order whose money is reserved or already paid.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod tui_common;

use till::client::Client;
use till::client::spots::wire as w;
use till::client::spots::{Credential, SpotsClient};
use till::money::{Currency, Money};

async fn order(pos: &SpotsClient, spot: i64, price: i64) -> w::Order {
    let req = w::OrderRequest {
        transaction_key: None,
        transaction: Some(w::NewTransaction {
            payments: vec![w::NewPayment {
                description: "Pasta".into(),
                price: Some(price),
                currency: Some("EUR".into()),
                ..Default::default()
            }],
            ..Default::default()
        }),
    };
    pos.create_order(spot, &req).await.unwrap()
}

fn declined(e: till::client::ClientError) -> (u16, String) {
    match e {
        till::client::ClientError::Declined { status, code, .. } => (status, code),
        other => panic!("expected a refusal, got {other}"),
    }
}

/// (expected cash in the drawer, cash tender, spot orders amount) of the store's X report.
fn x(engine: &till::engine::Engine) -> (i64, i64, i64) {
    let t = till::engine::reports::x_report(engine, Default::default()).unwrap().totals;
    (
        t.cash.expected,
        t.tenders.get("cash").copied().unwrap_or(0),
        t.operations.get("spot_order").map_or(0, |l| l.amount),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cash_at_the_till_closes_the_order_and_books_the_drawer_once() {
    let (_dir, engine, server) = tui_common::engine().await;
    let url = server.base_url();
    let pos = SpotsClient::new(
        &url,
        Credential::load(&engine.data_dir().join(till::client::spots::TILL_CREDENTIAL_FILE)).unwrap(),
    )
    .unwrap();
    let anon = Client::new(&url, "").unwrap();
    let cashier = anon.with_token(&anon.login(1001, "1234", None).await.unwrap().token);
    let before = x(&engine);

    // A cashier without an open shift takes no money.
    till::engine::users::add_user_blocking(&engine, 1002, "No Shift", "cashier", "4321").unwrap();
    let no_shift = anon.with_token(&anon.login(1002, "4321", None).await.unwrap().token);
    let o = order(&pos, 5, 650).await;
    let e = no_shift.spot_cash(o.id, &w::CashRequest::default()).await.unwrap_err();
    assert_eq!(declined(e), (409, "no_open_shift".into()));
    assert_eq!(pos.order(o.id).await.unwrap().status, "pending", "refused: the order is still open");

    // The demo cashier's shift on T01: paid, closed, the cash in T01's drawer.
    let paid = cashier.spot_cash(o.id, &w::CashRequest::default()).await.unwrap();
    assert_eq!((paid.terminal.as_str(), paid.amount, paid.spot.as_str()), ("T01", 650, "TABLE5"));
    assert_eq!(paid.items, vec![w::CashItem { description: "Pasta".into(), price: 650 }]);
    assert!(!paid.replay);
    assert_eq!(pos.order(o.id).await.unwrap().status, "closed");
    let after = x(&engine);
    assert_eq!((after.0 - before.0, after.1 - before.1, after.2 - before.2), (650, 650, 650));
    // The same call again (a retry after a lost reply): the first answer, no second booking.
    let again = cashier.spot_cash(o.id, &w::CashRequest::default()).await.unwrap();
    assert!(again.replay);
    assert_eq!(again.terminal, "T01");
    assert_eq!(x(&engine), after);

    // Money reserved from a wallet: confirm or revoke first. Paid from the wallet: no cash.
    let eur = Currency::from_code("EUR").unwrap();
    let c = till::engine::spots::clients::create_user(&engine, "Ann", Money::from_minor(5000, eur)).await.unwrap();
    let ann = SpotsClient::new(&url, Credential { id: c.id, key: c.key, wallet_id: c.wallet_id }).unwrap();
    let spot = ann.spot_by_code("PAYSERA*1:TABLE6").await.unwrap();
    ann.check_in(spot.id).await.unwrap();
    let o = order(&pos, spot.id, 1200).await;
    ann.reserve(&o.transaction_key).await.unwrap();
    let e = cashier.spot_cash(o.id, &w::CashRequest::default()).await.unwrap_err();
    assert_eq!(declined(e), (409, "invalid_state".into()));
    pos.confirm(&o.transaction_key, &Default::default()).await.unwrap();
    let e = cashier.spot_cash(o.id, &w::CashRequest::default()).await.unwrap_err();
    assert_eq!(declined(e), (409, "invalid_state".into()));
    assert_eq!(x(&engine).0, after.0, "no cash for a wallet-paid order");
    // No such order; an API token is not a cashier.
    let e = cashier.spot_cash(999, &w::CashRequest::default()).await.unwrap_err();
    assert_eq!(declined(e).0, 404);
    let token = till::engine::tokens::create_api_token(&engine, "partner").await.unwrap();
    let e = anon.with_token(&token).spot_cash(o.id, &w::CashRequest::default()).await.unwrap_err();
    assert_eq!(declined(e).0, 403);
    // The shift's own figures: its expected cash holds the table's 6,50.
    let shift = till::engine::shifts::current(&engine, 1001).unwrap().expect("the demo shift");
    let q = till::engine::reports::XQuery { shift: Some(shift.id), ..Default::default() };
    let totals = till::engine::reports::x_report(&engine, q).unwrap().totals;
    assert_eq!(totals.operations.get("spot_order").map(|l| (l.count, l.amount)), Some((1, 650)));
    assert_eq!(totals.cash.sales, 650, "the shift's cash sales");
    assert!(engine.ledger().verify().unwrap().violations.is_empty());
}
