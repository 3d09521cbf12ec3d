//! A chain on one PostgreSQL database: a Berlin server (store A1234, till T01) and a Hamburg
//! server (store B5678, till T02). A card sold in Berlin is redeemed in Hamburg, and at the Berlin
//! server for the Hamburg store (each server registers its store in the shared catalogue when it
//! starts); each store's X report holds its own operations, head office's (`--store '*'`) holds
//! both; each store numbers its own Z reports (Hamburg's first Z leaves Berlin's day open), head office cannot close a day for all; the
//! shared ledger verifies.
//!
//! Needs `TILL_DATABASE` (a PostgreSQL server; `.ci/run` starts one); skips visibly without it.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{DataDir, TestServer, card, gift_body, pg_util};
use serde_json::{Value, json};

/// The demo `till.toml` of a second store of the same merchant.
fn hamburg_config(url: &str) -> String {
    include_str!("../assets/demo/till.toml")
        .replace("store_id = \"A1234\"", "store_id = \"B5678\"")
        .replace("terminal_id = \"T01\"", "terminal_id = \"T02\"")
        .replace(
            "address = [\"Hauptstraße 1\", \"10115 Berlin\"]",
            "address = [\"Jungfernstieg 7\", \"20354 Hamburg\"]",
        )
        + &format!("\n[storage]\nurl = \"{url}\"\n")
}

async fn post(server: &TestServer, token: &str, path: &str, body: &Value) -> (u16, Value) {
    let resp = server.http().post(server.url(path)).bearer_auth(token).json(body).send().await.expect("request");
    let status = resp.status().as_u16();
    let text = resp.text().await.expect("body");
    (status, serde_json::from_str(&text).unwrap_or_else(|e| panic!("non-JSON reply {status} {text:?}: {e}")))
}

fn report(dir: &DataDir, args: &[&str]) -> Value {
    let mut all = vec!["report"];
    all.extend_from_slice(args);
    all.extend_from_slice(&["--format", "json"]);
    let text = dir.till(&all);
    serde_json::from_str::<Value>(&text).unwrap_or_else(|e| panic!("report {args:?}: {e}: {text}"))["data"].clone()
}

fn op(report: &Value, kind: &str) -> (i64, i64) {
    let o = &report["totals"]["operations"][kind];
    (o["count"].as_i64().unwrap_or(0), o["amount"].as_i64().unwrap_or(0))
}

#[tokio::test]
async fn a_card_sold_in_one_store_is_redeemed_in_another_and_each_store_reports_its_own() {
    let Some(url) = pg_util::scratch("chain_two_stores") else { return };
    let berlin_dir = DataDir::on(Some(url.clone()));
    let token = berlin_dir.token.clone();
    let hamburg_dir = DataDir::on(Some(url.clone()));
    std::fs::write(hamburg_dir.path().join("till.toml"), hamburg_config(&url)).unwrap();
    let berlin = berlin_dir.serve();
    let hamburg = hamburg_dir.serve();

    // The demo data's own sales (store A1234) are already on the books: compare with them.
    let (b, h) = (&berlin.data, &hamburg.data);
    let demo_sells = op(&report(b, &["x", "--store", "A1234"]), "gift_sell");
    let demo_all = op(&report(b, &["x", "--store", "*"]), "gift_sell");
    let plus = |(n, a): (i64, i64), dn: i64, da: i64| (n + dn, a + da);

    let store = |code: &str, fields: Value| {
        let mut b = gift_body(fields);
        b["storeCode"] = json!(code);
        b
    };
    let (status, sold) = post(&berlin, &token, "/gift/sell.json", &store("A1234", json!({"amount": "30.00"}))).await;
    assert_eq!(status, 200, "{sold}");
    let number = sold["printedCardNumber"].as_str().unwrap().to_string();

    // Hamburg redeems the Berlin card at its own server…
    let redeem = |amount: &str| store("B5678", json!({"amount": amount, "cardInfo": card(&number)}));
    let (status, r) = post(&hamburg, &token, "/gift/redeem.json", &redeem("12.50")).await;
    assert_eq!(status, 200, "{r}");
    assert_eq!(r["currentBalance"], "17.50");
    // …and through the Berlin server, which knows the Hamburg store from the shared catalogue.
    let (status, r) = post(&berlin, &token, "/gift/redeem.json", &redeem("1.00")).await;
    assert_eq!(status, 200, "{r}");
    assert_eq!(r["currentBalance"], "16.50");
    // A store no server registered is still refused.
    let (status, r) =
        post(&berlin, &token, "/gift/balance.json", &store("C0000", json!({"cardInfo": card(&number)}))).await;
    assert_eq!((status, r["errorCode"].as_str()), (422, Some("unknown_store")), "{r}");

    // Each store's X report holds its own operations; head office's holds both.
    let x_berlin = report(b, &["x", "--store", "A1234"]);
    assert_eq!(op(&x_berlin, "gift_sell"), plus(demo_sells, 1, 3000));
    assert_eq!(op(&x_berlin, "gift_redeem"), (0, 0));
    let x_hamburg = report(b, &["x", "--store", "B5678"]);
    assert_eq!(op(&x_hamburg, "gift_sell"), (0, 0));
    assert_eq!(op(&x_hamburg, "gift_redeem"), (2, 1350));
    assert_eq!(report(h, &["x"])["store"], "B5678", "a server's own store is its default");
    let x_all = report(h, &["x", "--store", "*"]);
    assert_eq!(op(&x_all, "gift_sell"), plus(demo_all, 1, 3000));
    assert_eq!(op(&x_all, "gift_redeem"), (2, 1350));

    // The printout of another store's report carries that store's own address.
    let text = b.till(&["report", "x", "--store", "B5678", "--format", "text"]);
    assert!(text.contains("20354 Hamburg") && !text.contains("10115 Berlin"), "{text}");

    // Each store numbers its own Zs; head office reads them, it cannot close a day for all.
    assert_eq!(report(h, &["z", "--close", "--store", "B5678"])["number"], 1);
    // Berlin's day stays open (its demo shift is open): its Z count is its own.
    assert_eq!(report(b, &["x", "--store", "A1234"])["after_z"], 0);
    assert_eq!(report(b, &["x", "--store", "B5678"])["after_z"], 1);
    let refused = b.till_output(&["report", "z", "--close", "--store", "*"]);
    assert!(!refused.status.success());
    assert!(String::from_utf8_lossy(&refused.stderr).contains("name the store"), "{refused:?}");

    let verify = b.till_output(&["verify"]);
    assert!(verify.status.success(), "{}", String::from_utf8_lossy(&verify.stdout));
}
