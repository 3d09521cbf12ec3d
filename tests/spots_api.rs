//! `/rest/v1` over a real socket: every route of wallet-spots-api.txt and the reference client's
//! transactions, the status machines, and the errors in the reference shape.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;
mod spots_util;

use serde_json::json;
use spots_util::Spots;

#[tokio::test]
async fn server_time_needs_no_authentication() {
    let s = Spots::start(&[]);
    let resp = s.server.http().get(s.server.url("/rest/v1/server")).send().await.unwrap();
    assert_eq!(resp.status(), 200);
    let body: serde_json::Value = resp.json().await.unwrap();
    assert!((body["time"].as_i64().unwrap() - spots_util::now()).abs() < 60);
}

#[tokio::test]
async fn a_whole_table_visit_from_check_in_to_closed_spot() {
    let s = Spots::start(&["50.00"]);
    let (m, ann) = (&s.merchant, &s.customers[0]);

    // The customer scans TABLE1: the spot is closed, shows no identifier to a user client.
    let (st, spot) = s.call(ann, "GET", "/rest/v1/spot?code=PAYSERA*1%3ATABLE1", None).await;
    assert_eq!(st, 200, "{spot}");
    assert_eq!(spot["status"], "closed");
    assert!(spot.get("identifier").is_none());
    assert_eq!(spot["place_info"]["title"], "Demo Coffee & Gifts");
    let id = spot["id"].as_i64().unwrap();

    // Check-in: waiting. The merchant sees the identifier and who waits.
    let (st, spot) = s.call(ann, "PUT", &format!("/rest/v1/spot/{id}/check-in"), None).await;
    assert_eq!((st, spot["status"].as_str()), (200, Some("waiting")));
    let (st, list) = s.call(m, "GET", "/rest/v1/spots?status=waiting&limit=3", None).await;
    assert_eq!(st, 200, "{list}");
    assert_eq!(list["_metadata"], json!({"total": 1, "offset": 0, "limit": 3}));
    assert_eq!(list["spots"][0]["identifier"], "TABLE1");
    assert_eq!(list["spots"][0]["registered"], true);
    assert_eq!(list["spots"][0]["check_ins"][0]["name"], "Guest 1");

    // The merchant creates a transaction and puts it on the table: opened.
    let (st, txn) = s
        .call(
            m,
            "POST",
            "/rest/v1/transaction",
            Some(&json!({"payments": [
                {"description": "2 coffees", "price": 780, "currency": "EUR"},
                {"description": "cake", "price_decimal": "4.20"}
            ]})),
        )
        .await;
    assert_eq!(st, 200, "{txn}");
    assert_eq!(txn["status"], "new");
    assert_eq!(txn["payments"][1]["price"], 420);
    assert_eq!(txn["payments"][1]["price_decimal"], "4.20");
    let key = txn["transaction_key"].as_str().unwrap().to_string();
    let (st, order) =
        s.call(m, "POST", &format!("/rest/v1/spot/{id}/order"), Some(&json!({"transaction_key": key}))).await;
    assert_eq!(st, 200, "{order}");
    assert_eq!(order["status"], "pending");
    let order_id = order["id"].as_i64().unwrap();
    let (_, spot) = s.call(ann, "GET", &format!("/rest/v1/spot/{id}"), None).await;
    assert_eq!(spot["status"], "opened");
    assert_eq!(spot["orders"][0], json!({"id": order_id, "transaction_key": key, "status": "pending"}));

    // The customer reads the order and the transaction, and reserves.
    let (st, o) = s.call(ann, "GET", &format!("/rest/v1/order/{order_id}"), None).await;
    assert_eq!((st, o["status"].as_str()), (200, Some("pending")));
    let (st, t) = s.call(ann, "PUT", &format!("/rest/v1/transaction/{key}/reserve"), None).await;
    assert_eq!(st, 200, "{t}");
    assert_eq!(t["status"], "reserved");
    assert_eq!(t["wallet"], ann.wallet_id.unwrap());
    assert_eq!(s.balance(ann).await, (5000 - 1200, 1200));
    let (_, o) = s.call(ann, "GET", &format!("/rest/v1/order/{order_id}"), None).await;
    assert_eq!(o["status"], "reserved");

    // Closing with money reserved is refused; nothing changes.
    let (st, e) = s.call(m, "PUT", &format!("/rest/v1/spot/{id}/close"), None).await;
    assert_eq!((st, e["error"].as_str()), (409, Some("invalid_state")));

    // The merchant confirms, lowering the cake to 3.50.
    let cake = t["payments"][1]["id"].as_i64().unwrap().to_string();
    let (st, t) = s
        .call(
            m,
            "PUT",
            &format!("/rest/v1/transaction/{key}/confirm"),
            Some(&json!({cake: {"price": 350, "currency": "EUR"}})),
        )
        .await;
    assert_eq!(st, 200, "{t}");
    assert_eq!(t["status"], "confirmed");
    assert_eq!(t["payments"][1]["price"], 350);
    assert!(t["confirmed_at"].as_i64().is_some());
    assert_eq!(s.balance(ann).await, (5000 - 780 - 350, 0));
    let (_, o) = s.call(ann, "GET", &format!("/rest/v1/order/{order_id}"), None).await;
    assert_eq!(o["status"], "confirmed");

    // Check-out leaves the opened spot to the merchant; close makes it closed and empty.
    let (st, spot) = s.call(ann, "PUT", &format!("/rest/v1/spot/{id}/check-out"), None).await;
    assert_eq!((st, spot["status"].as_str()), (200, Some("opened")));
    let (st, spot) = s.call(m, "PUT", &format!("/rest/v1/spot/{id}/close"), None).await;
    assert_eq!((st, spot["status"].as_str()), (200, Some("closed")));
    assert!(spot.get("orders").is_none());
    s.verify();
}

