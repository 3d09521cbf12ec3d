//! A day with the payment extensions and spot orders in it: a store POS takes a card payment
//! (and refunds part of it), charges an order on account and takes a wallet payment through
//! `/instore`'s engine calls; a guest reserves a table order from their wallet and the merchant
//! confirms it (lowered); the processor settles card clearing. The X report counts each under
//! its own operation and its tender, and every figure equals the ledger to the cent.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod manager_common;

use manager_common::Day;
use till::engine::accounts::{account_id, code};
use till::engine::extensions::{card, pay_on_account as poa, settlement, tenants, wallet};
use till::engine::reports::{self, XQuery};
use till::engine::spots::transactions::{self, NewPayment, NewTransaction, ReserveFor};
use till::engine::spots::{Caller, ClientKind, wallets};
use till::money::{Currency, Money};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn extension_payments_and_wallet_spot_orders_count_under_their_tenders() {
    let day = Day::start().await;
    let e = day.engine.clone();
    let eur = Currency::from_code("EUR").unwrap();
    let m = |minor: i64| Money::from_minor(minor, eur);
    let before = reports::x_report(&e, XQuery::default()).unwrap().totals;

    let e2 = e.clone();
    tokio::task::spawn_blocking(move || tenants::create_blocking(&e2, "t1", None).unwrap()).await.unwrap();

    // Card: 25,00 taken at once, 5,00 of it refunded; then the processor settles what is left.
    let collect = card::Collect {
        cart_key: Some("cart-1".into()),
        reference: Some("ref-1".into()),
        sale_id: None,
        test_card: Some("4111111111111111".into()),
        ped: None,
        amount: m(2500),
    };
    let paid = card::collect(&e, "t1", collect, "fp-1").await.unwrap();
    let p = paid.payment.clone().expect("a payment");
    assert_eq!((p.status.as_str(), p.collected), ("approved", 2500), "{paid:?}");
    let refund =
        card::Refund { processor_id: Some(p.processor_id.clone()), reference: None, sale_id: None, amount: m(500) };
    let r = card::refund(&e, "t1", refund, "fp-2").await.unwrap();
    assert_eq!(r.amount, Some(500), "{r:?}");

    // On account: a line with a 100,00 limit, an order of 40,00 charged to it.
    let create = poa::ProcessRequest {
        action: "Create".into(),
        account_number: Some("ACME-1".into()),
        company_name: Some("Acme GmbH".into()),
        authorized_user_ids: Some(vec!["u1".into()]),
        credit_limit: Some(m(10000)),
        ..Default::default()
    };
    let line = poa::process(&e, "t1", create, "fp-3").await.unwrap();
    assert!(line.ok, "{line:?}");
    let charge = poa::Charge {
        action: "Charge".into(),
        account_number: "ACME-1".into(),
        company_name: None,
        authorized_user_id: Some("u1".into()),
        amount: m(4000),
        session_id: None,
        order_id: "order-1".into(),
    };
    let charged = poa::charge(&e, "t1", charge, "fp-4").await.unwrap();
    assert!(charged.error.is_none(), "{charged:?}");

    // Wallets: a POS payment of 3,00 by barcode, and a table order of 12,00 reserved by the
    // guest and confirmed by the merchant at 10,00.
    let ann = wallets::create(&e, "Ann", m(5000)).await.unwrap();
    let (e2, id) = (e.clone(), ann.id);
    let code = tokio::task::spawn_blocking(move || wallet::issue_barcode_blocking(&e2, id).unwrap()).await.unwrap();
    let pay = wallet::Pay { barcode: code, total: m(300), tip: m(0), note: None };
    let w = wallet::pay(&e, "t1", pay, "fp-5").await.unwrap();
    assert!(w.ok, "{w:?}");
    let location = till::engine::spots::SpotsConfig::of(&e).unwrap().location_id;
    let merchant = Caller {
        client_id: "pos".into(),
        kind: ClientKind::Merchant,
        name: "pos".into(),
        location_id: Some(location),
        wallet_id: None,
    };
    let guest = Caller {
        client_id: "ann".into(),
        kind: ClientKind::User,
        name: "Ann".into(),
        location_id: None,
        wallet_id: Some(ann.id),
    };
    let order = NewTransaction {
        payments: vec![NewPayment { description: "Table 4".into(), price: m(1200), parameters: None }],
        reserve: ReserveFor::Default,
        callback_uri: None,
    };
    let t = transactions::create(&e, &merchant, order).await.unwrap();
    transactions::reserve(&e, &guest, &t.key).await.unwrap();
    let pid = t.payments[0].id;
    transactions::confirm(&e, &merchant, &t.key, vec![(pid, m(1000))]).await.unwrap();

    let batch = settlement::settle(&e, "t1", "EUR").await.unwrap();
    assert_eq!(batch.map(|b| b.net), Some(2000));

    // The X: each under its operation and its tender, the POS under its client.
    let x = reports::x_report(&e, XQuery::default()).unwrap().totals;
    let op = |k: &str| x.operations.get(k).copied().unwrap_or_default();
    let diff = |k: &str| x.tenders.get(k).copied().unwrap_or(0) - before.tenders.get(k).copied().unwrap_or(0);
    assert_eq!((op("pos_card_payment").count, op("pos_card_payment").amount), (1, 2500));
    assert_eq!((op("pos_card_refund").count, op("pos_card_refund").amount), (1, 500));
    assert_eq!((op("pos_on_account").count, op("pos_on_account").amount), (1, 4000));
    let spots_before = before.operations.get("spot_order").copied().unwrap_or_default();
    assert_eq!(op("spot_order").count - spots_before.count, 2, "{:?}", x.operations);
    assert_eq!(op("spot_order").amount - spots_before.amount, 300 + 1000);
    assert!(!x.operations.contains_key("other"), "{:?}", x.operations);
    assert!(!x.tenders.contains_key("other"), "{:?}", x.tenders);
    assert_eq!(diff("card"), 2000, "the settlement batch is not a refund: {:?}", x.tenders);
    assert_eq!(diff("on_account"), 4000);
    assert_eq!(diff("wallet"), 1300);
    let pos = &x.cashiers["client:instore:t1"];
    assert_eq!((pos.operations, pos.tenders["card"], pos.tenders["on_account"]), (3, 2000, 4000));

    // Against the ledger, from the accounts' posted sides (these accounts keep no history).
    let l = eur.ledger();
    let acct = |id: u128| e.ledger().lookup_accounts(&[id]).unwrap().remove(0);
    let clearing = acct(account_id(code::CARD_CLEARING, l, "instore:t1"));
    let payouts = acct(settlement::payouts_account("t1", l));
    // What the card clearing took net, before the processor paid it out to the bank.
    let card_taken = clearing.debits_posted as i64 - clearing.credits_posted as i64 + payouts.debit_balance() as i64;
    assert_eq!(card_taken, diff("card"));
    let sales = acct(account_id(code::EXTENSION_SALES, l, "t1"));
    assert_eq!(sales.credits_posted as i64 - sales.debits_posted as i64, diff("card") + diff("on_account"));
    let line_account = acct(account_id(code::POA_ACCOUNT, l, "t1:ACME-1"));
    assert_eq!(line_account.debits_posted as i64, diff("on_account"));
    let wallet_clearing = acct(account_id(code::WALLET_CLEARING, l, &format!("location:{location}")));
    let ann_account = acct(account_id(code::WALLET, l, &format!("wallet:{}", ann.id)));
    assert_eq!(ann_account.debits_posted as i64, diff("wallet"));
    assert_eq!(ann_account.debits_pending, 0, "the reservation's hold is resolved");
    let before_clearing = before.tenders.get("wallet").copied().unwrap_or(0);
    // Every wallet payment of the store is a credit to the location's wallet clearing.
    assert_eq!(wallet_clearing.credit_balance() as i64, before_clearing + diff("wallet"), "{wallet_clearing:?}");
    assert!(e.ledger().verify().unwrap().violations.is_empty());
}
