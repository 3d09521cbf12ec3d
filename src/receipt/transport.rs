//! Getting bytes to a printer, and asking it how it is.
//!
//! Specs: `tcp://HOST[:PORT]` (port 9100 by default), `file:///PATH` (a device such as
//! `/dev/usb/lp0`, or any file), `serial:///DEV[?baud=N]` (cargo feature `serial`), `none`.
//!
//! Printing never retries: a job that broke off may have printed in part, so the caller keeps
//! the receipt unprinted and lets a person decide on a reprint (which says DUPLICATE). Before a
//! job, a printer that can answer is asked for its state (`DLE EOT 1/2/4`, with a timeout); a
//! printer that reports paper out, cover open or off-line gets nothing.

use std::fmt;
use std::fs::OpenOptions;
use std::io::{self, Read, Write};
use std::net::{Shutdown, TcpStream, ToSocketAddrs};
use std::path::PathBuf;
use std::str::FromStr;
use std::time::Duration;

use serde::{Deserialize, Serialize};

use super::escpos::status_request;

/// The default timeout for connecting, writing and each status reply.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(3);

const USAGE: &str = "use tcp://HOST[:PORT], file:///PATH, serial:///DEVICE[?baud=N] or none";

/// Where receipts go.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum PrinterSpec {
    /// No printer: the screen shows the preview only.
    None,
    Tcp {
        host: String,
        port: u16,
    },
    File(PathBuf),
    Serial {
        device: String,
        baud: u32,
    },
}

/// A printer spec that could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("printer {spec:?}: {reason}")]
pub struct SpecError {
    pub spec: String,
    pub reason: String,
}

impl FromStr for PrinterSpec {
    type Err = SpecError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let err = |reason: String| SpecError { spec: s.to_string(), reason };
        let t = s.trim();
        if t.eq_ignore_ascii_case("none") {
            return Ok(PrinterSpec::None);
        }
        let Some((scheme, rest)) = t.split_once("://") else {
            return Err(err(format!("not a printer address; {USAGE}")));
        };
        match scheme.to_ascii_lowercase().as_str() {
            "tcp" => parse_tcp(rest).map_err(err),
            "file" => {
                if !rest.starts_with('/') {
                    return Err(err(format!("a file path must be absolute, as in file:///dev/usb/lp0; {USAGE}")));
                }
                Ok(PrinterSpec::File(PathBuf::from(rest)))
            }
            "serial" => parse_serial(rest).map_err(err),
            other => Err(err(format!("unknown kind {other:?}; {USAGE}"))),
        }
    }
}

fn parse_tcp(rest: &str) -> Result<PrinterSpec, String> {
    let rest = rest.trim_end_matches('/');
    if rest.is_empty() {
        return Err(format!("no host given; {USAGE}"));
    }
    // `[v6]:port`, `host:port`, `host`.
    let (host, port) = if let Some(v6) = rest.strip_prefix('[') {
        let (h, after) = v6.split_once(']').ok_or_else(|| "unclosed [ in an IPv6 address".to_string())?;
        (h, after.strip_prefix(':'))
    } else if rest.matches(':').count() == 1 {
        let (h, p) = rest.split_once(':').unwrap_or((rest, ""));
        (h, Some(p))
    } else {
        (rest, None)
    };
    if host.is_empty() || host.contains(['/', '?', '@', ' ']) {
        return Err(format!("{host:?} is not a host name; {USAGE}"));
    }
    let port = match port {
        None => 9100,
        Some(p) => match p.parse::<u16>() {
            Ok(n) if n > 0 => n,
            _ => return Err(format!("{p:?} is not a port number (1-65535)")),
        },
    };
    Ok(PrinterSpec::Tcp { host: host.to_string(), port })
}

fn parse_serial(rest: &str) -> Result<PrinterSpec, String> {
    let (device, query) = rest.split_once('?').unwrap_or((rest, ""));
    if device.is_empty() {
        return Err(format!("no serial device given, as in serial:///dev/ttyUSB0; {USAGE}"));
    }
    let mut baud = 9600;
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        match pair.split_once('=') {
            Some(("baud", v)) => {
                baud = v.parse::<u32>().ok().filter(|b| *b > 0).ok_or_else(|| format!("{v:?} is not a baud rate"))?;
            }
            _ => return Err(format!("unknown serial option {pair:?}; only baud=N is known")),
        }
    }
    Ok(PrinterSpec::Serial { device: device.to_string(), baud })
}

