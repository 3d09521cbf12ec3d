//! The serial transport for real: `socat` links two pseudo-terminals, the till prints to one end
//! through `serial://` (the `serialport` crate, cargo feature `serial`), and a small printer on
//! the other end answers the status requests and keeps every byte of the job.
//!
//! `cargo test --features serial --test receipt_serial` (CI runs it); skipped, visibly, without
//! socat (`tests/skips`).
#![cfg(feature = "serial")]
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod skips;

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use till::receipt::{PrintError, PrinterSpec, PrinterStatus, transport};

/// Two linked ptys, `<dir>/till` and `<dir>/printer`; socat is killed on drop.
struct PtyPair {
    child: Child,
    dir: tempfile::TempDir,
}

impl PtyPair {
    fn start() -> Option<PtyPair> {
        let dir = tempfile::tempdir().unwrap();
        let end = |name: &str| format!("pty,link={},raw,echo=0", dir.path().join(name).display());
        let child = Command::new("socat")
            .args([end("till"), end("printer")])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .ok()?;
        let pair = PtyPair { child, dir };
        let deadline = Instant::now() + Duration::from_secs(30);
        while !(pair.path("till").exists() && pair.path("printer").exists()) {
            assert!(Instant::now() < deadline, "socat made no ptys in 30 s");
            std::thread::sleep(Duration::from_millis(10));
        }
        Some(pair)
    }
    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }
}

impl Drop for PtyPair {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A printer on `path`: answers `DLE EOT n` with `status`, keeps every other byte.
fn printer(path: &Path, status: u8) -> Arc<Mutex<Vec<u8>>> {
    let got = Arc::new(Mutex::new(Vec::new()));
    let mut port = std::fs::OpenOptions::new().read(true).write(true).open(path).unwrap();
    let kept = got.clone();
    std::thread::spawn(move || {
        let mut pending: Vec<u8> = Vec::new();
        let mut buf = [0u8; 512];
        while let Ok(n) = port.read(&mut buf) {
            if n == 0 {
                break;
            }
            pending.extend_from_slice(&buf[..n]);
            // A status request is three bytes; wait for all of them before deciding.
            let mut i = 0;
            while i < pending.len() {
                match &pending[i..] {
                    [0x10, 0x04, _, ..] => {
                        let _ = port.write_all(&[status]);
                        let _ = port.flush();
                        i += 3;
                    }
                    [0x10] | [0x10, 0x04] => break,
                    [b, ..] => {
                        kept.lock().unwrap().push(*b);
                        i += 1;
                    }
                    [] => break,
                }
            }
            pending.drain(..i);
        }
    });
    got
}

fn have_socat() -> bool {
    Command::new("socat").arg("-V").stdout(Stdio::null()).stderr(Stdio::null()).status().is_ok()
}

#[test]
fn a_job_goes_out_whole_over_a_serial_line_and_a_printer_that_is_offline_gets_nothing() {
    if !have_socat() {
        return skips::tool_missing(
            "receipt_serial",
            "socat",
            "socat is not installed; the serial transport did not run",
        );
    }
    let job: Vec<u8> = [&b"\x1b@\x1bt\x10Serial test\n"[..], &[0x1D, b'V', 66, 0], &[0x1B, b'p', 0, 25, 250]].concat();

    let pair = PtyPair::start().unwrap();
    let got = printer(&pair.path("printer"), 0x12); // online
    let spec: PrinterSpec = format!("serial://{}?baud=19200", pair.path("till").display()).parse().unwrap();
    let sent = transport::send(&spec, &job, Duration::from_secs(10)).unwrap();
    assert_eq!((sent.bytes, sent.status_before), (job.len(), PrinterStatus::Online));
    let deadline = Instant::now() + Duration::from_secs(30);
    while got.lock().unwrap().len() < job.len() {
        assert!(Instant::now() < deadline, "only {} of {} bytes arrived", got.lock().unwrap().len(), job.len());
        std::thread::sleep(Duration::from_millis(10));
    }
    assert_eq!(*got.lock().unwrap(), job, "the printer got the job byte for byte");
    drop(pair);

    // Off-line (bit 3 of DLE EOT 1): nothing is sent, and the error says why.
    let pair = PtyPair::start().unwrap();
    let got = printer(&pair.path("printer"), 0x12 | 0x08);
    let spec: PrinterSpec = format!("serial://{}", pair.path("till").display()).parse().unwrap();
    match transport::send(&spec, &job, Duration::from_secs(10)) {
        Err(PrintError::NotReady { status, .. }) => assert_eq!(status, PrinterStatus::Offline),
        other => panic!("an off-line printer must get nothing: {other:?}"),
    }
    assert!(got.lock().unwrap().is_empty(), "{:?}", got.lock().unwrap());
}
