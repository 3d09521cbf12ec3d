//! A scripted store day over the real HTTP API: two cashiers on two tills with floats, gift card
//! operations of every kind with cash, card and gift card tenders, retail POR and POSA orders (one
//! invalidated), paid-in, paid-out, a no-sale, a blind close within tolerance and one beyond it
//! (refused without a manager, then approved), the X at close, the Z, and what the Z closes.
//! Every report figure is checked against the ledger recomputed from the accounts' histories.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod manager_common;

use manager_common::{Day, card, count};
use serde_json::{Value, json};
use till::engine::accounts::{account_id, code, transfer_code as tc};

/// Sum of an account's history by sign: + when it was debited, - when credited, for `codes`.
fn moved(engine: &till::engine::Engine, id: u128, codes: &[u16], debit_positive: bool) -> i64 {
    let page = engine.ledger().account_history(id, None, 8190).unwrap();
    let mut sum = 0i64;
    for e in page.items {
        let t = &e.transfer;
        if !codes.contains(&t.code) || t.amount == 0 {
            continue;
        }
        let a = t.amount as i64;
        let debited = t.debit_account_id == id;
        sum += if debited == debit_positive { a } else { -a };
    }
    sum
}

fn minor(v: &Value) -> i64 {
    v.as_i64().unwrap_or_else(|| panic!("not an amount: {v}"))
}