impl fmt::Display for PrinterSpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PrinterSpec::None => f.write_str("none"),
            PrinterSpec::Tcp { host, port } if host.contains(':') => write!(f, "tcp://[{host}]:{port}"),
            PrinterSpec::Tcp { host, port } => write!(f, "tcp://{host}:{port}"),
            PrinterSpec::File(path) => write!(f, "file://{}", path.display()),
            PrinterSpec::Serial { device, baud } => write!(f, "serial://{device}?baud={baud}"),
        }
    }
}

/// What the printer says about itself, for the status bar.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum PrinterStatus {
    Online,
    /// Online, but the roll is nearly used up.
    PaperLow,
    PaperOut,
    CoverOpen,
    /// Reports off-line, or cannot be reached.
    Offline,
    /// The transport cannot ask (a file, `none`) or the printer did not answer in time.
    Unknown,
}

impl PrinterStatus {
    /// Whether a job sent now would print.
    pub fn can_print(&self) -> bool {
        matches!(self, PrinterStatus::Online | PrinterStatus::PaperLow | PrinterStatus::Unknown)
    }

    pub fn as_str(&self) -> &'static str {
        match self {
            PrinterStatus::Online => "online",
            PrinterStatus::PaperLow => "paper low",
            PrinterStatus::PaperOut => "paper out",
            PrinterStatus::CoverOpen => "cover open",
            PrinterStatus::Offline => "offline",
            PrinterStatus::Unknown => "unknown",
        }
    }
}

impl fmt::Display for PrinterStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Why a job did not (certainly) print.
#[derive(Debug, thiserror::Error)]
pub enum PrintError {
    #[error("no printer is configured (printer = none)")]
    NoPrinter,
    #[error("cannot reach the printer at {spec}: {source}")]
    Unreachable { spec: String, source: io::Error },
    #[error("the printer at {spec} is not ready: {status}")]
    NotReady { spec: String, status: PrinterStatus },
    #[error(
        "the print job to {spec} broke off after {written} of {total} bytes ({source}); it may have \
         printed in part: check the paper before reprinting"
    )]
    Interrupted { spec: String, written: usize, total: usize, source: io::Error },
    #[error("serial printers need till built with `--features serial` ({spec})")]
    SerialUnsupported { spec: String },
}

impl PrintError {
    /// True when part of the job may have reached the paper: never resend without a person
    /// looking. False when nothing was sent.
    pub fn is_uncertain(&self) -> bool {
        matches!(self, PrintError::Interrupted { .. })
    }
}

/// What a successful send knows: the bytes left this machine, and the state seen before.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sent {
    pub bytes: usize,
    pub status_before: PrinterStatus,
}

/// Asks the printer for its state, within `timeout` per reply.
pub fn status(spec: &PrinterSpec, timeout: Duration) -> PrinterStatus {
    match spec {
        PrinterSpec::None | PrinterSpec::File(_) => PrinterStatus::Unknown,
        PrinterSpec::Tcp { host, port } => match tcp_connect(host, *port, timeout) {
            Ok(mut stream) => query_status(&mut stream),
            Err(_) => PrinterStatus::Offline,
        },
        PrinterSpec::Serial { .. } => serial::status(spec, timeout),
    }
}

/// [`status`] from async code (the status bar's poll): runs on the blocking pool, so a slow
/// printer never stalls the screen.
pub async fn status_async(spec: PrinterSpec, timeout: Duration) -> PrinterStatus {
    tokio::task::spawn_blocking(move || status(&spec, timeout)).await.unwrap_or(PrinterStatus::Unknown)
}

