//! A report as a sheet: a title, a few header facts and titled sections of rows (a label, maybe a
//! count, an amount or a text). The screen shows it, the receipt printer prints it, CSV exports it,
//! so every surface shows the same figures in the same order.
//!
//! Words come from the catalogue (`reports.ftl`) in the language in force on the calling thread
//! (the API builds a sheet inside [`crate::i18n::with`] in the language the caller asked for);
//! amounts stay minor units until a surface formats them in its locale.

use serde::{Deserialize, Serialize};

use super::XReport;
use super::compute::{KINDS, TENDERS, Totals};
use super::liability::Liability;
use super::settlement::SettlementReport;
use super::z::ZReport;
use crate::engine::shifts::Shift;

/// Words of a sheet, not yet in a language: a catalogue message (`reports.ftl`) with its
/// parameters, or text that is the same in every language (a date, a card number, a terminal).
/// The surfaces that speak (the API, the command line) put them in words; the engine never does.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Words {
    Msg {
        id: String,
        args: Vec<(String, String)>,
    },
    Raw(String),
    /// Printed two spaces in: a sub-row (a day's figures, a clearing account).
    Indented(Box<Words>),
}

impl Words {
    pub fn msg(id: &str, args: Vec<(String, String)>) -> Words {
        Words::Msg { id: id.to_string(), args }
    }
    pub fn indented(self) -> Words {
        Words::Indented(Box::new(self))
    }
}

impl From<String> for Words {
    fn from(s: String) -> Words {
        Words::Raw(s)
    }
}
impl From<&str> for Words {
    fn from(s: &str) -> Words {
        Words::Raw(s.to_string())
    }
}
impl From<&String> for Words {
    fn from(s: &String) -> Words {
        Words::Raw(s.clone())
    }
}

/// `w!("reports-…")` or `w!("reports-…", name = value, …)`: a catalogue message of this sheet.
macro_rules! w {
    ($id:literal) => {
        Words::msg($id, Vec::new())
    };
    ($id:literal, $($name:ident = $value:expr),+ $(,)?) => {
        Words::msg($id, vec![$((stringify!($name).to_string(), $value.to_string())),+])
    };
}

/// One row: a label and a count, an amount (minor units) or a text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Row {
    pub label: Words,
    pub count: Option<u64>,
    pub amount: Option<i64>,
    pub text: Option<Words>,
}

