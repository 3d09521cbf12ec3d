//! The shift and report calls the manager's and cashier's screens make, carried out by the
//! worker through the client: shifts and the drawer, reports, printing a report, CSV export.

use crate::client::reports::{
    Booked, CloseShift, CurrentShift, Denominations, DrawerMovement, OpenShift, Prepaid, Report, ReportKind, Sheet,
    Shift, Speech, TopUp, ZSummary, printable,
};
use crate::receipt::{self, Width};
use crate::tui::model::CallError;
use crate::tui::worker::{Link, Local, call_error};

/// A call to make.
#[derive(Debug, Clone, PartialEq)]
pub enum ManagerCall {
    LoadShift,
    OpenShift(OpenShift),
    /// `paid-in`, `paid-out` or `no-sale`.
    Movement(&'static str, DrawerMovement),
    CloseShift(CloseShift),
    /// Reports come worded in the language the screen spoke when it asked (see [`speech`]).
    Report(ReportKind, Speech),
    CloseDay(Speech),
    ZList,
    Print(Box<Sheet>),
    Export(ReportKind, Speech),
    BookBreakage(i64),
    TopUp(TopUp),
}

/// Its outcome.
#[derive(Debug, Clone, PartialEq)]
pub enum ManagerReply {
    Shift { current: Box<CurrentShift>, denominations: Denominations },
    ShiftChanged(Box<Shift>),
    Report(Box<Report>),
    ZList(Vec<ZSummary>),
    Printed(Result<(), String>),
    Exported(Result<String, String>),
    Booked(Booked),
    ToppedUp(Prepaid),
}

pub async fn perform(link: &Link, local: &Local, call: ManagerCall) -> Result<ManagerReply, CallError> {
    let c = link.client().await?;
    Ok(match call {
        ManagerCall::LoadShift => {
            let current = c.current_shift().await.map_err(call_error)?;
            let denominations = c.denominations().await.map_err(call_error)?;
            ManagerReply::Shift { current: Box::new(current), denominations }
        }
        ManagerCall::OpenShift(req) => {
            ManagerReply::ShiftChanged(Box::new(c.open_shift(&req).await.map_err(call_error)?))
        }
        ManagerCall::Movement(kind, req) => {
            ManagerReply::ShiftChanged(Box::new(c.drawer_movement(kind, &req).await.map_err(call_error)?))
        }
        ManagerCall::CloseShift(req) => {
            ManagerReply::ShiftChanged(Box::new(c.close_shift(&req).await.map_err(call_error)?))
        }
        ManagerCall::Report(kind, speech) => {
            ManagerReply::Report(Box::new(c.report(&kind, &speech).await.map_err(call_error)?))
        }
        ManagerCall::CloseDay(speech) => {
            ManagerReply::Report(Box::new(c.close_day(&speech).await.map_err(call_error)?))
        }
        ManagerCall::ZList => ManagerReply::ZList(c.z_reports().await.map_err(call_error)?),
        ManagerCall::BookBreakage(amount) => ManagerReply::Booked(c.book_breakage(amount).await.map_err(call_error)?),
        ManagerCall::TopUp(req) => ManagerReply::ToppedUp(c.top_up(&req).await.map_err(call_error)?),
        ManagerCall::Print(sheet) => ManagerReply::Printed(print(&c, local, &sheet).await),
        ManagerCall::Export(kind, speech) => {
            let csv = c.report_csv(&kind, &speech).await.map_err(call_error)?;
            ManagerReply::Exported(export(local, &kind, &csv))
        }
    })
}

/// The till's language and number format in force: call it from a screen (the app puts them in
/// force before every update), not from the worker, whose thread may speak another.
pub fn speech() -> Speech {
    Speech { lang: crate::i18n::lang().tag().to_string(), locale: crate::i18n::locale() }
}

async fn print(c: &crate::client::Client, local: &Local, sheet: &Sheet) -> Result<(), String> {
    let settings = local.settings();
    if !settings.printer_configured() {
        return Err("no printer is set up: the report is on the screen only (set one in Settings)".into());
    }
    let spec: receipt::PrinterSpec =
        settings.printer.parse().map_err(|e: receipt::transport::SpecError| e.to_string())?;
    let width = Width::new(settings.width).unwrap_or(Width::W42);
    let setup = c.receipt_setup().await.map_err(|e| e.to_string())?;
    let locale = crate::money::Locale::parse(&setup.locale).unwrap_or(crate::money::Locale::EnUs);
    let rc = printable(sheet, setup.header.clone(), &setup.terminal, locale);
    tokio::task::spawn_blocking(move || {
        receipt::print(&rc, width, &spec, std::time::Duration::from_secs(10)).map(|_| ()).map_err(|e| e.to_string())
    })
    .await
    .map_err(|e| e.to_string())?
}

/// Writes the CSV into `exports/` beside the till's settings (or into the working directory);
/// the path written.
fn export(local: &Local, kind: &ReportKind, csv: &str) -> Result<String, String> {
    let name = match kind {
        ReportKind::X => "x-report".to_string(),
        ReportKind::Z(n) => format!("z-report-{n}"),
        ReportKind::Shift(id) => format!("shift-{id}"),
        ReportKind::Liability => "liability".to_string(),
        ReportKind::Settlement => "settlement".to_string(),
    };
    let stamp = time::OffsetDateTime::now_utc().unix_timestamp();
    let dir = local
        .settings_path
        .as_ref()
        .and_then(|p| p.parent().map(|d| d.join("exports")))
        .unwrap_or_else(|| std::path::PathBuf::from("."));
    std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let path = dir.join(format!("{name}-{stamp}.csv"));
    // A byte order mark first: a spreadsheet opening the file by double-click then reads it as
    // UTF-8 (umlauts, €) instead of the system's code page.
    std::fs::write(&path, format!("\u{feff}{csv}")).map_err(|e| format!("{}: {e}", path.display()))?;
    Ok(path.display().to_string())
}