#[tokio::test]
async fn check_in_rules_one_spot_per_client_and_checkout_closes_a_waiting_spot() {
    let s = Spots::start(&["10.00", "10.00"]);
    let (a, b) = (&s.customers[0], &s.customers[1]);
    let t1 = s.check_in(a, "TABLE1").await;
    let t2 = s.check_in(b, "TABLE2").await;
    // a moves to TABLE2: TABLE1 has nobody left and closes; TABLE2 stays waiting.
    let (st, spot) = s.call(a, "PUT", &format!("/rest/v1/spot/{t2}/check-in"), None).await;
    assert_eq!((st, spot["status"].as_str()), (200, Some("waiting")));
    let (_, spot) = s.call(a, "GET", &format!("/rest/v1/spot/{t1}"), None).await;
    assert_eq!(spot["status"], "closed");
    // Checking out where one is not checked in is a state error.
    let (st, e) = s.call(a, "PUT", &format!("/rest/v1/spot/{t1}/check-out"), None).await;
    assert_eq!((st, e["error"].as_str()), (409, Some("invalid_state")));
    // b leaves: a is still there, waiting. a leaves: closed.
    let (_, spot) = s.call(b, "PUT", &format!("/rest/v1/spot/{t2}/check-out"), None).await;
    assert_eq!(spot["status"], "waiting");
    let (_, spot) = s.call(a, "PUT", &format!("/rest/v1/spot/{t2}/check-out"), None).await;
    assert_eq!(spot["status"], "closed");
    // Orders are only for a client checked in at the spot.
    s.order(t1, 500, "tea").await;
    let (_, spot) = s.call(a, "GET", &format!("/rest/v1/spot/{t1}"), None).await;
    assert!(spot.get("orders").is_none(), "{spot}");
}

