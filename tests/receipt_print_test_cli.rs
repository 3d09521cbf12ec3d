//! `till print-test` end to end: the real binary prints to a TCP listener on 127.0.0.1 that
//! answers status requests like a printer and records every byte; and it fails clearly when
//! no printer listens.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::{Read, Write};
use std::net::TcpListener;
use std::process::Command;
use std::thread;
use std::time::Duration;

use till::receipt::escpos;

/// Accepts one connection; answers each `DLE EOT n` with "online, paper present" and returns
/// every byte received until the client closes.
fn fake_printer(listener: TcpListener) -> thread::JoinHandle<Vec<u8>> {
    fake_printer_with(listener, |_| 0x12)
}

/// The same, answering `DLE EOT n` with `reply(n)`.
fn fake_printer_with(listener: TcpListener, reply: fn(u8) -> u8) -> thread::JoinHandle<Vec<u8>> {
    thread::spawn(move || {
        let (mut conn, _) = listener.accept().expect("accept");
        conn.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
        let mut got = Vec::new();
        let mut buf = [0u8; 4096];
        loop {
            let n = match conn.read(&mut buf) {
                Ok(0) | Err(_) => break,
                Ok(n) => n,
            };
            let start = got.len();
            got.extend_from_slice(&buf[..n]);
            // Status requests come before the job, each alone: reply as a healthy printer.
            let mut i = start.saturating_sub(2);
            while i + 3 <= got.len() {
                if got[i] == 0x10 && got[i + 1] == 0x04 {
                    let _ = conn.write_all(&[reply(got[i + 2])]);
                    i += 3;
                } else {
                    i += 1;
                }
            }
        }
        got
    })
}

fn till() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_till"));
    // No data directory: the built-in header must do.
    c.arg("--data").arg("/nonexistent/till-print-test");
    c
}

#[test]
fn print_test_sends_the_test_receipt_over_tcp() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let printer = fake_printer(listener);
    let out = till()
        .args(["print-test", "--printer", &format!("tcp://127.0.0.1:{port}"), "--locale", "de-DE", "--width", "42"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let bytes = printer.join().unwrap();

    // Status asked first (raw DLE EOT n, no stray byte), then the job.
    assert_eq!(&bytes[..9], &[0x10, 4, 1, 0x10, 4, 2, 0x10, 4, 4]);
    let job = &bytes[9..];
    assert!(job.starts_with(&[0x1B, b'@', 0x1B, b't', 16]), "init and WPC1252 first");
    let test_line = [0xC4, 0xD6, 0xDC, b' ', 0xE4, 0xF6, 0xFC, b' ', 0xDF, b' ', 0x80, b' ', 0x96, b' '];
    assert!(job.windows(test_line.len()).any(|w| w == test_line), "ÄÖÜ äöü ß € – in Windows-1252");
    let dump = escpos::dump(job);
    assert!(dump.contains("ÄÖÜ äöü ß € – Test"), "{dump}");
    assert!(dump.contains("1.234,56 €"), "amount in de-DE: {dump}");
    assert!(dump.contains("<QR model 50>") && dump.contains(r#"<QR store "TILL-PRINT-TEST">"#), "{dump}");
    assert!(dump.contains(r#"<CODE128 "{BTILL-PRINT-TEST">"#), "{dump}");
    assert!(job.ends_with(&[0x1D, b'V', 66, 0]), "ends with the partial cut, no drawer pulse: {dump}");
    assert!(!dump.contains("<DRAWER"), "{dump}");
    for line in dump.lines() {
        let visible = line.split('<').map(|p| p.split_once('>').map_or(p, |(_, t)| t)).collect::<String>();
        assert!(visible.chars().count() <= 42, "too wide: {visible:?}");
    }
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("printer was online"), "{stdout}");
}

#[test]
fn training_print_test_is_marked_training_and_opens_no_drawer() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let printer = fake_printer(listener);
    let out = till()
        .args(["--training", "print-test", "--printer", &format!("tcp://127.0.0.1:{port}"), "--locale", "en-GB"])
        .args(["--width", "32"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let bytes = printer.join().unwrap();
    let dump = escpos::dump(&bytes[9..]);
    assert_eq!(dump.matches("*** TRAINING ***").count(), 2, "banner at top and bottom: {dump}");
    assert!(dump.contains("Not a valid receipt"), "{dump}");
    assert!(dump.contains(r#"<CODE128 "{BTILL-PRINT-TEST">"#), "{dump}");
    assert!(!dump.contains("<DRAWER") && !bytes.windows(2).any(|w| w == [0x1B, b'p']), "{dump}");

    // The preview says so too.
    let out = till().args(["--training", "print-test", "--printer", "none", "--locale", "de-DE"]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let preview = String::from_utf8_lossy(&out.stdout);
    // Double-size text is previewed with its letters spread out.
    assert!(preview.contains("T R A I N I N G") && preview.contains("Kein gültiger Beleg"), "{preview}");
}

#[test]
fn print_test_fails_clearly_when_no_printer_listens() {
    // A port that was just free: nothing listens there any more.
    let port = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let out = till().args(["print-test", "--printer", &format!("tcp://127.0.0.1:{port}")]).output().unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("not printed") && err.contains(&format!("127.0.0.1:{port}")), "{err}");
}

#[test]
fn print_test_refuses_bad_specs_and_widths() {
    let out = till().args(["print-test", "--printer", "lpt://1"]).output().unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("unknown kind"));
    let out = till().args(["print-test", "--width", "40"]).output().unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("32, 42 or 48"));
}

#[test]
fn print_test_without_printer_shows_the_preview() {
    let out = till().args(["print-test", "--printer", "none", "--locale", "fr-FR", "--width", "32"]).output().unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("ÄÖÜ äöü ß € – Test"), "{text}");
    assert!(text.contains("1 234,56 €"), "{text}");
    assert!(text.contains("[QR TILL-PRINT-TEST]") && text.contains("[CODE128 TILL-PRINT-TEST]"), "{text}");
    assert!(text.lines().all(|l| l.chars().count() <= 32), "{text}");
}

#[test]
fn print_test_refuses_a_printer_without_paper() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    // DLE EOT 4 says "paper not present" (bits 5 and 6); the rest says online.
    let printer = fake_printer_with(listener, |n| if n == 4 { 0x7E } else { 0x12 });
    let out = till().args(["print-test", "--printer", &format!("tcp://127.0.0.1:{port}")]).output().unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("not ready: paper out"), "{err}");
    let bytes = printer.join().unwrap();
    assert_eq!(bytes, [0x10, 4, 1, 0x10, 4, 2, 0x10, 4, 4], "only the status requests were sent");
}

#[test]
fn print_test_uses_the_store_header_of_the_data_directory() {
    let dir = tempfile::tempdir().unwrap();
    let config = include_str!("../assets/demo/till.toml");
    std::fs::write(dir.path().join("till.toml"), config).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_till"))
        .arg("--data")
        .arg(dir.path())
        .args(["print-test", "--printer", "none", "--width", "48", "--locale", "de-DE"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("Hauptstraße 1") && text.contains("10115 Berlin"), "{text}");
    assert!(text.contains("Kasse T01"), "{text}");
    // Nothing else was created: a printer test needs no ledger.
    let names: Vec<_> = std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert_eq!(names, ["till.toml"]);
}