/// Sends one print job. Checks the state first where the printer can answer; never retries.
pub fn send(spec: &PrinterSpec, job: &[u8], timeout: Duration) -> Result<Sent, PrintError> {
    let name = spec.to_string();
    match spec {
        PrinterSpec::None => Err(PrintError::NoPrinter),
        PrinterSpec::Tcp { host, port } => {
            let mut stream = tcp_connect(host, *port, timeout)
                .map_err(|source| PrintError::Unreachable { spec: name.clone(), source })?;
            let status_before = query_status(&mut stream);
            if !status_before.can_print() {
                return Err(PrintError::NotReady { spec: name, status: status_before });
            }
            write_job(&mut stream, job, &name)?;
            finish(&mut stream, timeout);
            Ok(Sent { bytes: job.len(), status_before })
        }
        PrinterSpec::File(path) => {
            let mut file = OpenOptions::new()
                .create(true)
                .append(true)
                .open(path)
                .map_err(|source| PrintError::Unreachable { spec: name.clone(), source })?;
            write_job(&mut file, job, &name)?;
            Ok(Sent { bytes: job.len(), status_before: PrinterStatus::Unknown })
        }
        PrinterSpec::Serial { .. } => serial::send(spec, job, timeout),
    }
}

/// Ends a TCP job: half-close (the printer sees the end of the job), then read until the printer
/// closes, for a bounded time. Closing with unread bytes (a late status reply) would send a
/// reset, which can make the printer drop the end of the job.
fn finish(stream: &mut TcpStream, timeout: Duration) {
    if stream.shutdown(Shutdown::Write).is_err() {
        return;
    }
    let _ = stream.set_read_timeout(Some(timeout.min(Duration::from_secs(2))));
    let mut sink = [0u8; 256];
    while let Ok(n) = stream.read(&mut sink) {
        if n == 0 {
            break;
        }
    }
}

fn tcp_connect(host: &str, port: u16, timeout: Duration) -> io::Result<TcpStream> {
    let mut last = None;
    for addr in (host, port).to_socket_addrs()? {
        match TcpStream::connect_timeout(&addr, timeout) {
            Ok(stream) => {
                stream.set_read_timeout(Some(timeout))?;
                stream.set_write_timeout(Some(timeout))?;
                stream.set_nodelay(true)?;
                return Ok(stream);
            }
            Err(e) => last = Some(e),
        }
    }
    Err(last.unwrap_or_else(|| io::Error::new(io::ErrorKind::NotFound, format!("{host} has no address"))))
}

/// Writes all of `job`, counting what went out so an interruption can say how far it got.
fn write_job(w: &mut impl Write, job: &[u8], spec: &str) -> Result<(), PrintError> {
    let mut written = 0;
    let interrupted =
        |written, source| PrintError::Interrupted { spec: spec.to_string(), written, total: job.len(), source };
    while written < job.len() {
        match w.write(&job[written..]) {
            Ok(0) => return Err(interrupted(written, io::Error::from(io::ErrorKind::WriteZero))),
            Ok(n) => written += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(interrupted(written, e)),
        }
    }
    w.flush().map_err(|e| interrupted(written, e))
}

/// `DLE EOT 1`, `2` and `4` on a connection that can answer; `Unknown` if it does not in time.
fn query_status(port: &mut (impl Read + Write)) -> PrinterStatus {
    let mut ask = |n: u8| -> Option<u8> {
        port.write_all(&status_request(n)).ok()?;
        port.flush().ok()?;
        let mut b = [0u8; 1];
        match port.read(&mut b) {
            Ok(1) => Some(b[0]),
            _ => None,
        }
    };
    let Some(printer) = ask(1) else {
        return PrinterStatus::Unknown;
    };
    let offline_cause = ask(2);
    let paper = ask(4);
    decode_status(printer, offline_cause, paper)
}

