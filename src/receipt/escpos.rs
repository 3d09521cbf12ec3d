//! ESC/POS bytes for a laid-out receipt, built with the `escpos` crate where it is right and
//! raw where it is not (DESIGN.md "Receipts"):
//!
//! - text: code page WPC1252 (`ESC t 16`) and our strict encoder ([`cp1252`]) sent as raw bytes;
//!   the crate would send UTF-8 for anything its table lacks;
//! - QR codes: the crate, with model 2 selected explicitly (its default is model 1);
//! - CODE128: raw `GS k 73 n {B…` (the crate has no CODE128);
//! - cut: raw `GS V 66 0`, feed to the cutter and cut partially (the crate's "partial" cut sends
//!   `GS V 65 1`, which is a full cut);
//! - drawer: raw `ESC p 0 25 250` (the crate's command stops after `ESC p 0`);
//! - status: raw `DLE EOT n` (the crate appends a stray byte).

use std::sync::{Arc, Mutex};

use escpos::driver::Driver;
use escpos::errors::PrinterError;
use escpos::printer::Printer;
use escpos::printer_options::PrinterOptions;
use escpos::utils::{JustifyMode, PageCode, Protocol, QRCodeCorrectionLevel, QRCodeModel, QRCodeOption};

use super::cp1252;
use super::layout::{Block, Document};

/// `ESC p 0 25 250`: pulse drawer pin 2 for 50 ms on, 500 ms off.
pub const DRAWER_PULSE: [u8; 5] = [0x1B, b'p', 0, 25, 250];
/// `GS V 66 0`: feed to the cutting position and cut partially.
pub const PARTIAL_CUT: [u8; 4] = [0x1D, b'V', 66, 0];
/// `ESC t 16`: the WPC1252 code page (sent by the crate's `page_code`).
pub const CODE_PAGE_WPC1252: [u8; 3] = [0x1B, b't', 16];

/// `DLE EOT n`: real-time status request (1 printer, 2 off-line cause, 4 paper roll).
pub fn status_request(n: u8) -> [u8; 3] {
    [0x10, 0x04, n]
}

/// A driver that records the bytes it is given, for encoding to memory (and the golden tests).
#[derive(Clone, Default)]
pub struct CaptureDriver {
    bytes: Arc<Mutex<Vec<u8>>>,
}

impl CaptureDriver {
    pub fn bytes(&self) -> Vec<u8> {
        self.bytes.lock().map(|b| b.clone()).unwrap_or_default()
    }
}

impl Driver for CaptureDriver {
    fn name(&self) -> String {
        "capture".to_string()
    }
    fn write(&self, data: &[u8]) -> escpos::errors::Result<()> {
        let mut bytes = self.bytes.lock().map_err(|_| PrinterError::Io("capture buffer poisoned".into()))?;
        bytes.extend_from_slice(data);
        Ok(())
    }
    fn read(&self, _buf: &mut [u8]) -> escpos::errors::Result<usize> {
        Ok(0)
    }
    fn flush(&self) -> escpos::errors::Result<()> {
        Ok(())
    }
}

/// Why a document could not be encoded (the crate refused an argument).
#[derive(Debug, thiserror::Error)]
#[error("could not encode the receipt: {0}")]
pub struct EncodeError(String);

impl From<PrinterError> for EncodeError {
    fn from(e: PrinterError) -> Self {
        EncodeError(e.to_string())
    }
}

/// The bytes of a whole print job: initialise, code page, lines and codes, cut, and the drawer
/// pulse when the document asks for it.
pub fn encode(doc: &Document) -> Result<Vec<u8>, EncodeError> {
    let driver = CaptureDriver::default();
    let cols = u8::try_from(doc.width.columns()).unwrap_or(u8::MAX);
    let options = PrinterOptions::new(None, None, cols);
    let mut p = Printer::new(driver.clone(), Protocol::default(), Some(options));
    p.init()?;
    p.page_code(PageCode::WPC1252)?;
    let mut style = (false, false); // (bold, double) in effect
    for block in &doc.blocks {
        match block {
            Block::Text { text, bold, double } => {
                set_style(&mut p, &mut style, (*bold, *double))?;
                // Text and a plain LF (the crate's `feed` sends the longer `ESC d 1`).
                let mut line = cp1252::encode(text);
                line.push(0x0A);
                p.custom(&line)?;
            }
            Block::Qr(data) => {
                set_style(&mut p, &mut style, (false, false))?;
                p.justify(JustifyMode::CENTER)?;
                p.qrcode_option(data, QRCodeOption::new(QRCodeModel::Model2, 6, QRCodeCorrectionLevel::M))?;
                p.justify(JustifyMode::LEFT)?;
            }
            Block::Code128(data) => {
                set_style(&mut p, &mut style, (false, false))?;
                p.justify(JustifyMode::CENTER)?;
                p.custom(&code128(data, doc.width.dots()))?;
                p.justify(JustifyMode::LEFT)?;
            }
        }
    }
    set_style(&mut p, &mut style, (false, false))?;
    p.custom(&PARTIAL_CUT)?;
    if doc.open_drawer {
        p.custom(&DRAWER_PULSE)?;
    }
    p.print()?;
    Ok(driver.bytes())
}

/// Switches bold and double size only where they change, so the bytes stay small.
fn set_style(p: &mut Printer<CaptureDriver>, now: &mut (bool, bool), want: (bool, bool)) -> Result<(), EncodeError> {
    if now.0 != want.0 {
        p.bold(want.0)?;
    }
    if now.1 != want.1 {
        if want.1 {
            p.size(2, 2)?;
        } else {
            p.reset_size()?;
        }
    }
    *now = want;
    Ok(())
}