#[tokio::test]
async fn an_unknown_identifier_registers_an_unregistered_spot_the_merchant_can_close() {
    let s = Spots::start(&["10.00"]);
    let a = &s.customers[0];
    let id = s.check_in(a, "FAKE%20TABLE").await;
    let (_, list) = s.call(&s.merchant, "GET", "/rest/v1/spots?limit=50", None).await;
    assert_eq!(list["_metadata"]["total"], 7);
    let fake = list["spots"].as_array().unwrap().iter().find(|sp| sp["id"] == id).unwrap().clone();
    assert_eq!((fake["identifier"].as_str(), fake["registered"].as_bool()), (Some("FAKE TABLE"), Some(false)));
    let (st, spot) = s.call(&s.merchant, "PUT", &format!("/rest/v1/spot/{id}/close"), None).await;
    assert_eq!((st, spot["status"].as_str()), (200, Some("closed")));
    // Codes of other locations and broken codes.
    let (st, e) = s.call(a, "GET", "/rest/v1/spot?code=PAYSERA*9%3ATABLE1", None).await;
    assert_eq!((st, e["error"].as_str()), (404, Some("not_found")));
    let (st, e) = s.call(a, "GET", "/rest/v1/spot?code=TABLE1", None).await;
    assert_eq!((st, e["error"].as_str()), (400, Some("invalid_parameters")));
    let (st, _) = s.call(a, "GET", "/rest/v1/spot/99999", None).await;
    assert_eq!(st, 404);
}

#[tokio::test]
async fn order_edit_delete_and_spot_close_of_pending_orders() {
    let s = Spots::start(&["30.00"]);
    let (m, a) = (&s.merchant, &s.customers[0]);
    let id = s.check_in(a, "TABLE3").await;
    let order = s.order(id, 1000, "pasta").await;
    let order_id = order["id"].as_i64().unwrap();
    let first_key = order["transaction_key"].as_str().unwrap().to_string();
    // Edit: a new transaction; the old one is revoked and can no longer be paid.
    let (st, edited) = s
        .call(
            m,
            "PUT",
            &format!("/rest/v1/order/{order_id}"),
            Some(&json!({"transaction": {"payments": [
            {"description": "pasta + wine", "price": 1600}]}})),
        )
        .await;
    assert_eq!(st, 200, "{edited}");
    let key = edited["transaction_key"].as_str().unwrap().to_string();
    assert_ne!(key, first_key);
    let (st, e) = s.call(a, "PUT", &format!("/rest/v1/transaction/{first_key}/reserve"), None).await;
    assert_eq!((st, e["error"].as_str()), (409, Some("invalid_state")));
    // Reserve then delete the order: the reservation is released, the order closed.
    let (st, _) = s.call(a, "PUT", &format!("/rest/v1/transaction/{key}/reserve"), None).await;
    assert_eq!(st, 200);
    let (st, e) =
        s.call(m, "PUT", &format!("/rest/v1/order/{order_id}"), Some(&json!({"transaction_key": first_key}))).await;
    assert_eq!(st, 409, "{e}");
    let (st, deleted) = s.call(m, "DELETE", &format!("/rest/v1/order/{order_id}"), None).await;
    assert_eq!((st, deleted["status"].as_str()), (200, Some("closed")));
    assert_eq!(s.balance(a).await, (3000, 0));
    let (_, t) = s.call(m, "GET", &format!("/rest/v1/transaction/{key}"), None).await;
    assert_eq!(t["status"], "revoked");
    // A second, pending order is closed with the spot; its transaction cannot be paid after.
    let second = s.order(id, 250, "water").await;
    let second_key = second["transaction_key"].as_str().unwrap().to_string();
    let (st, _) = s.call(m, "PUT", &format!("/rest/v1/spot/{id}/close"), None).await;
    assert_eq!(st, 200);
    let (_, o) = s.call(m, "GET", &format!("/rest/v1/order/{}", second["id"]), None).await;
    assert_eq!(o["status"], "closed");
    let (st, _) = s.call(a, "PUT", &format!("/rest/v1/transaction/{second_key}/reserve"), None).await;
    assert_eq!(st, 409);
    s.verify();
}

