//! Receipts checked by an independent decoder: the emupos virtual ESC/POS printer (PyPI,
//! Python >= 3.13) runs on 127.0.0.1, `till print-test` and real receipts print to it over TCP,
//! and its text dump, code decoding, cut, drawer state and status replies are checked.
//!
//! Skipped, with a message saying so, when emupos is not installed. It is looked for as
//! `$EMUPOS`, then `emupos` on the PATH, then under `~/.pyenv/versions/3.1[3-9]*/bin/`.
//! Install: `python3.13 -m pip install emupos`.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod skips;

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use till::money::{Currency, Locale, Money};
use till::receipt::transport::{self, DEFAULT_TIMEOUT};
use till::receipt::{
    Context, GiftResult, PrintError, PrinterSpec, PrinterStatus, Receipt, StoreHeader, Tender, TenderKind, Width,
    escpos, layout,
};

fn find_emupos() -> Option<PathBuf> {
    let works = |p: &Path| {
        Command::new(p).arg("--version").stdout(Stdio::null()).stderr(Stdio::null()).status().is_ok_and(|s| s.success())
    };
    if let Some(p) = std::env::var_os("EMUPOS").map(PathBuf::from) {
        return works(&p).then_some(p);
    }
    if works(Path::new("emupos")) {
        return Some(PathBuf::from("emupos"));
    }
    let versions = PathBuf::from(std::env::var_os("HOME")?).join(".pyenv/versions");
    let mut found: Vec<PathBuf> = std::fs::read_dir(versions)
        .ok()?
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().starts_with("3.1"))
        .map(|e| e.path().join("bin/emupos"))
        .filter(|p| p.exists())
        .collect();
    found.sort();
    found.into_iter().rev().find(|p| works(p))
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// A running emupos with one printer, killed on drop.
struct Emupos {
    child: Child,
    dir: tempfile::TempDir,
    printer_port: u16,
    api_port: u16,
}

impl Drop for Emupos {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Emupos {
    /// Starts emupos with the printer on TCP and, with `serial`, also on a pty published at
    /// `<dir>/emupos/front` (emupos puts its links under `$TMPDIR`).
    fn start(bin: &Path, serial: bool) -> Emupos {
        let dir = tempfile::tempdir().unwrap();
        let (printer_port, api_port) = (free_port(), free_port());
        let pty = if serial { "      - serial: { pty: true }\n" } else { "" };
        let config = format!(
            "schema: 1\napi: {{ host: 127.0.0.1, port: {api_port} }}\ndevices:\n  - id: front\n    type: printer\n    \
             profile: epson-tm-t20iii\n    connections:\n      - tcp: {{ host: 127.0.0.1, port: {printer_port} }}\n{pty}    \
             job_idle_timeout_ms: 1000\n    receipts_dir: ./receipts\n"
        );
        std::fs::write(dir.path().join("emupos.yaml"), config).unwrap();
        let log = std::fs::File::create(dir.path().join("emupos.log")).unwrap();
        let child = Command::new(bin)
            .args(["run", "--config", "emupos.yaml"])
            .current_dir(dir.path())
            .env("NO_COLOR", "1")
            .env("TMPDIR", dir.path())
            .stdin(Stdio::null())
            .stdout(log.try_clone().unwrap())
            .stderr(log)
            .spawn()
            .expect("spawn emupos");
        let mut emu = Emupos { child, dir, printer_port, api_port };
        // Generous: Python starts slowly on a loaded 2-core machine.
        let deadline = Instant::now() + Duration::from_secs(60);
        while emu.http("GET", "/api/v1/health").is_none() {
            if let Ok(Some(status)) = emu.child.try_wait() {
                panic!("emupos exited ({status}):\n{}", emu.log());
            }
            assert!(Instant::now() < deadline, "emupos did not start in 60 s:\n{}", emu.log());
            std::thread::sleep(Duration::from_millis(100));
        }
        emu
    }

