//! `/till/v1/receipts` over a real `till serve` on 127.0.0.1, through the typed client: a
//! logged-in cashier stores receipts (numbered per terminal, training apart), lists, fetches,
//! marks printed and reprints; others are turned away.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

#[path = "receipt_fixtures.rs"]
mod fixtures;

use till::client::ClientError;
use till::client::receipts::ReceiptQuery;

#[tokio::test]
async fn receipts_through_the_api() {
    let server = common::TestServer::start();
    let api_client = server.client();
    let session = api_client.login(1001, "1234", None).await.expect("demo cashier logs in");
    let cashier = api_client.with_token(&session.token);

    let setup = cashier.receipt_setup().await.unwrap();
    assert_eq!((setup.terminal.as_str(), setup.locale.as_str()), ("T01", "de-DE"));
    assert_eq!(setup.header.address, ["Hauptstraße 1", "10115 Berlin"], "header from [store] in till.toml");
    let ctx = setup.context(Some("1001".into()), false, time::OffsetDateTime::now_utc());
    let balance = till::receipt::Receipt::gift_balance(&ctx, "6036280000000011", fixtures::eur(5000));
    let stored = cashier.create_receipt(&balance, None).await.unwrap();
    assert!(stored.receipt.header.name.contains("Demo"), "{:?}", stored.receipt.header);
    assert_eq!(stored.receipt.footer, ["Vielen Dank für Ihren Besuch!"], "footer from [receipt]");

    let all = fixtures::all();
    let (_, sale, _) = &all[0];
    let (_, training, _) = all.iter().find(|(n, _, _)| *n == "training_sale").unwrap();
    let mut sale = sale.clone();
    sale.number = None;

    let first = cashier.create_receipt(&sale, Some("ext-1")).await.unwrap();
    let second = cashier.create_receipt(&sale, None).await.unwrap();
    let trn = cashier.create_receipt(training, None).await.unwrap();
    assert_eq!((stored.number, first.number, second.number, trn.number), (1, 2, 3, 1));
    assert_eq!(trn.number_text, "TRN-T01-000001");
    let retry = cashier.create_receipt(&sale, Some("ext-1")).await.unwrap();
    assert_eq!(retry.id, first.id, "same op_key, same receipt");

    let fetched = cashier.receipt(second.id).await.unwrap();
    assert_eq!(fetched.receipt, second.receipt);
    assert!(!fetched.printed);
    assert!(cashier.mark_receipt_printed(second.id).await.unwrap().printed);

    let q = ReceiptQuery { terminal: Some("T01".into()), unprinted: true, ..Default::default() };
    let unprinted = cashier.list_receipts(&q).await.unwrap();
    assert_eq!(unprinted.iter().map(|r| r.id).collect::<Vec<_>>(), [first.id, stored.id]);
    let training_list = cashier.list_receipts(&ReceiptQuery { training: true, ..Default::default() }).await.unwrap();
    assert_eq!(training_list.iter().map(|r| r.id).collect::<Vec<_>>(), [trn.id]);

    let dup = cashier.reprint_receipt(first.id).await.unwrap();
    assert!(dup.receipt.duplicate && dup.reprints == 1);

    match cashier.receipt(424242).await {
        Err(ClientError::Declined { status: 404, .. }) => {}
        other => panic!("unknown receipt: {other:?}"),
    }
    // An API token is not a logged-in user; no token at all is not let in.
    match api_client.receipt(first.id).await {
        Err(ClientError::Declined { status: 403, .. }) => {}
        other => panic!("API token: {other:?}"),
    }
    let resp = server.http().get(server.url("/till/v1/receipts")).send().await.unwrap();
    assert_eq!(resp.status().as_u16(), 401);
    // A malformed receipt is a 400 with a reason, not a 5xx.
    let resp = server
        .http()
        .post(server.url("/till/v1/receipts"))
        .bearer_auth(&session.token)
        .json(&serde_json::json!({"receipt": {"kind": "gift_sale"}}))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 400);

    // The OpenAPI document lists the routes.
    let doc: serde_json::Value =
        server.http().get(server.url("/openapi.json")).send().await.unwrap().json().await.unwrap();
    for path in
        ["/till/v1/receipt-setup", "/till/v1/receipts", "/till/v1/receipts/{id}", "/till/v1/receipts/{id}/reprint"]
    {
        assert!(doc["paths"][path].is_object(), "{path} missing from openapi.json");
    }
}