#[tokio::test]
async fn transaction_state_machine_errors_change_nothing() {
    let s = Spots::start(&["5.00", "50.00"]);
    let (m, poor, rich) = (&s.merchant, &s.customers[0], &s.customers[1]);
    let (_, t) = s
        .call(m, "POST", "/rest/v1/transaction", Some(&json!({"payments": [{"description": "menu", "price": 1250}]})))
        .await;
    let key = t["transaction_key"].as_str().unwrap().to_string();
    let digest = common::ledger_digest(s.server.data.path());

    // Confirming a new transaction, reserving more than the wallet holds: refused, ledger unchanged.
    let (st, e) = s.call(m, "PUT", &format!("/rest/v1/transaction/{key}/confirm"), None).await;
    assert_eq!((st, e["error"].as_str()), (409, Some("invalid_state")));
    let (st, e) = s.call(poor, "PUT", &format!("/rest/v1/transaction/{key}/reserve"), None).await;
    assert_eq!((st, e["error"].as_str()), (409, Some("invalid_state")), "{e}");
    assert!(e["error_description"].as_str().unwrap().contains("rejected"));
    let (_, t) = s.call(m, "GET", &format!("/rest/v1/transaction/{key}"), None).await;
    assert_eq!(t["status"], "rejected");
    assert_eq!(s.balance(poor).await, (500, 0));
    assert_eq!(common::ledger_digest(s.server.data.path()).transfers, digest.transfers);

    // A rejected transaction can still be paid by a wallet that holds enough; reserving twice is refused.
    let (st, _) =
        s.call(rich, "PUT", &format!("/rest/v1/transaction/{key}/reserve/{}", rich.wallet_id.unwrap()), None).await;
    assert_eq!(st, 200);
    let (st, _) = s.call(rich, "PUT", &format!("/rest/v1/transaction/{key}/reserve"), None).await;
    assert_eq!(st, 409);
    // Lowering above the reserved price, or a foreign payment id: 400, still reserved.
    let pid = t["payments"][0]["id"].as_i64().unwrap().to_string();
    let (st, e) = s
        .call(m, "PUT", &format!("/rest/v1/transaction/{key}/confirm"), Some(&json!({pid.clone(): {"price": 1300}})))
        .await;
    assert_eq!((st, e["error"].as_str()), (400, Some("invalid_parameters")));
    let (st, _) =
        s.call(m, "PUT", &format!("/rest/v1/transaction/{key}/confirm"), Some(&json!({"999999": {"price": 1}}))).await;
    assert_eq!(st, 400);
    assert_eq!(s.balance(rich).await, (5000 - 1250, 1250));

    // Revoke releases it; confirming a revoked transaction changes nothing.
    let (st, t) = s.call(m, "DELETE", &format!("/rest/v1/transaction/{key}"), None).await;
    assert_eq!((st, t["status"].as_str()), (200, Some("revoked")));
    assert_eq!(s.balance(rich).await, (5000, 0));
    let before = common::ledger_digest(s.server.data.path());
    let (st, _) = s.call(m, "PUT", &format!("/rest/v1/transaction/{key}/confirm"), None).await;
    assert_eq!(st, 409);
    let (st, _) = s.call(m, "DELETE", &format!("/rest/v1/transaction/{key}"), None).await;
    assert_eq!(st, 409);
    assert_eq!(common::ledger_digest(s.server.data.path()), before);
    s.verify();
}

