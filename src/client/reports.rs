//! Client calls for `/till/v1` shifts, the drawer and the manager's reports, and turning a report
//! sheet into a receipt for the printer (figures in the till's locale).

use reqwest::Method;

use super::{Client, ClientError};
use crate::money::{Currency, Locale, Money};
use crate::receipt::report::{ReportPrint, report};
use crate::receipt::{Bar, Receipt, StoreHeader};
pub use crate::wire::reports::*;

/// Which report to fetch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReportKind {
    X,
    /// A past Z by number (a reprint).
    Z(i64),
    Shift(i64),
    Liability,
    Settlement,
}

impl Client {
    pub async fn denominations(&self) -> Result<Denominations, ClientError> {
        self.get_json("/till/v1/shifts/denominations").await
    }
    pub async fn current_shift(&self) -> Result<CurrentShift, ClientError> {
        self.get_json("/till/v1/shifts/current").await
    }
    pub async fn open_shift(&self, req: &OpenShift) -> Result<Shift, ClientError> {
        self.post_json("/till/v1/shifts", req).await
    }
    /// `paid-in`, `paid-out` or `no-sale`.
    pub async fn drawer_movement(&self, kind: &str, req: &DrawerMovement) -> Result<Shift, ClientError> {
        self.post_json(&format!("/till/v1/shifts/current/{kind}"), req).await
    }
    pub async fn close_shift(&self, req: &CloseShift) -> Result<Shift, ClientError> {
        self.post_json("/till/v1/shifts/current/close", req).await
    }
    pub async fn shifts(&self) -> Result<Vec<Shift>, ClientError> {
        self.get_json("/till/v1/shifts").await
    }
    /// A report as JSON, worded in `speech`'s language.
    pub async fn report(&self, kind: &ReportKind, speech: &Speech) -> Result<Report, ClientError> {
        self.get_json(&path(kind, "json", speech)).await
    }
    /// A report as CSV in `speech`'s language and locale (de-DE: `;` and decimal commas).
    pub async fn report_csv(&self, kind: &ReportKind, speech: &Speech) -> Result<String, ClientError> {
        let bytes = self.send_raw::<()>(Method::GET, &path(kind, "csv", speech), None, &[]).await?;
        String::from_utf8(bytes).map_err(|e| ClientError::BadReply(e.to_string()))
    }
    /// Closes the business day: the Z report.
    pub async fn close_day(&self, speech: &Speech) -> Result<Report, ClientError> {
        let path = format!("/till/v1/reports/z?{}", speech.query());
        self.post_json(&path, &serde_json::json!({})).await
    }
    pub async fn z_reports(&self) -> Result<Vec<ZSummary>, ClientError> {
        self.get_json("/till/v1/reports/z").await
    }
    pub async fn book_breakage(&self, amount: i64) -> Result<Booked, ClientError> {
        self.post_json("/till/v1/reports/liability/breakage", &BreakageConfirm { amount }).await
    }
    pub async fn top_up(&self, req: &TopUp) -> Result<Prepaid, ClientError> {
        self.post_json("/till/v1/reports/settlement/top-up", req).await
    }
}

/// The language (`en`, `de`) and locale (`de-DE`) a report is asked in: the till's own, which
/// may differ from the store's.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Speech {
    pub lang: String,
    pub locale: Locale,
}

impl Speech {
    fn query(&self) -> String {
        // Both are plain ASCII tags (`en`, `de-DE`): nothing to escape.
        format!("lang={}&locale={}", self.lang, self.locale.tag())
    }
}

fn path(kind: &ReportKind, format: &str, speech: &Speech) -> String {
    let q = speech.query();
    match kind {
        ReportKind::X => format!("/till/v1/reports/x?format={format}&{q}"),
        ReportKind::Z(n) => format!("/till/v1/reports/z/{n}?format={format}&{q}"),
        ReportKind::Shift(id) => format!("/till/v1/shifts/{id}/report?format={format}&{q}"),
        ReportKind::Liability => format!("/till/v1/reports/liability?format={format}&{q}"),
        ReportKind::Settlement => format!("/till/v1/reports/settlement?format={format}&{q}"),
    }
}

/// A row's value as printed: `3 × 12,00 €`, `12,00 €` or its text.
pub fn row_value(sheet: &Sheet, row: &SheetRow, locale: Locale) -> String {
    let mut v = String::new();
    if let Some(c) = row.count {
        v.push_str(&format!("{c} × "));
    }
    if let Some(a) = row.amount {
        match Currency::from_code(&sheet.currency) {
            Ok(c) => v.push_str(&Money::from_minor(a, c).format(locale)),
            Err(_) => v.push_str(&a.to_string()),
        }
    }
    if let Some(t) = &row.text {
        v.push_str(t);
    }
    v
}

/// A sheet's sales per hour as the printout's chart: `09–10 ####   3 × 45,00 €`, every bar to the
/// scale of the day's best hour.
pub fn hours_chart(sheet: &Sheet, locale: Locale) -> Option<(String, Vec<Bar>)> {
    if sheet.hours.is_empty() {
        return None;
    }
    let currency = Currency::from_code(&sheet.currency).ok();
    let best = sheet.hours.iter().map(|h| h.amount).max().unwrap_or(0).max(1);
    let bars = sheet
        .hours
        .iter()
        .map(|h| {
            let amount =
                currency.map_or_else(|| h.amount.to_string(), |c| Money::from_minor(h.amount, c).format(locale));
            // 0..=1000 by construction (0 <= amount <= best).
            let share = (i128::from(h.amount.max(0)) * 1000 / i128::from(best)) as u16;
            Bar {
                label: format!("{:02}–{:02}", h.hour, (h.hour + 1) % 24),
                value: format!("{} × {amount}", h.count),
                share,
            }
        })
        .collect();
    Some((crate::receipt::labels::sales_per_hour(locale).to_string(), bars))
}

/// The receipt that prints a report sheet.
pub fn printable(sheet: &Sheet, header: StoreHeader, terminal: &str, locale: Locale) -> Receipt {
    let print = ReportPrint {
        title: format!("{} · {}", sheet.title, sheet.store),
        sections: sheet
            .sections
            .iter()
            .map(|s| {
                (
                    s.title.clone(),
                    s.rows.iter().map(|r| (r.label.trim().to_string(), row_value(sheet, r, locale))).collect(),
                )
            })
            .collect(),
        chart: hours_chart(sheet, locale),
    };
    let at = time::OffsetDateTime::parse(&sheet.at, &time::format_description::well_known::Rfc3339)
        .unwrap_or(time::OffsetDateTime::UNIX_EPOCH);
    report(header, terminal, at, locale, sheet.duplicate, &print)
}
