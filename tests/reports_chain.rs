//! `till verify` checks the Z chain: a fresh chain passes; a Z whose figures were edited (even
//! with its hash recomputed) and a deleted Z are reported and the exit code says so. Booking into
//! a closed day is refused.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::process::Command;

use till::engine::{Engine, OpenOptions};

fn verify(dir: &std::path::Path) -> (bool, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_till")).arg("verify").arg("--data").arg(dir).output().unwrap();
    let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    (out.status.success(), text)
}

/// A data directory whose store has one closed day (Z 1).
fn day_with_z(dir: &std::path::Path) {
    let engine = Engine::open(dir, OpenOptions { demo: true }).unwrap();
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    rt.block_on(async {
        use till::engine::shifts::{self, CountLine, Movement};
        use till::engine::tokens::Role;
        let eur = till::money::Currency::from_code("EUR").unwrap();
        let paid = till::money::Money::from_minor(1250, eur);
        shifts::movement(&engine, 1001, Role::Cashier, None, Movement::PaidIn, paid, "float top-up".into())
            .await
            .unwrap();
        let count = vec![
            CountLine { denomination: 1000, quantity: 1 },
            CountLine { denomination: 200, quantity: 1 },
            CountLine { denomination: 50, quantity: 1 },
        ];
        let closed = shifts::close(&engine, 1001, Role::Cashier, None, count, None).await.unwrap();
        assert_eq!(closed.over_short, Some(0));
        let z = till::engine::reports::z::close_day(&engine, 9001, None).await.unwrap();
        assert_eq!(z.body.number, 1);
        // The day is closed: nothing more is booked into it.
        let again = shifts::open(
            &engine,
            shifts::OpenShift { terminal: None, cashier: 1001, cashier_name: "x".into(), float: vec![] },
        )
        .await;
        assert_eq!(again.unwrap_err().code, "period_closed");
        let twice = till::engine::reports::z::close_day(&engine, 9001, None).await;
        assert_eq!(twice.unwrap_err().code, "period_closed");
    });
}

#[test]
fn a_tampered_or_deleted_z_is_found_by_till_verify() {
    let dir = tempfile::tempdir().unwrap();
    day_with_z(dir.path());
    let (ok, text) = verify(dir.path());
    assert!(ok, "{text}");
    assert!(text.contains("checked: Z report chain: 1 report(s)"), "{text}");

    let file = dir.path().join(till::engine::LEDGER_FILE);
    let conn = rusqlite::Connection::open(&file).unwrap();
    let (body, hash): (String, String) = conn
        .query_row("SELECT body, hash FROM reports_z WHERE number = 1", [], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap();
    assert!(body.contains("\"paid_in\":1250"), "{body}");

    // Edited figures: the content no longer matches its hash.
    let edited = body.replace("\"paid_in\":1250", "\"paid_in\":250");
    conn.execute("UPDATE reports_z SET body = ?1 WHERE number = 1", [&edited]).unwrap();
    let (ok, text) = verify(dir.path());
    assert!(!ok, "{text}");
    assert!(text.contains("VIOLATION: Z 1 of store A1234: its content does not match its hash (altered)"), "{text}");

    // Edited and re-hashed: the ledger's marker still holds the first hash.
    let rehash = till::engine::reports::z::hash_of(&edited);
    conn.execute("UPDATE reports_z SET hash = ?1 WHERE number = 1", [&rehash]).unwrap();
    let (ok, text) = verify(dir.path());
    assert!(!ok, "{text}");
    assert!(text.contains("its hash differs from the one the ledger recorded (altered)"), "{text}");

    // Restored, it passes again; deleted, the ledger's marker shows it is missing.
    conn.execute("UPDATE reports_z SET body = ?1, hash = ?2 WHERE number = 1", [&body, &hash]).unwrap();
    let (ok, text) = verify(dir.path());
    assert!(ok, "{text}");
    conn.execute("DELETE FROM reports_z WHERE number = 1", []).unwrap();
    drop(conn);
    let (ok, text) = verify(dir.path());
    assert!(!ok, "{text}");
    assert!(text.contains("VIOLATION: Z 1: recorded in the ledger but missing from the Z reports (deleted)"), "{text}");
}

#[test]
fn till_report_prints_the_z_at_every_width_and_as_csv() {
    let dir = tempfile::tempdir().unwrap();
    day_with_z(dir.path());
    let run = |args: &[&str]| {
        let out = Command::new(env!("CARGO_BIN_EXE_till")).args(args).arg("--data").arg(dir.path()).output().unwrap();
        assert!(out.status.success(), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8(out.stdout).unwrap()
    };
    for w in ["32", "42", "48"] {
        let text = run(&["report", "z", "--width", w, "--lang", "en"]);
        let cols: usize = w.parse().unwrap();
        assert!(text.lines().all(|l| l.chars().count() <= cols), "wider than {w}:\n{text}");
        assert!(text.contains("Z REPORT 1"), "{text}");
        // The store is de-DE: without --lang the printout speaks German.
        let german = run(&["report", "z", "--width", w]);
        assert!(german.lines().all(|l| l.chars().count() <= cols), "wider than {w}:\n{german}");
        assert!(german.contains("Z-BERICHT 1") && german.contains("Zahlungsarten"), "{german}");
        assert!(!german.contains("Tenders") && !german.contains("Paid in"), "{german}");
        // A Z printed again is a reprint.
        let squeezed = text.replace(' ', "");
        assert!(squeezed.contains("DUPLIKAT") || squeezed.contains("DUPLICATE"), "{text}");
        assert!(text.contains("12,50 €"), "{text}");
    }
    let csv = run(&["report", "z", "--format", "csv", "--lang", "en", "--locale", "en-GB"]);
    assert!(csv.contains("z,1,Cash drawer,Paid in,,12.50,EUR,"), "{csv}");
    // The store's locale: `;`, decimal commas, German words.
    let csv = run(&["report", "z", "--format", "csv"]);
    assert!(csv.starts_with("Bericht;Nummer;Abschnitt;Posten;Anzahl;Betrag;Währung;Text\n"), "{csv}");
    assert!(csv.contains("z;1;Kassenlade;Einlagen;;12,50;EUR;"), "{csv}");
    let json: serde_json::Value = serde_json::from_str(&run(&["report", "x", "--format", "json"])).unwrap();
    assert_eq!(json["sheet"]["kind"], "x");
    let liab = run(&["report", "liability", "--format", "json"]);
    let liab: serde_json::Value = serde_json::from_str(&liab).unwrap();
    assert_eq!(liab["data"]["matches_ledger"], true);
    assert_eq!(liab["data"]["outstanding"]["amount"], 7500, "the demo cards hold 50,00 + 25,00");
    let settle = run(&["report", "settlement", "--width", "32"]);
    assert!(settle.contains("ABRECHNUNG"), "{settle}");
}