impl Row {
    fn amount(label: Words, amount: i64) -> Row {
        Row { label, count: None, amount: Some(amount), text: None }
    }
    fn counted(label: Words, count: u64, amount: i64) -> Row {
        Row { label, count: Some(count), amount: Some(amount), text: None }
    }
    fn text(label: Words, text: impl Into<Words>) -> Row {
        Row { label, count: None, amount: None, text: Some(text.into()) }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Section {
    pub title: Words,
    pub rows: Vec<Row>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sheet {
    /// `x`, `z`, `shift`, `liability`, `settlement`.
    pub kind: String,
    pub title: Words,
    pub currency: String,
    pub store: String,
    /// Z number, shift id.
    pub number: Option<i64>,
    /// When it was made (ledger nanoseconds).
    pub at_ns: i64,
    pub duplicate: bool,
    pub sections: Vec<Section>,
    /// X, Z and shift reports: sales per hour of the day, first to last hour with sales
    /// (`hourly.rs`), which the screen and the printout draw as a chart beside the figures.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub hours: Vec<Hour>,
}

/// One hour of the day's sales: the hour (0–23, UTC), how many, how much (minor units).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Hour {
    pub hour: u8,
    pub count: u64,
    pub amount: i64,
}

/// `09:00–10:00`: an hour of the day as the sheets name it.
pub fn hour_label(hour: u8) -> String {
    format!("{hour:02}:00–{:02}:00", (hour + 1) % 24)
}

/// The chart's hours of a report's totals.
pub fn hours(t: &Totals) -> Vec<Hour> {
    super::hourly::span(&t.hours).into_iter().map(|(hour, l)| Hour { hour, count: l.count, amount: l.amount }).collect()
}

/// How an operation kind or a tender is called on paper.
pub fn kind_label(kind: &str) -> Words {
    match kind {
        "gift_sell" => w!("reports-kind-gift-sell"),
        "gift_reload" => w!("reports-kind-gift-reload"),
        "gift_redeem" => w!("reports-kind-gift-redeem"),
        "gift_tip" => w!("reports-kind-gift-tip"),
        "gift_cash_out" => w!("reports-kind-gift-cash-out"),
        "gift_exchange" => w!("reports-kind-gift-exchange"),
        "gift_refund" => w!("reports-kind-gift-refund"),
        "gift_reversal" => w!("reports-kind-gift-reversal"),
        "gift_breakage" => w!("reports-kind-gift-breakage"),
        "retail_por_confirmed" => w!("reports-kind-retail-por-confirmed"),
        "retail_posa_confirmed" => w!("reports-kind-retail-posa-confirmed"),
        "retail_por_invalidated" => w!("reports-kind-retail-por-invalidated"),
        "retail_posa_invalidated" => w!("reports-kind-retail-posa-invalidated"),
        "spot_order" => w!("reports-kind-spot-order"),
        "spot_refund" => w!("reports-kind-spot-refund"),
        "pos_card_payment" => w!("reports-kind-pos-card-payment"),
        "pos_card_refund" => w!("reports-kind-pos-card-refund"),
        "pos_on_account" => w!("reports-kind-pos-on-account"),
        "paid_in" => w!("reports-kind-paid-in"),
        "paid_out" => w!("reports-kind-paid-out"),
        "cash" => w!("reports-tender-cash"),
        "card" => w!("reports-tender-card"),
        "wallet" => w!("reports-tender-wallet"),
        "on_account" => w!("reports-tender-on-account"),
        "gift_card" => w!("reports-tender-gift-card"),
        "other" => w!("reports-tender-other"),
        k => Words::Raw(k.replace('_', " ")),
    }
}

/// Who a cashier line is: a cashier's number, or an API client (`client:NAME`).
fn who_label(who: &str) -> Words {
    if who.chars().all(|ch| ch.is_ascii_digit()) {
        w!("reports-cashier", number = who)
    } else if let Some(name) = who.strip_prefix("client:") {
        w!("reports-client", name = name)
    } else {
        Words::Raw(who.to_string())
    }
}

fn totals_sections(t: &Totals) -> Vec<Section> {
    let mut ops = Vec::new();
    for k in KINDS.iter().copied().chain(t.operations.keys().map(String::as_str).filter(|k| !KINDS.contains(k))) {
        if let Some(l) = t.operations.get(k) {
            ops.push(Row::counted(kind_label(k), l.count, l.amount));
        }
    }
    if ops.is_empty() {
        ops.push(Row::text(w!("reports-no-operations"), ""));
    }
    let mut tenders = Vec::new();
    for k in TENDERS.iter().copied().chain(t.tenders.keys().map(String::as_str).filter(|k| !TENDERS.contains(k))) {
        if let Some(a) = t.tenders.get(k) {
            tenders.push(Row::amount(kind_label(k), *a));
        }
    }
    let c = &t.cash;
    let mut cash = vec![
        Row::amount(w!("reports-opening-float"), c.float),
        Row::amount(w!("reports-cash-sales"), c.sales),
        Row::amount(w!("reports-kind-paid-in"), c.paid_in),
        Row::amount(w!("reports-kind-paid-out"), c.paid_out),
        Row::amount(w!("reports-expected-in-drawer"), c.expected),
    ];
    if c.closed_shifts > 0 {
        cash.push(Row::amount(w!("reports-counted"), c.counted));
        cash.push(Row::amount(w!("reports-over-short"), c.over_short));
    }
    cash.push(Row::text(w!("reports-shifts-closed-open"), format!("{}/{}", c.closed_shifts, c.open_shifts)));
    cash.push(Row::text(w!("reports-no-sales"), t.no_sales.to_string()));
    let mut cashiers = Vec::new();
    for (who, line) in &t.cashiers {
        let net: i64 = line.tenders.values().fold(0i64, |a, b| a.saturating_add(*b));
        cashiers.push(Row::counted(who_label(who), line.operations, net));
        if line.over_short != 0 {
            // Named with its cashier: a CSV line stands on its own.
            cashiers.push(Row::amount(w!("reports-over-short-of-cashier", number = who).indented(), line.over_short));
        }
    }
    let summary = vec![
        Row::amount(w!("reports-gross"), t.gross),
        Row::amount(w!("reports-returns"), t.returns),
        Row::amount(w!("reports-net"), t.gross.saturating_sub(t.returns)),
    ];
    let mut out = vec![
        Section { title: w!("reports-section-operations"), rows: ops },
        Section { title: w!("reports-section-tenders"), rows: tenders },
        Section { title: w!("reports-section-cash-drawer"), rows: cash },
        Section { title: w!("reports-section-totals"), rows: summary },
    ];
    if !cashiers.is_empty() {
        out.push(Section { title: w!("reports-section-by-cashier"), rows: cashiers });
    }
    out
}

fn window(from: i64, to: i64) -> Row {
    let range = if from <= 0 {
        w!("reports-period-from-start", to = stamp(to))
    } else {
        Words::Raw(format!("{} – {}", stamp(from), stamp(to)))
    };
    Row::text(w!("reports-period"), range)
}

/// `2026-11-21 18:04` (UTC) of a ledger timestamp.
pub fn stamp(ns: i64) -> String {
    let format = time::macros::format_description!("[year]-[month]-[day] [hour]:[minute]");
    time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(ns))
        .ok()
        .and_then(|t| t.format(&format).ok())
        .unwrap_or_default()
}

pub fn x(r: &XReport) -> Sheet {
    let mut head =
        vec![window(r.totals.from_ns, r.totals.to_ns), Row::text(w!("reports-after-z"), r.after_z.to_string())];
    if let Some(t) = &r.terminal {
        head.push(Row::text(w!("reports-terminal"), t));
    }
    let (kind, title) = match r.shift {
        Some(id) => ("shift", w!("reports-title-shift-report", number = id.to_string())),
        None => ("x", w!("reports-title-x")),
    };
    let mut sections = vec![Section { title: w!("reports-section-report"), rows: head }];
    sections.extend(totals_sections(&r.totals));
    Sheet {
        kind: kind.into(),
        title,
        currency: r.totals.currency.clone(),
        store: r.store.clone(),
        number: r.shift,
        at_ns: r.generated_at,
        duplicate: false,
        sections,
        hours: hours(&r.totals),
    }
}

pub fn z(r: &ZReport) -> Sheet {
    let b = &r.body;
    let head = vec![
        Row::text(w!("reports-business-day"), &b.business_day),
        window(b.from_ns, b.to_ns),
        Row::text(w!("reports-manager"), b.manager.to_string()),
    ];
    let mut sections = vec![Section { title: w!("reports-section-report"), rows: head }];
    sections.extend(totals_sections(&b.totals));
    sections.push(Section {
        title: w!("reports-section-grand-totals"),
        rows: vec![
            Row::amount(w!("reports-gross"), b.grand.gross),
            Row::amount(w!("reports-returns"), b.grand.returns),
            Row::amount(w!("reports-net"), b.grand.net),
            Row::text(w!("reports-section-operations"), b.grand.operations.to_string()),
        ],
    });
    sections.push(Section {
        title: w!("reports-section-chain"),
        rows: vec![
            Row::text(w!("reports-chain-previous"), short(&b.prev_hash)),
            Row::text("SHA-256".into(), short(&r.hash)),
        ],
    });
    Sheet {
        kind: "z".into(),
        title: w!("reports-title-z", number = b.number.to_string()),
        currency: b.totals.currency.clone(),
        store: b.store.clone(),
        number: Some(b.number),
        at_ns: b.to_ns,
        duplicate: r.duplicate,
        sections,
        hours: hours(&b.totals),
    }
}

fn short(hash: &str) -> String {
    hash.chars().take(16).collect()
}

pub fn shift(s: &Shift) -> Sheet {
    let mut rows = vec![
        Row::text(w!("reports-terminal"), &s.terminal),
        Row::text(w!("reports-cashier-of-shift"), format!("{} {}", s.cashier, s.cashier_name)),
        Row::text(w!("reports-opened"), stamp(s.opened_at)),
        Row::amount(w!("reports-opening-float"), s.float),
    ];
    for e in &s.events {
        match e.kind.as_str() {
            "paid_in" => rows.push(Row::amount(w!("reports-paid-in-for", reason = &e.reason), e.amount)),
            "paid_out" => rows.push(Row::amount(w!("reports-paid-out-for", reason = &e.reason), e.amount)),
            "no_sale" => rows.push(Row::text(w!("reports-no-sale"), &e.reason)),
            _ => {}
        }
    }
    if let Some(c) = s.closed_at {
        rows.push(Row::text(w!("reports-closed"), stamp(c)));
        rows.push(Row::amount(w!("reports-counted"), s.counted.unwrap_or(0)));
        rows.push(Row::amount(w!("reports-expected"), s.expected.unwrap_or(0)));
        rows.push(Row::amount(w!("reports-over-short"), s.over_short.unwrap_or(0)));
        if let Some(m) = s.approved_by {
            rows.push(Row::text(w!("reports-approved-by"), m.to_string()));
        }
        if let Some(n) = &s.note {
            rows.push(Row::text(w!("reports-note"), n));
        }
    }
    Sheet {
        kind: "shift".into(),
        title: w!("reports-title-shift", number = s.id.to_string()),
        currency: s.currency.clone(),
        store: s.store.clone(),
        number: Some(s.id),
        at_ns: s.closed_at.unwrap_or(s.opened_at),
        duplicate: false,
        sections: vec![Section { title: w!("reports-section-drawer"), rows }],
        hours: Vec::new(),
    }
}

pub fn liability(l: &Liability, store: &str) -> Sheet {
    let m = &l.movements;
    let ageing = [w!("reports-age-0-12"), w!("reports-age-12-24"), w!("reports-age-24-36"), w!("reports-age-over-36")];
    let matches = if l.matches_ledger { w!("reports-yes") } else { w!("reports-no") };
    let mut sections = vec![
        Section {
            title: w!("reports-section-outstanding"),
            rows: vec![
                Row::counted(w!("reports-cards-with-balance"), l.outstanding.count, l.outstanding.amount),
                Row::amount(w!("reports-ledger-liability"), l.ledger_total),
                Row::text(w!("reports-matches-ledger"), matches),
            ],
        },
        Section {
            title: w!("reports-section-movements"),
            rows: vec![
                window(l.from_ns, l.as_of_ns),
                Row::amount(w!("reports-issued"), m.issued),
                Row::amount(w!("reports-loaded"), m.loaded),
                Row::amount(w!("reports-redeemed"), m.redeemed),
                Row::amount(w!("reports-cashed-out"), m.cashed_out),
                Row::amount(w!("reports-refunded"), m.refunded),
                Row::amount(w!("reports-reversals-net"), m.reversed_net),
                Row::amount(w!("reports-expired"), m.expired),
                Row::amount(w!("reports-net-change"), m.net),
            ],
        },
        Section {
            title: w!("reports-section-ageing"),
            rows: l.ageing.iter().zip(ageing).map(|(b, label)| Row::counted(label, b.count, b.amount)).collect(),
        },
    ];
    let mut b = vec![
        Row::text(
            w!("reports-breakage-rule"),
            match l.breakage.rule.as_str() {
                "never" => w!("reports-breakage-never"),
                "inactivity" => w!("reports-breakage-inactivity", months = l.breakage.months),
                "de_limitation" => w!("reports-breakage-de-limitation"),
                other => Words::Raw(other.to_string()),
            },
        ),
        Row::counted(w!("reports-breakage-estimate"), l.breakage.estimate.count, l.breakage.estimate.amount),
    ];
    for c in l.breakage.cards.iter().take(5) {
        b.push(Row::amount(Words::Raw(c.masked.clone()).indented(), c.amount));
    }
    sections.push(Section { title: w!("reports-section-breakage"), rows: b });
    Sheet {
        kind: "liability".into(),
        title: w!("reports-title-liability"),
        currency: l.currency.clone(),
        store: store.into(),
        number: None,
        at_ns: l.as_of_ns,
        duplicate: false,
        sections,
        hours: Vec::new(),
    }
}

/// Card and wallet clearing, each with its ledger accounts (the id's last 8 hex digits).
fn clearing_rows(s: &SettlementReport) -> Vec<Row> {
    let mut rows = Vec::new();
    let titles = [w!("reports-card-clearing"), w!("reports-wallet-clearing")];
    for (title, c) in titles.iter().zip([&s.card_clearing, &s.wallet_clearing]) {
        rows.push(Row::amount(title.clone(), c.awaiting));
        if c.held != 0 {
            rows.push(Row::amount(w!("reports-authorised-not-captured").indented(), c.held));
        }
        for l in &c.lines {
            let tail = l.account.get(l.account.len().saturating_sub(8)..).unwrap_or("");
            rows.push(Row::amount(Words::Raw(format!("{} #{tail}", l.name)).indented(), l.awaiting));
        }
    }
    rows
}

pub fn settlement(s: &SettlementReport, store: &str, at_ns: i64) -> Sheet {
    let mut days = Vec::new();
    for d in &s.days {
        days.push(Row::text(
            Words::Raw(format!("{} {}", d.date, d.store)),
            w!("reports-day-orders", orders = d.orders, invalidated = d.invalidations),
        ));
        days.push(Row::amount(w!("reports-face-value").indented(), d.face_value));
        days.push(Row::amount(w!("reports-commission").indented(), d.commission));
        days.push(Row::amount(w!("reports-net-payable").indented(), d.net_payable));
    }
    if days.is_empty() {
        days.push(Row::text(w!("reports-no-retail-orders"), ""));
    }
    let t = &s.total;
    let sections = vec![
        Section { title: w!("reports-section-distributor"), rows: days },
        Section {
            title: w!("reports-section-total"),
            rows: vec![
                Row::counted(w!("reports-orders"), t.orders, t.face_value),
                Row::text(w!("reports-invalidations"), t.invalidations.to_string()),
                Row::amount(w!("reports-commission"), t.commission),
                Row::amount(w!("reports-net-payable"), t.net_payable),
            ],
        },
        Section {
            title: w!("reports-section-prepaid"),
            rows: vec![
                Row::amount(w!("reports-prepaid-available"), s.prepaid.available),
                Row::amount(w!("reports-prepaid-on-hold"), s.prepaid.on_hold),
                Row::amount(w!("reports-prepaid-posted"), s.prepaid.posted),
            ],
        },
        Section { title: w!("reports-section-awaiting"), rows: clearing_rows(s) },
    ];
    let title = match &s.date {
        Some(d) => w!("reports-title-settlement-day", date = d),
        None => w!("reports-title-settlement"),
    };
    Sheet {
        kind: "settlement".into(),
        title,
        currency: s.currency.clone(),
        store: store.into(),
        number: None,
        at_ns,
        duplicate: false,
        sections,
        hours: Vec::new(),
    }
}