/// Reads the `DLE EOT` replies (Epson ESC/POS reference): every reply has bits 1 and 4 set and
/// bits 0 and 7 clear; anything else is not a status byte.
pub fn decode_status(printer: u8, offline_cause: Option<u8>, paper: Option<u8>) -> PrinterStatus {
    let valid = |b: u8| b & 0x93 == 0x12;
    if !valid(printer) {
        return PrinterStatus::Unknown;
    }
    let cause = offline_cause.filter(|b| valid(*b)).unwrap_or(0x12);
    let paper = paper.filter(|b| valid(*b)).unwrap_or(0x12);
    if cause & 0x04 != 0 {
        PrinterStatus::CoverOpen
    } else if paper & 0x60 != 0 || cause & 0x20 != 0 {
        PrinterStatus::PaperOut
    } else if printer & 0x08 != 0 {
        PrinterStatus::Offline
    } else if paper & 0x0C != 0 {
        PrinterStatus::PaperLow
    } else {
        PrinterStatus::Online
    }
}

#[cfg(feature = "serial")]
mod serial {
    use super::*;

    fn open(spec: &PrinterSpec, timeout: Duration) -> Result<Box<dyn serialport::SerialPort>, PrintError> {
        let PrinterSpec::Serial { device, baud } = spec else {
            return Err(PrintError::NoPrinter);
        };
        serialport::new(device.as_str(), *baud)
            .timeout(timeout)
            .open()
            .map_err(|e| PrintError::Unreachable { spec: spec.to_string(), source: io::Error::other(e.to_string()) })
    }

    pub fn status(spec: &PrinterSpec, timeout: Duration) -> PrinterStatus {
        match open(spec, timeout) {
            Ok(mut port) => query_status(&mut port),
            Err(_) => PrinterStatus::Offline,
        }
    }

    pub fn send(spec: &PrinterSpec, job: &[u8], timeout: Duration) -> Result<Sent, PrintError> {
        let mut port = open(spec, timeout)?;
        let status_before = query_status(&mut port);
        if !status_before.can_print() {
            return Err(PrintError::NotReady { spec: spec.to_string(), status: status_before });
        }
        write_job(&mut port, job, &spec.to_string())?;
        Ok(Sent { bytes: job.len(), status_before })
    }
}

#[cfg(not(feature = "serial"))]
mod serial {
    use super::*;

    pub fn status(_spec: &PrinterSpec, _timeout: Duration) -> PrinterStatus {
        PrinterStatus::Unknown
    }