const GIFT: &[u16] = &[
    tc::GIFT_SELL,
    tc::GIFT_RELOAD,
    tc::GIFT_REDEEM,
    tc::GIFT_TIP,
    tc::GIFT_REVERSE,
    tc::GIFT_CASH_OUT,
    tc::GIFT_REFUND,
];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_scripted_day_ties_out_to_the_ledger_and_the_z_closes_it() {
    let day = Day::start().await;
    let c1 = day.login(1001, "1234").await;
    let c2 = day.login(1002, "2222").await;
    let m = day.login(9001, "9999").await;

    // The demo opened 1001's shift with an empty float: close it (nothing happened in it).
    let (s, closed) = day.post("/till/v1/shifts/current/close", &c1, json!({"counted": []})).await;
    assert_eq!(s, 200, "{closed}");
    assert_eq!(closed["over_short"], 0);

    // Without a shift the till takes no money.
    let body = json!({"merchantId": 1, "storeCode": "A1234", "terminalId": "T02", "amount": "10.00"});
    let (s, refused) = day.post("/gift/sell.json", &c2, body).await;
    assert_eq!((s, refused["errorCode"].as_str()), (409, Some("no_open_shift")), "{refused}");

    let (s, open1) =
        day.post("/till/v1/shifts", &c1, json!({"terminal": "T01", "float": count(&[(10000, 1), (5000, 1)])})).await;
    assert_eq!(s, 201, "{open1}");
    assert_eq!(open1["float"], 15000);
    assert!(open1["expected"].is_null());
    let (s, open2) = day.post("/till/v1/shifts", &c2, json!({"terminal": "T02", "float": count(&[(5000, 2)])})).await;
    assert_eq!(s, 201, "{open2}");
    // One cashier per till.
    let (s, twice) = day.post("/till/v1/shifts", &m, json!({"terminal": "T01", "float": []})).await;
    assert_eq!((s, twice["error"]["code"].as_str()), (409, Some("shift_open_on_terminal")), "{twice}");

    // Till T01, cashier 1001.
    let (a, b) = (day.new_card(), day.new_card());
    day.gift(&c1, "sell", "T01", json!({"cardInfo": card(&a), "amount": "50.00"})).await;
    day.gift(&c1, "sell", "T01", json!({"cardInfo": card(&b), "amount": "30.00", "tender": "card"})).await;
    day.gift(&c1, "reload", "T01", json!({"cardInfo": card(&a), "amount": "20.00"})).await;
    let demo = json!({"printedCardNumber": "6036280000000011", "cardRegCode": "1234"});
    day.gift(&c1, "redeem", "T01", json!({"cardInfo": demo, "amount": "10.00", "tip": "2.00"})).await;
    day.retail(&c1, "T01", "4001232232332", "100.00", "cash", None).await;
    let (s, _) = day
        .post("/till/v1/shifts/current/paid-in", &c1, json!({"amount": "5.00", "reason": "change from the bank"}))
        .await;
    assert_eq!(s, 200);
    let (s, _) = day.post("/till/v1/shifts/current/no-sale", &c1, json!({"reason": "customer needed change"})).await;
    assert_eq!(s, 200);
    let expected1 = 15000 + 5000 + 2000 + 10000 + 500;

    // Till T02, cashier 1002.
    let (c, d, e) = (day.new_card(), day.new_card(), day.new_card());
    day.gift(&c2, "sell", "T02", json!({"cardInfo": card(&c), "amount": "40.00"})).await;
    day.gift(&c2, "sell", "T02", json!({"cardInfo": card(&d), "amount": "8.00"})).await;
    day.gift(&c2, "cashOut", "T02", json!({"cardInfo": card(&d)})).await;
    let sold = day.gift(&c2, "sell", "T02", json!({"cardInfo": card(&e), "amount": "15.00"})).await;
    day.gift(&c2, "reverse", "T02", json!({"pxTransactionId": sold["pxTransactionId"]})).await;
    let redeem = day.gift(&c2, "redeem", "T02", json!({"cardInfo": card(&c), "amount": "5.00"})).await;
    day.gift(
        &c2,
        "refund",
        "T02",
        json!({"cardInfo": card(&c), "amount": "5.00", "pxTransactionId": redeem["pxTransactionId"]}),
    )
    .await;
    let posa = day.retail(&c2, "T02", "4001232232418", "20.00", "card", Some("9876543210123456")).await;
    day.invalidate(&c2, &posa).await;
    let (s, _) = day.post("/till/v1/shifts/current/paid-out", &c2, json!({"amount": "3.50", "reason": "milk"})).await;
    assert_eq!(s, 200);
    let expected2: i64 = 10000 + 4000 + 800 - 800 + 1500 - 1500 - 350;

    // The blind close beyond the tolerance (5.00): refused without a manager, and the refusal
    // gives away neither the expected amount nor the difference.
    let short = count(&[(10000, 1), (1000, 1), (500, 1), (100, 1), (50, 1)]); // 116,50: 20,00 short
    let (s, no) = day.post("/till/v1/shifts/current/close", &c2, json!({"counted": short})).await;
    assert_eq!((s, no["error"]["code"].as_str()), (403, Some("manager_approval_required")), "{no}");
    let text = no.to_string();
    for leak in ["136", "13650", "20.00", "20,00", "2000"] {
        assert!(!text.contains(leak), "the refusal leaks {leak:?}: {text}");
    }
    let (s, cur) = day.get("/till/v1/shifts/current", &c2).await;
    assert_eq!(s, 200);
    assert!(cur["shift"]["open"].as_bool().unwrap() && cur["shift"]["expected"].is_null(), "{cur}");
    let wrong = json!({"counted": short, "approval": {"manager": 9001, "pin": "0000", "note": "recount"}});
    let (s, _) = day.post("/till/v1/shifts/current/close", &c2, wrong).await;
    assert_eq!(s, 403);
    let ok =
        json!({"counted": short, "approval": {"manager": 9001, "pin": "9999", "note": "20 € note missing, reported"}});
    let (s, closed2) = day.post("/till/v1/shifts/current/close", &c2, ok).await;
    assert_eq!(s, 200, "{closed2}");
    assert_eq!(minor(&closed2["expected"]), expected2);
    assert_eq!(minor(&closed2["over_short"]), -2000);
    assert_eq!(closed2["approved_by"], 9001);

    // Within tolerance: no manager needed.
    let (s, closed1) = day
        .post(
            "/till/v1/shifts/current/close",
            &c1,
            json!({"counted": count(&[(20000, 1), (10000, 1), (2000, 1), (500, 1)])}),
        )
        .await;
    assert_eq!(s, 200, "{closed1}");
    assert_eq!((minor(&closed1["expected"]), minor(&closed1["over_short"])), (expected1, 0));

    // The X at close and the Z come from the same computation.
    let (s, cashier_x) = day.get("/till/v1/reports/x", &c1).await;
    assert_eq!(s, 403, "{cashier_x}");
    let (s, x) = day.get("/till/v1/reports/x", &m).await;
    assert_eq!(s, 200, "{x}");
    let (s, z) = day.post("/till/v1/reports/z?lang=en", &m, json!({})).await;
    assert_eq!(s, 201, "{z}");
    let mut xt = x["data"]["totals"].clone();
    let mut zt = z["data"]["totals"].clone();
    xt["to_ns"] = json!(0);
    zt["to_ns"] = json!(0);
    assert_eq!(xt, zt, "X at close differs from the Z");
    assert_eq!(z["data"]["number"], 1);
    assert_eq!(z["sheet"]["title"], "Z REPORT 1");

    // Every total against the ledger, recomputed from the accounts' histories.
    let e = &day.engine;
    let l = 978;
    let drawers = [account_id(code::CASH_DRAWER, l, "T01"), account_id(code::CASH_DRAWER, l, "T02")];
    let clearing = [account_id(code::CARD_CLEARING, l, "T01"), account_id(code::CARD_CLEARING, l, "T02")];
    let gift_cash: i64 = drawers.iter().map(|id| moved(e, *id, GIFT, true)).sum();
    let gift_card: i64 = clearing.iter().map(|id| moved(e, *id, GIFT, true)).sum();
    let retail_cash: i64 = drawers.iter().map(|id| moved(e, *id, &[tc::RETAIL_PAYMENT], true)).sum();
    let retail_card: i64 = clearing.iter().map(|id| moved(e, *id, &[tc::RETAIL_PAYMENT], true)).sum();
    assert_eq!((retail_cash, retail_card), (10000, 2000 - 2000));
    let t = &zt;
    assert_eq!(minor(&t["tenders"]["cash"]), gift_cash + retail_cash, "cash tender");
    assert_eq!(minor(&t["tenders"]["card"]), gift_card + retail_card, "card tender");
    let redeemed = account_id(code::GIFT_REDEEMED, l, "A1234");
    let tips = account_id(code::TIPS_PAYABLE, l, "A1234");
    let paid_by_card = moved(e, redeemed, GIFT, false) + moved(e, tips, GIFT, false);
    assert_eq!(minor(&t["tenders"]["gift_card"]), paid_by_card, "gift card tender");
    let floats: i64 = drawers.iter().map(|id| moved(e, *id, &[tc::SHIFT_FLOAT], true)).sum();
    assert_eq!(minor(&t["cash"]["float"]), floats);
    assert_eq!(floats, 25000);
    let over_short: i64 = drawers.iter().map(|id| moved(e, *id, &[tc::CASH_OVER_SHORT], true)).sum();
    assert_eq!(minor(&t["cash"]["over_short"]), over_short);
    assert_eq!(over_short, -2000);
    assert_eq!(minor(&t["cash"]["paid_in"]), 500);
    assert_eq!(minor(&t["cash"]["paid_out"]), 350);
    assert_eq!(t["no_sales"], 1);
    // Each operation kind's amount equals its transfers' amounts.
    for (kind, code) in
        [("gift_sell", tc::GIFT_SELL), ("gift_reload", tc::GIFT_RELOAD), ("gift_cash_out", tc::GIFT_CASH_OUT)]
    {
        let from_ledger: i64 = drawers.iter().chain(clearing.iter()).map(|id| moved(e, *id, &[code], true).abs()).sum();
        assert_eq!(minor(&t["operations"][kind]["amount"]), from_ledger, "{kind}");
    }
    assert_eq!(t["operations"]["gift_redeem"]["count"], 2);
    assert_eq!(t["operations"]["gift_tip"]["amount"], 200);
    assert_eq!(t["operations"]["gift_refund"]["amount"], 500);
    assert_eq!(t["operations"]["gift_reversal"]["count"], 1);
    assert_eq!(t["operations"]["retail_por_confirmed"], json!({"count": 1, "amount": 10000}));
    assert_eq!(t["operations"]["retail_posa_confirmed"], json!({"count": 1, "amount": 2000}));
    assert_eq!(t["operations"]["retail_posa_invalidated"], json!({"count": 1, "amount": 2000}));
    // Per cashier: 1002 carries the shortage.
    assert_eq!(t["cashiers"]["1002"]["over_short"], -2000);
    // Retail face value equals the retail sales account's movements.
    let sales = till::engine::catalog::balance::sales_account(till::money::Currency::from_code("EUR").unwrap());
    let face = e.ledger().lookup_accounts(&[sales]).unwrap()[0].debit_balance();
    let ops = &t["operations"];
    let report_face = minor(&ops["retail_por_confirmed"]["amount"]) + minor(&ops["retail_posa_confirmed"]["amount"])
        - minor(&ops["retail_posa_invalidated"]["amount"]);
    assert_eq!(face as i64, report_face);
    // A closed shift leaves its drawer's ledger balance where it found it: T01 still holds the
    // demo's 75,00 sold before any shift, T02 nothing.
    let accounts = e.ledger().lookup_accounts(&drawers).unwrap();
    assert_eq!((accounts[0].debit_balance(), accounts[1].debit_balance()), (7500, 0));

    // The Z closed the day: no shift opens and nothing is booked into it.
    let (s, closed_day) = day.post("/till/v1/shifts", &c1, json!({"terminal": "T01", "float": []})).await;
    assert_eq!((s, closed_day["error"]["code"].as_str()), (409, Some("period_closed")), "{closed_day}");
    let (s, again) = day.post("/till/v1/reports/z", &m, json!({})).await;
    assert_eq!((s, again["error"]["code"].as_str()), (409, Some("period_closed")), "{again}");
    let body = json!({"merchantId": 1, "storeCode": "A1234", "terminalId": "T01", "amount": "10.00"});
    let (s, _) = day.post("/gift/sell.json", &c1, body).await;
    assert_eq!(s, 409);

    // A reprint says DUPLICATE; the list shows the Z; CSV exports the same figures.
    let (s, reprint) = day.get("/till/v1/reports/z/1", &m).await;
    assert_eq!((s, &reprint["sheet"]["duplicate"]), (200, &json!(true)));
    let (s, list) = day.get("/till/v1/reports/z", &m).await;
    assert_eq!((s, list.as_array().map(Vec::len)), (200, Some(1)));
    let cash = gift_cash + retail_cash;
    let (s, csv) = day.get("/till/v1/reports/z/1?format=csv&lang=en&locale=en-GB", &m).await;
    assert_eq!(s, 200);
    let csv = csv.as_str().unwrap();
    assert!(csv.starts_with("report,number,section,label,count,amount,currency,text\n"), "{csv}");
    let cash_line = format!("z,1,Tenders,Cash,,{}.{:02},EUR,", cash / 100, cash % 100);
    assert!(csv.contains(&cash_line), "{cash_line} not in\n{csv}");
    // The store's own (de-DE): German columns, `;` between fields, decimal commas, no grouping.
    let (s, csv) = day.get("/till/v1/reports/z/1?format=csv", &m).await;
    assert_eq!(s, 200);
    let csv = csv.as_str().unwrap();
    assert!(csv.starts_with("Bericht;Nummer;Abschnitt;Posten;Anzahl;Betrag;Währung;Text\n"), "{csv}");
    let cash_line = format!("z;1;Zahlungsarten;Bar;;{},{:02};EUR;", cash / 100, cash % 100);
    assert!(csv.contains(&cash_line), "{cash_line} not in\n{csv}");
    assert!(csv.lines().all(|l| l.split(';').count() == 8 || l.contains('"')), "{csv}");
    let (s, bad) = day.get("/till/v1/reports/z/1?format=csv&lang=fr", &m).await;
    assert_eq!((s, bad["error"]["code"].as_str()), (400, Some("invalid_lang")), "{bad}");

    // The ledger and the chain verify; the liability equals the ledger.
    let report = e.ledger().verify().unwrap();
    assert!(report.violations.is_empty(), "{:?}", report.violations);
    let (_, bad) = till::engine::reports::verify_chain(e).unwrap();
    assert!(bad.is_empty(), "{bad:?}");
    let (s, liab) = day.get("/till/v1/reports/liability", &m).await;
    assert_eq!(s, 200, "{liab}");
    assert_eq!(liab["data"]["matches_ledger"], true);
    let (s, settle) = day.get("/till/v1/reports/settlement", &m).await;
    assert_eq!(s, 200, "{settle}");
    assert_eq!(settle["data"]["total"]["orders"], 2);
    assert_eq!(settle["data"]["total"]["invalidations"], 1);
    // Card clearing awaiting settlement: each terminal's line is its ledger account's balance.
    let card = &settle["data"]["card_clearing"];
    let lines = card["lines"].as_array().unwrap();
    let mut sum = 0;
    for (terminal, id) in [("T01", clearing[0]), ("T02", clearing[1])] {
        let line = lines.iter().find(|l| l["name"] == terminal).unwrap_or_else(|| panic!("{terminal}: {card}"));
        assert_eq!(line["account"], format!("{id:032x}"));
        let acct = &e.ledger().lookup_accounts(&[id]).unwrap()[0];
        let balance = acct.debits_posted as i64 - acct.credits_posted as i64;
        assert_eq!(minor(&line["awaiting"]), balance, "{terminal}");
        sum += balance;
    }
    assert!(sum > 0, "card payments were taken: {card}");
    assert_eq!(minor(&card["awaiting"]), sum);
    let text = settle["sheet"].to_string();
    assert!(text.contains(&format!("T01 #{}", &format!("{:032x}", clearing[0])[24..])), "{text}");
}