    fn log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("emupos.log")).unwrap_or_default()
    }

    fn spec(&self) -> PrinterSpec {
        format!("tcp://127.0.0.1:{}", self.printer_port).parse().unwrap()
    }

    /// A minimal HTTP/1.1 request to the control API; the body of a 2xx reply.
    fn http(&self, method: &str, path: &str) -> Option<String> {
        let mut s = TcpStream::connect(("127.0.0.1", self.api_port)).ok()?;
        s.set_read_timeout(Some(Duration::from_secs(10))).ok()?;
        let req =
            format!("{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
        s.write_all(req.as_bytes()).ok()?;
        let mut reply = String::new();
        s.read_to_string(&mut reply).ok()?;
        let ok = reply.split(' ').nth(1).is_some_and(|code| code.starts_with('2'));
        ok.then(|| reply.split_once("\r\n\r\n").map(|(_, b)| b.to_string()).unwrap_or_default())
    }

    fn drawer(&self) -> String {
        let body = self.http("GET", "/api/v1/devices/front").expect("device state");
        let v: serde_json::Value = serde_json::from_str(&body).expect("device JSON");
        v["state"]["drawer"].as_str().unwrap_or_default().to_string()
    }

    /// Waits for receipt number `n` (1-based) to complete; returns its text dump and metadata.
    fn receipt(&self, n: usize) -> (String, serde_json::Value) {
        let dir = self.dir.path().join("receipts");
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let mut metas: Vec<PathBuf> = std::fs::read_dir(&dir)
                .map(|d| {
                    d.filter_map(|e| e.ok())
                        .map(|e| e.path())
                        .filter(|p| p.extension().is_some_and(|x| x == "json"))
                        .collect()
                })
                .unwrap_or_default();
            metas.sort();
            if metas.len() >= n {
                let meta = &metas[n - 1];
                let json: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(meta).unwrap()).unwrap();
                let text = std::fs::read_to_string(meta.with_extension("txt")).unwrap();
                assert!(std::fs::metadata(meta.with_extension("png")).unwrap().len() > 0, "no image");
                return (text, json);
            }
            assert!(Instant::now() < deadline, "receipt {n} never completed:\n{}", self.log());
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    fn receipts(&self) -> usize {
        std::fs::read_dir(self.dir.path().join("receipts"))
            .map(|d| d.filter_map(|e| e.ok()).filter(|e| e.path().extension().is_some_and(|x| x == "json")).count())
            .unwrap_or(0)
    }
}

fn cash_sale(training: bool) -> Receipt {
    let eur = |m| Money::from_minor(m, Currency::from_code("EUR").unwrap());
    let ctx = Context {
        header: StoreHeader {
            name: "Demo Coffee & Gifts".into(),
            address: vec!["Hauptstraße 1".into()],
            extra: vec![],
        },
        terminal: "T01".into(),
        cashier: Some("1001".into()),
        issued_at: time::OffsetDateTime::now_utc(),
        locale: Locale::DeDe,
        training,
        footer: vec![],
    };
    let result = GiftResult {
        card_number: "6274123456789012".into(),
        amount: eur(2500),
        previous_balance: None,
        balance: Some(eur(2500)),
        auth_code: Some("483920".into()),
        transaction_id: None,
        code: Some("EG-7F3K-92QD-LM4X".into()),
    };
    let mut r = Receipt::gift_sale(&ctx, &result, &[Tender { kind: TenderKind::Cash, amount: eur(3000) }]).unwrap();
    r.number = Some(7);
    r
}

fn send(emu: &Emupos, r: &Receipt) -> Result<transport::Sent, PrintError> {
    let bytes = escpos::encode(&layout(r, Width::W48)).unwrap();
    transport::send(&emu.spec(), &bytes, DEFAULT_TIMEOUT)
}