    pub fn send(spec: &PrinterSpec, _job: &[u8], _timeout: Duration) -> Result<Sent, PrintError> {
        Err(PrintError::SerialUnsupported { spec: spec.to_string() })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(s: &str) -> Result<PrinterSpec, SpecError> {
        s.parse()
    }

    #[test]
    fn parses_every_kind() {
        assert_eq!(parse("none"), Ok(PrinterSpec::None));
        assert_eq!(parse("tcp://192.168.1.50"), Ok(PrinterSpec::Tcp { host: "192.168.1.50".into(), port: 9100 }));
        assert_eq!(
            parse("tcp://printer.local:9101"),
            Ok(PrinterSpec::Tcp { host: "printer.local".into(), port: 9101 })
        );
        assert_eq!(parse("tcp://[::1]:9100"), Ok(PrinterSpec::Tcp { host: "::1".into(), port: 9100 }));
        assert_eq!(parse("file:///dev/usb/lp0"), Ok(PrinterSpec::File("/dev/usb/lp0".into())));
        assert_eq!(
            parse("serial:///dev/ttyUSB0?baud=19200"),
            Ok(PrinterSpec::Serial { device: "/dev/ttyUSB0".into(), baud: 19200 })
        );
        assert_eq!(parse("serial:///dev/ttyS0").map(|s| s.to_string()), Ok("serial:///dev/ttyS0?baud=9600".into()));
        assert_eq!(parse("tcp://[::1]").map(|s| s.to_string()), Ok("tcp://[::1]:9100".into()));
    }

    #[test]
    fn refuses_with_a_reason() {
        for (spec, says) in [
            ("", "not a printer address"),
            ("192.168.1.50", "not a printer address"),
            ("lpt://1", "unknown kind"),
            ("tcp://", "no host"),
            ("tcp://host:0", "not a port"),
            ("tcp://host:99999", "not a port"),
            ("tcp://host:abc", "not a port"),
            ("file://relative/path", "absolute"),
            ("serial://", "no serial device"),
            ("serial:///dev/ttyS0?baud=fast", "not a baud rate"),
            ("serial:///dev/ttyS0?parity=odd", "unknown serial option"),
        ] {
            let e = parse(spec).expect_err(spec);
            assert!(e.to_string().contains(says), "{spec}: {e}");
        }
    }

    #[test]
    fn decodes_status_bytes() {
        assert_eq!(decode_status(0x12, Some(0x12), Some(0x12)), PrinterStatus::Online);
        assert_eq!(decode_status(0x16, Some(0x12), Some(0x12)), PrinterStatus::Online); // drawer pin high
        assert_eq!(decode_status(0x1A, Some(0x16), Some(0x12)), PrinterStatus::CoverOpen);
        assert_eq!(decode_status(0x1A, Some(0x32), Some(0x7E)), PrinterStatus::PaperOut);
        assert_eq!(decode_status(0x1A, Some(0x12), Some(0x12)), PrinterStatus::Offline);
        assert_eq!(decode_status(0x12, Some(0x12), Some(0x1E)), PrinterStatus::PaperLow);
        assert_eq!(decode_status(0x00, None, None), PrinterStatus::Unknown);
    }

    #[test]
    fn file_transport_appends_each_job() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("lp0");
        let spec = PrinterSpec::File(path.clone());
        assert_eq!(status(&spec, DEFAULT_TIMEOUT), PrinterStatus::Unknown);
        let sent = send(&spec, b"one", DEFAULT_TIMEOUT).unwrap();
        assert_eq!(sent, Sent { bytes: 3, status_before: PrinterStatus::Unknown });
        send(&spec, b"two", DEFAULT_TIMEOUT).unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"onetwo");
        let missing = PrinterSpec::File(dir.path().join("no/such/dir/lp0"));
        let err = send(&missing, b"x", DEFAULT_TIMEOUT).unwrap_err();
        assert!(matches!(err, PrintError::Unreachable { .. }) && !err.is_uncertain(), "{err}");
    }

    #[test]
    fn none_prints_nothing() {
        assert!(matches!(send(&PrinterSpec::None, b"x", DEFAULT_TIMEOUT), Err(PrintError::NoPrinter)));
        assert_eq!(status(&PrinterSpec::None, DEFAULT_TIMEOUT), PrinterStatus::Unknown);
    }

    #[test]
    fn a_printer_that_does_not_answer_status_still_gets_the_job_after_the_timeout() {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let reader = std::thread::spawn(move || {
            let (mut conn, _) = listener.accept().unwrap();
            let mut got = Vec::new();
            conn.read_to_end(&mut got).unwrap();
            got
        });
        let spec = PrinterSpec::Tcp { host: "127.0.0.1".into(), port };
        // No wall-clock bound on a loaded CI machine: only that the send ends at all (a send
        // waiting forever for the status reply fails here instead of hanging the suite).
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let _ = tx.send(send(&spec, b"JOB", Duration::from_millis(300)));
        });
        let sent = rx.recv_timeout(Duration::from_secs(60)).expect("send never returned").unwrap();
        assert_eq!(sent.status_before, PrinterStatus::Unknown);
        assert_eq!(reader.join().unwrap(), [0x10, 4, 1, b'J', b'O', b'B']);
    }

    /// A writer that takes `limit` bytes and then fails, like a printer that drops the line.
    struct Breaks {
        limit: usize,
        taken: usize,
    }

    impl Write for Breaks {
        fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
            if self.taken >= self.limit {
                return Err(io::Error::from(io::ErrorKind::BrokenPipe));
            }
            let n = buf.len().min(self.limit - self.taken).min(2);
            self.taken += n;
            Ok(n)
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn a_broken_job_is_uncertain_and_says_how_far_it_got() {
        let err = write_job(&mut Breaks { limit: 5, taken: 0 }, b"0123456789", "tcp://p:9100").unwrap_err();
        assert!(matches!(err, PrintError::Interrupted { written: 5, total: 10, .. }), "{err}");
        assert!(err.is_uncertain());
        assert!(err.to_string().contains("check the paper before reprinting"), "{err}");
    }
}