#[tokio::test]
async fn bad_requests_are_400_in_the_reference_shape() {
    let s = Spots::start(&["5.00"]);
    let m = &s.merchant;
    let cases = [
        (json!({"payments": []}), "invalid_parameters"),
        (json!({"payments": [{"description": "x", "price": -5}]}), "invalid_parameters"),
        (json!({"payments": [{"description": "x", "price": 0}]}), "invalid_parameters"),
        (json!({"payments": [{"description": "x", "price": 100, "currency": "USD"}]}), "invalid_parameters"),
        (json!({"payments": [{"description": "x", "price_decimal": "1.234"}]}), "invalid_parameters"),
        (json!({"payments": [{"description": "x", "price": 100, "price_decimal": "2.00"}]}), "invalid_parameters"),
        (json!({"payments": [{"description": "x"}]}), "invalid_parameters"),
        (json!({"payments": [{"description": "x", "price": "100"}]}), "invalid_request"),
        (
            json!({"payments": [{"description": "x", "price": 9223372036854775807_i64}, {"description": "y", "price": 10}]}),
            "invalid_parameters",
        ),
        (json!({"payments": [{"description": "x", "price": 100}], "reserve_until": 1000}), "invalid_parameters"),
        (json!({"payments": [{"description": "x", "price": 100}], "callback_uri": "ftp://x"}), "invalid_parameters"),
        (json!([1, 2]), "invalid_request"),
    ];
    for (body, code) in cases {
        let (st, e) = s.call(m, "POST", "/rest/v1/transaction", Some(&body)).await;
        assert_eq!((st, e["error"].as_str()), (400, Some(code)), "{body} -> {e}");
        assert!(e["error_description"].as_str().is_some_and(|d| !d.is_empty()));
    }
    let (st, e) = s.raw(m, "POST", "/rest/v1/transaction", b"{not json", |x| x).await;
    assert_eq!((st, e["error"].as_str()), (400, Some("invalid_request")));
    let (st, e) = s.call(m, "GET", "/rest/v1/spots?status=busy", None).await;
    assert_eq!((st, e["error"].as_str()), (400, Some("invalid_parameters")));
    let (st, _) = s.call(m, "GET", "/rest/v1/spots?limit=0", None).await;
    assert_eq!(st, 400);
    let (st, e) = s.call(m, "GET", "/rest/v1/transaction/nope", None).await;
    assert_eq!((st, e["error"].as_str()), (404, Some("not_found")));
}

#[tokio::test]
async fn each_kind_of_client_only_reaches_its_own_routes() {
    let s = Spots::start(&["20.00", "20.00"]);
    let (m, a, b) = (&s.merchant, &s.customers[0], &s.customers[1]);
    let id = s.check_in(a, "TABLE4").await;
    // User clients cannot act as the merchant.
    for (method, uri, body) in [
        ("GET", "/rest/v1/spots".to_string(), None),
        ("PUT", format!("/rest/v1/spot/{id}/close"), None),
        (
            "POST",
            format!("/rest/v1/spot/{id}/order"),
            Some(json!({"transaction": {"payments": [{"description": "x", "price": 1}]}})),
        ),
        ("POST", "/rest/v1/transaction".to_string(), Some(json!({"payments": [{"description": "x", "price": 1}]}))),
    ] {
        let (st, e) = s.call(a, method, &uri, body.as_ref()).await;
        assert_eq!((st, e["error"].as_str()), (403, Some("forbidden")), "{method} {uri}");
    }
    // The merchant cannot check in, reserve or read a wallet.
    let order = s.order(id, 700, "soup").await;
    let key = order["transaction_key"].as_str().unwrap();
    for (method, uri) in [
        ("PUT", format!("/rest/v1/spot/{id}/check-in")),
        ("PUT", format!("/rest/v1/transaction/{key}/reserve")),
        ("GET", format!("/rest/v1/wallet/{}/balance", a.wallet_id.unwrap())),
    ] {
        let (st, e) = s.call(m, method, &uri, None).await;
        assert_eq!((st, e["error"].as_str()), (403, Some("forbidden")), "{method} {uri}");
    }
    // Another customer sees neither a's wallet nor the orders of a table it is not at.
    let (st, _) = s.call(b, "GET", &format!("/rest/v1/wallet/{}/balance", a.wallet_id.unwrap()), None).await;
    assert_eq!(st, 403);
    let (st, _) = s.call(b, "GET", &format!("/rest/v1/order/{}", order["id"]), None).await;
    assert_eq!(st, 403);
    // Reserving for someone else's wallet is refused; once a pays, b cannot read the transaction.
    let (st, _) = s.call(b, "PUT", &format!("/rest/v1/transaction/{key}/reserve/{}", a.wallet_id.unwrap()), None).await;
    assert_eq!(st, 403);
    let (st, _) = s.call(a, "PUT", &format!("/rest/v1/transaction/{key}/reserve"), None).await;
    assert_eq!(st, 200);
    let (st, _) = s.call(b, "GET", &format!("/rest/v1/transaction/{key}"), None).await;
    assert_eq!(st, 403);
}