#[test]
fn emupos_decodes_what_till_prints() {
    let Some(bin) = find_emupos() else {
        return skips::tool_missing(
            "receipt_emupos",
            "emupos",
            "emupos not found (needs Python >= 3.13: `python3.13 -m pip install emupos`, or set EMUPOS=/path/to/emupos)",
        );
    };
    let emu = Emupos::start(&bin, false);
    assert_eq!(transport::status(&emu.spec(), DEFAULT_TIMEOUT), PrinterStatus::Online);

    // 1. `till print-test`, the real binary.
    let out = Command::new(env!("CARGO_BIN_EXE_till"))
        .args(["--data", "/nonexistent/till-emupos", "print-test", "--printer", &emu.spec().to_string()])
        .args(["--locale", "de-DE", "--width", "48"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let (text, meta) = emu.receipt(1);
    assert!(text.contains("ÄÖÜ äöü ß € – Test"), "umlauts, euro sign and dash decoded:\n{text}");
    assert!(text.contains("1.234,56 €"), "{text}");
    assert!(text.contains("[qr TILL-PRINT-TEST]"), "QR content:\n{text}");
    assert!(text.contains("[barcode CODE128 TILL-PRINT-TEST]"), "CODE128 content:\n{text}");
    assert_eq!(meta["boundary"], "cut", "the job ends with a cut: {meta}");
    assert_eq!(emu.drawer(), "closed", "no drawer pulse for a test receipt");

    // 1b. `till --training print-test` on a 58 mm roll: TRAINING banners, the codes, no drawer.
    let out = Command::new(env!("CARGO_BIN_EXE_till"))
        .args(["--data", "/nonexistent/till-emupos", "--training", "print-test", "--printer"])
        .args([&emu.spec().to_string(), "--locale", "en-GB", "--width", "32"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let (text, meta) = emu.receipt(2);
    assert_eq!(text.matches("*** TRAINING ***").count(), 2, "{text}");
    assert!(text.contains("€1,234.56") && text.contains("ÄÖÜ äöü ß € – Test"), "{text}");
    assert!(text.contains("[qr TILL-PRINT-TEST]") && text.contains("[barcode CODE128 TILL-PRINT-TEST]"), "{text}");
    assert_eq!(meta["boundary"], "cut", "{meta}");
    assert_eq!(emu.drawer(), "closed", "no drawer pulse for a training test receipt");

    // 2. A training cash sale: TRAINING banners, the gift code, and still no drawer pulse.
    send(&emu, &cash_sale(true)).unwrap();
    let (text, _) = emu.receipt(3);
    assert_eq!(text.matches("*** TRAINING ***").count(), 2, "{text}");
    assert!(text.contains("[qr EG-7F3K-92QD-LM4X]") && text.contains("[barcode CODE128 TRN-T01-000007]"), "{text}");
    assert!(text.contains("**** 9012") && !text.contains("6274123456789012"), "card masked:\n{text}");
    assert_eq!(emu.drawer(), "closed", "no drawer pulse in training");

    // 3. The same sale live: the drawer opens.
    send(&emu, &cash_sale(false)).unwrap();
    let (text, _) = emu.receipt(4);
    assert!(!text.contains("TRAINING") && text.contains("Rückgeld"), "{text}");
    assert_eq!(emu.drawer(), "open", "a live cash sale opens the drawer");

    // 4. Faults: read with DLE EOT, and a printer that cannot print gets nothing.
    for (fault, status) in [
        ("paper-out", PrinterStatus::PaperOut),
        ("cover-open", PrinterStatus::CoverOpen),
        ("offline", PrinterStatus::Offline),
    ] {
        assert!(emu.http("PUT", &format!("/api/v1/devices/front/faults/{fault}")).is_some(), "set {fault}");
        assert_eq!(transport::status(&emu.spec(), DEFAULT_TIMEOUT), status, "{fault}");
        let err = send(&emu, &cash_sale(false)).unwrap_err();
        assert!(matches!(err, PrintError::NotReady { status: s, .. } if s == status), "{err}");
        assert!(!err.is_uncertain());
        assert!(emu.http("DELETE", &format!("/api/v1/devices/front/faults/{fault}")).is_some(), "clear {fault}");
    }
    assert!(emu.http("PUT", "/api/v1/devices/front/faults/paper-near-end").is_some());
    assert_eq!(transport::status(&emu.spec(), DEFAULT_TIMEOUT), PrinterStatus::PaperLow);
    assert!(transport::status(&emu.spec(), DEFAULT_TIMEOUT).can_print());
    // Nothing printed while the printer was not ready. No sleep-and-count (a slow machine would
    // pass it vacuously): print one more, known receipt and check it is the fifth; a job that
    // leaked out during a fault would have completed before it.
    send(&emu, &cash_sale(true)).unwrap();
    let (text, _) = emu.receipt(5);
    assert!(text.contains("*** TRAINING ***"), "the fifth receipt is the last one sent:\n{text}");
    assert_eq!(emu.receipts(), 5, "nothing printed while the printer was not ready");
}

/// The serial transport (cargo feature `serial`) against emupos's pty:
/// `cargo test --features serial --test receipt_emupos`.
#[cfg(feature = "serial")]
#[test]
fn emupos_over_serial() {
    let Some(bin) = find_emupos() else {
        return skips::tool_missing("receipt_emupos serial", "emupos", "emupos not found");
    };
    let emu = Emupos::start(&bin, true);
    let link = emu.dir.path().join("emupos/front");
    let spec: PrinterSpec = format!("serial://{}?baud=9600", link.display()).parse().unwrap();
    assert_eq!(transport::status(&spec, DEFAULT_TIMEOUT), PrinterStatus::Online);
    let bytes = escpos::encode(&layout(&cash_sale(true), Width::W42)).unwrap();
    transport::send(&spec, &bytes, DEFAULT_TIMEOUT).unwrap();
    let (text, _) = emu.receipt(1);
    assert!(text.contains("[qr EG-7F3K-92QD-LM4X]") && text.contains("Rückgeld"), "{text}");
}