/// `GS h` height, `GS w` module width, `GS H 2` text below, then `GS k 73 n {B data` with `{`
/// escaped as `{{`. Data is printable ASCII (checked by the layout); data too long for one symbol
/// gives no bytes.
fn code128(data: &str, dots: usize) -> Vec<u8> {
    let module_width = code128_module_width(data.len(), dots);
    let mut payload = b"{B".to_vec();
    for b in data.bytes() {
        if b == b'{' {
            payload.push(b'{');
        }
        payload.push(b);
    }
    let Ok(n) = u8::try_from(payload.len()) else {
        return Vec::new();
    };
    let mut out = vec![0x1D, b'h', 80, 0x1D, b'w', module_width, 0x1D, b'H', 2, 0x1D, b'k', 73, n];
    out.extend(payload);
    out
}

/// The module width for a CODE128 symbol of `chars` characters: the widest of 3 and 2 dots whose
/// symbol and quiet zones fit `dots`, else 2. Never 1: `GS w` takes 2 to 6 on Epson-class
/// printers, which ignore 1 and keep their default of 3, the widest choice of all.
pub fn code128_module_width(chars: usize, dots: usize) -> u8 {
    // Start, data, checksum and stop symbols are 11 modules each (stop 13), plus quiet zones.
    let modules = (chars + 3) * 11 + 2 + 20;
    [3u8, 2].into_iter().find(|w| modules * usize::from(*w) <= dots).unwrap_or(2)
}

/// A readable listing of ESC/POS bytes: text decoded from Windows-1252, commands by name
/// (`<ESC @>`, `<BOLD 1>`, `<QR store "…">`, `<CODE128 "…">`, `<CUT 66 0>`, `<DRAWER 0 25 250>`).
/// For reviewing golden files and for tests; unknown bytes show as `<0xNN>`.
pub fn dump(bytes: &[u8]) -> String {
    listing(bytes, &mut |_| {})
}

/// The bytes `dump` could not name, in order. A check must use this rather than search the
/// listing for `<0x`: printed text may spell those characters itself.
pub fn unknown_bytes(bytes: &[u8]) -> Vec<u8> {
    let mut unknown = Vec::new();
    listing(bytes, &mut |b| unknown.push(b));
    unknown
}

fn listing(bytes: &[u8], on_unknown: &mut dyn FnMut(u8)) -> String {
    let mut out = String::new();
    let mut i = 0;
    let arg = |i: usize| bytes.get(i).copied().unwrap_or(0);
    while i < bytes.len() {
        let b = bytes[i];
        let rest = &bytes[i..];
        let (text, used) = match rest {
            [0x0A, ..] => ("\n".to_string(), 1),
            [0x1B, b'@', ..] => ("<ESC @>".to_string(), 2),
            [0x1B, b't', n, ..] => (format!("<CODEPAGE {n}>"), 3),
            [0x1B, b'E', n, ..] => (format!("<BOLD {n}>"), 3),
            [0x1B, b'a', n, ..] => (format!("<ALIGN {n}>"), 3),
            [0x1B, b'd', n, ..] => (format!("<FEED {n}>"), 3),
            [0x1B, b'p', m, t1, t2, ..] => (format!("<DRAWER {m} {t1} {t2}>"), 5),
            [0x1D, b'!', n, ..] => (format!("<SIZE 0x{n:02X}>"), 3),
            [0x1D, b'h', n, ..] => (format!("<BARCODE-HEIGHT {n}>"), 3),
            [0x1D, b'w', n, ..] => (format!("<BARCODE-MODULE {n}>"), 3),
            [0x1D, b'H', n, ..] => (format!("<BARCODE-TEXT {n}>"), 3),
            [0x1D, b'V', m @ (65 | 66), n, ..] => (format!("<CUT {m} {n}>"), 4),
            [0x1D, b'V', m, ..] => (format!("<CUT {m}>"), 3),
            [0x10, 0x04, n, ..] => (format!("<STATUS {n}>"), 3),
            [0x1D, b'k', 73, n, ..] => {
                let n = usize::from(*n);
                let data = bytes.get(i + 4..i + 4 + n).unwrap_or_default();
                (format!("<CODE128 {:?}>", String::from_utf8_lossy(data)), 4 + n)
            }
            [0x1D, b'(', b'k', pl, ph, 49, fn_, ..] => {
                let len = usize::from(*pl) + 256 * usize::from(*ph);
                let args = bytes.get(i + 7..i + 5 + len).unwrap_or_default();
                let text = match fn_ {
                    65 => format!("<QR model {}>", arg(i + 7)),
                    67 => format!("<QR module {}>", arg(i + 7)),
                    69 => format!("<QR ecc {}>", arg(i + 7)),
                    80 => format!("<QR store {:?}>", String::from_utf8_lossy(args.get(1..).unwrap_or_default())),
                    81 => "<QR print>".to_string(),
                    f => format!("<QR fn {f}>"),
                };
                (text, 5 + len)
            }
            _ if b >= 0x20 => {
                let end = rest.iter().position(|c| *c < 0x20).unwrap_or(rest.len());
                let decoded: String = rest[..end].iter().map(|c| cp1252::char_of(*c).unwrap_or('\u{FFFD}')).collect();
                (decoded, end)
            }
            _ => {
                on_unknown(b);
                (format!("<0x{b:02X}>"), 1)
            }
        };
        out.push_str(&text);
        i += used.max(1);
    }
    out
}