#[tokio::test]
async fn the_typed_client_speaks_the_same_api() {
    let s = Spots::start(&["15.00"]);
    let merchant = s.client(&s.merchant);
    let wallet = s.client(&s.customers[0]);
    let spot = wallet.spot_by_code("PAYSERA*1:TABLE5").await.unwrap();
    wallet.check_in(spot.id).await.unwrap();
    let t = merchant
        .create_transaction(&till::wire::spots::NewTransaction {
            payments: vec![till::wire::spots::NewPayment {
                description: "tea".into(),
                price: Some(300),
                ..Default::default()
            }],
            ..Default::default()
        })
        .await
        .unwrap();
    let order = merchant
        .create_order(
            spot.id,
            &till::wire::spots::OrderRequest { transaction_key: Some(t.transaction_key.clone()), transaction: None },
        )
        .await
        .unwrap();
    assert_eq!(wallet.order(order.id).await.unwrap().status, "pending");
    assert_eq!(wallet.reserve(&t.transaction_key).await.unwrap().status, "reserved");
    assert_eq!(merchant.confirm(&t.transaction_key, &Default::default()).await.unwrap().status, "confirmed");
    let b = wallet.wallet_balance(s.customers[0].wallet_id.unwrap()).await.unwrap();
    assert_eq!(b["EUR"].at_disposal_decimal, "12.00");
    let list = merchant.spots(Some("opened"), 10, 0).await.unwrap();
    assert_eq!(list.spots.len(), 1);
    assert_eq!(list.spots[0].orders.as_ref().unwrap()[0].transaction.as_ref().unwrap().status, "confirmed");
    let e = wallet.spots(None, 10, 0).await.unwrap_err();
    assert_eq!(e.code(), Some("forbidden"));
    assert_eq!(merchant.server_time().await.unwrap().time / 1000, spots_util::now() / 1000);
}

#[tokio::test]
async fn a_merchant_client_reaches_only_its_own_locations_spots() {
    // A merchant client made for location 1; then the store becomes location 2.
    let dir = common::DataDir::new();
    let other = spots_util::merchant(&dir);
    spots_util::spots_config(dir.path(), "location_id = 2");
    let mine = spots_util::merchant(&dir);
    let s = Spots { server: dir.serve(), merchant: mine, customers: Vec::new() };
    let (st, page) = s.call(&s.merchant, "GET", "/rest/v1/spots", None).await;
    assert_eq!(st, 200, "{page}");
    assert_eq!(page["spots"].as_array().map(Vec::len), Some(6));
    let id = page["spots"][0]["id"].as_i64().unwrap();
    for (method, uri, body) in [
        ("GET", "/rest/v1/spots".to_string(), None),
        ("GET", format!("/rest/v1/spot/{id}"), None),
        ("GET", "/rest/v1/spot?code=PAYSERA*2%3ATABLE1".to_string(), None),
        ("PUT", format!("/rest/v1/spot/{id}/close"), None),
        (
            "POST",
            format!("/rest/v1/spot/{id}/order"),
            Some(json!({"transaction": {"payments": [{"description": "x", "price": 100}]}})),
        ),
    ] {
        let (st, e) = s.call(&other, method, &uri, body.as_ref()).await;
        assert_eq!((st, e["error"].as_str()), (403, Some("forbidden")), "{method} {uri}: {e}");
    }
    // Its own location is not served here at all.
    let (st, e) = s.call(&other, "GET", "/rest/v1/spot?code=PAYSERA*1%3ATABLE1", None).await;
    assert_eq!((st, e["error"].as_str()), (404, Some("not_found")), "{e}");
    let (_, page) = s.call(&s.merchant, "GET", "/rest/v1/spots", None).await;
    assert!(page["spots"].as_array().unwrap().iter().all(|s| s["orders"].is_null()), "nothing was put on a table");
    s.verify();
}
