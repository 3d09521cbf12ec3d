//! The typed client against a real `till serve`: successes come back typed, declines carry the
//! server's code and message, and an unreachable server is told apart from a timeout.

mod common;

use till::client::gift::GiftCallError;
use till::client::{Client, ClientError};
use till::wire::gift::{Amount, BalanceRequest, CardInfoWire, RedeemRequest, ReverseRequest, SellRequest};

#[tokio::test]
async fn typed_calls_and_declines() {
    let server = common::TestServer::start();
    let client = server.client();
    client.healthz().await.unwrap();

    let sold = client
        .gift_sell(&SellRequest {
            merchant_id: 1,
            store_code: "A1234".into(),
            amount: Amount("20.00".into()),
            ..SellRequest::default()
        })
        .await
        .unwrap();
    assert_eq!(sold.current_balance, "20.00");
    let number = sold.printed_card_number.clone();

    let redeem = RedeemRequest {
        merchant_id: 1,
        store_code: "A1234".into(),
        card_info: CardInfoWire::number(&number),
        amount: Amount("7.25".into()),
        tip: Some(Amount("0.75".into())),
        ..RedeemRequest::default()
    };
    let r = client.gift_redeem(&redeem).await.unwrap();
    assert_eq!((r.transaction_amount.as_deref(), r.current_balance.as_str()), (Some("8.00"), "12.00"));

    let too_much = RedeemRequest { amount: Amount("50.00".into()), tip: None, ..redeem.clone() };
    match client.gift_redeem(&too_much).await.unwrap_err() {
        GiftCallError::Client(ClientError::Declined { status, code, message }) => {
            assert_eq!((status, code.as_str()), (422, "insufficient_funds"));
            assert!(message.contains("12.00"), "{message}");
        }
        other => panic!("expected a decline, got {other:?}"),
    }

    let rev = client
        .gift_reverse(&ReverseRequest {
            merchant_id: 1,
            store_code: "A1234".into(),
            px_transaction_id: Some(r.px_transaction_id),
            ..ReverseRequest::default()
        })
        .await
        .unwrap();
    assert_eq!(rev.current_balance, "20.00");
    let b = client
        .gift_balance(&BalanceRequest {
            merchant_id: 1,
            store_code: "A1234".into(),
            card_info: CardInfoWire::number(&number),
            ..BalanceRequest::default()
        })
        .await
        .unwrap();
    assert_eq!(b.current_balance, "20.00");

    // A wrong token is a decline with 401, not a transport problem.
    let wrong = server.client().with_token("till_wrong");
    let e = wrong
        .gift_balance(&BalanceRequest { card_info: CardInfoWire::number(&number), ..BalanceRequest::default() })
        .await;
    assert!(matches!(e, Err(ClientError::Declined { status: 401, .. })), "{e:?}");

    // Nobody listening: "could not connect" (nothing happened), not "outcome unknown".
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let nowhere = Client::new(&format!("http://127.0.0.1:{port}"), server.token()).unwrap();
    let e = nowhere.gift_redeem(&redeem).await.unwrap_err();
    assert!(matches!(e, GiftCallError::Client(ClientError::Connect(_))), "{e:?}");
}
