//! A report as a sheet: a title, a few header facts and titled sections of rows (a label, maybe a
//! count, an amount or a text). The screen shows it, the receipt printer prints it, CSV exports it,
//! so every surface shows the same figures in the same order.

use serde::{Deserialize, Serialize};

use super::XReport;
use super::compute::{KINDS, TENDERS, Totals};
use super::liability::Liability;
use super::settlement::SettlementReport;
use super::z::ZReport;
use crate::engine::shifts::Shift;
use crate::money::{Currency, Locale, Money};

/// One row: a label and a count, an amount (minor units) or a text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Row {
    pub label: String,
    pub count: Option<u64>,
    pub amount: Option<i64>,
    pub text: Option<String>,
}

impl Row {
    fn amount(label: &str, amount: i64) -> Row {
        Row { label: label.into(), count: None, amount: Some(amount), text: None }
    }
    fn counted(label: &str, count: u64, amount: i64) -> Row {
        Row { label: label.into(), count: Some(count), amount: Some(amount), text: None }
    }
    fn text(label: &str, text: impl Into<String>) -> Row {
        Row { label: label.into(), count: None, amount: None, text: Some(text.into()) }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Section {
    pub title: String,
    pub rows: Vec<Row>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sheet {
    /// `x`, `z`, `shift`, `liability`, `settlement`.
    pub kind: String,
    pub title: String,
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

/// How a kind is called on paper.
pub fn kind_label(kind: &str) -> String {
    match kind {
        "gift_sell" => "Gift card sales".into(),
        "gift_reload" => "Gift card reloads".into(),
        "gift_redeem" => "Gift card redemptions".into(),
        "gift_tip" => "Tips on gift cards".into(),
        "gift_cash_out" => "Gift card cash-outs".into(),
        "gift_exchange" => "Gift card exchanges".into(),
        "gift_refund" => "Gift card refunds".into(),
        "gift_reversal" => "Gift card reversals".into(),
        "gift_breakage" => "Breakage booked".into(),
        "retail_por_confirmed" => "Retail POR sold".into(),
        "retail_posa_confirmed" => "Retail POSA sold".into(),
        "retail_por_invalidated" => "Retail POR invalidated".into(),
        "retail_posa_invalidated" => "Retail POSA invalidated".into(),
        "spot_order" => "Spot orders".into(),
        "spot_refund" => "Spot refunds".into(),
        "paid_in" => "Paid in".into(),
        "paid_out" => "Paid out".into(),
        "cash" => "Cash".into(),
        "card" => "Card".into(),
        "wallet" => "Wallet".into(),
        "on_account" => "On account".into(),
        "gift_card" => "Gift card".into(),
        "other" => "Other".into(),
        k => k.replace('_', " "),
    }
}

fn totals_sections(t: &Totals) -> Vec<Section> {
    let mut ops = Vec::new();
    for k in KINDS.iter().copied().chain(t.operations.keys().map(String::as_str).filter(|k| !KINDS.contains(k))) {
        if let Some(l) = t.operations.get(k) {
            ops.push(Row::counted(&kind_label(k), l.count, l.amount));
        }
    }
    if ops.is_empty() {
        ops.push(Row::text("No operations", ""));
    }
    let mut tenders = Vec::new();
    for k in TENDERS.iter().copied().chain(t.tenders.keys().map(String::as_str).filter(|k| !TENDERS.contains(k))) {
        if let Some(a) = t.tenders.get(k) {
            tenders.push(Row::amount(&kind_label(k), *a));
        }
    }
    let c = &t.cash;
    let mut cash = vec![
        Row::amount("Opening float", c.float),
        Row::amount("Cash sales (net)", c.sales),
        Row::amount("Paid in", c.paid_in),
        Row::amount("Paid out", c.paid_out),
        Row::amount("Expected in drawer", c.expected),
    ];
    if c.closed_shifts > 0 {
        cash.push(Row::amount("Counted", c.counted));
        cash.push(Row::amount("Over/short", c.over_short));
    }
    cash.push(Row::text("Shifts closed/open", format!("{}/{}", c.closed_shifts, c.open_shifts)));
    cash.push(Row::text("No-sale openings", t.no_sales.to_string()));
    let mut cashiers = Vec::new();
    for (who, line) in &t.cashiers {
        let label = if who.chars().all(|ch| ch.is_ascii_digit()) { format!("Cashier {who}") } else { who.clone() };
        let net: i64 = line.tenders.values().fold(0i64, |a, b| a.saturating_add(*b));
        cashiers.push(Row::counted(&label, line.operations, net));
        if line.over_short != 0 {
            cashiers.push(Row::amount("  over/short", line.over_short));
        }
    }
    let summary = vec![
        Row::amount("Gross", t.gross),
        Row::amount("Returns", t.returns),
        Row::amount("Net", t.gross.saturating_sub(t.returns)),
    ];
    let mut out = vec![
        Section { title: "Operations".into(), rows: ops },
        Section { title: "Tenders".into(), rows: tenders },
        Section { title: "Cash drawer".into(), rows: cash },
        Section { title: "Totals".into(), rows: summary },
    ];
    if !cashiers.is_empty() {
        out.push(Section { title: "By cashier".into(), rows: cashiers });
    }
    out
}

fn window(from: i64, to: i64) -> Row {
    let start = if from <= 0 { "start".to_string() } else { stamp(from) };
    Row::text("Period", format!("{start} – {}", stamp(to)))
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
    let mut head = vec![window(r.totals.from_ns, r.totals.to_ns), Row::text("After Z", r.after_z.to_string())];
    if let Some(t) = &r.terminal {
        head.push(Row::text("Terminal", t));
    }
    let (kind, title) = match r.shift {
        Some(id) => ("shift", format!("SHIFT REPORT {id}")),
        None => ("x", "X REPORT".to_string()),
    };
    let mut sections = vec![Section { title: "Report".into(), rows: head }];
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
        Row::text("Business day", &b.business_day),
        window(b.from_ns, b.to_ns),
        Row::text("Manager", b.manager.to_string()),
    ];
    let mut sections = vec![Section { title: "Report".into(), rows: head }];
    sections.extend(totals_sections(&b.totals));
    sections.push(Section {
        title: "Grand totals".into(),
        rows: vec![
            Row::amount("Gross", b.grand.gross),
            Row::amount("Returns", b.grand.returns),
            Row::amount("Net", b.grand.net),
            Row::text("Operations", b.grand.operations.to_string()),
        ],
    });
    sections.push(Section {
        title: "Chain".into(),
        rows: vec![Row::text("Previous", short(&b.prev_hash)), Row::text("SHA-256", short(&r.hash))],
    });
    Sheet {
        kind: "z".into(),
        title: format!("Z REPORT {}", b.number),
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
        Row::text("Terminal", &s.terminal),
        Row::text("Cashier", format!("{} {}", s.cashier, s.cashier_name)),
        Row::text("Opened", stamp(s.opened_at)),
        Row::amount("Opening float", s.float),
    ];
    for e in &s.events {
        match e.kind.as_str() {
            "paid_in" => rows.push(Row::amount(&format!("Paid in: {}", e.reason), e.amount)),
            "paid_out" => rows.push(Row::amount(&format!("Paid out: {}", e.reason), e.amount)),
            "no_sale" => rows.push(Row::text("No sale", &e.reason)),
            _ => {}
        }
    }
    if let Some(c) = s.closed_at {
        rows.push(Row::text("Closed", stamp(c)));
        rows.push(Row::amount("Counted", s.counted.unwrap_or(0)));
        rows.push(Row::amount("Expected", s.expected.unwrap_or(0)));
        rows.push(Row::amount("Over/short", s.over_short.unwrap_or(0)));
        if let Some(m) = s.approved_by {
            rows.push(Row::text("Approved by", m.to_string()));
        }
        if let Some(n) = &s.note {
            rows.push(Row::text("Note", n));
        }
    }
    Sheet {
        kind: "shift".into(),
        title: format!("SHIFT {}", s.id),
        currency: s.currency.clone(),
        store: s.store.clone(),
        number: Some(s.id),
        at_ns: s.closed_at.unwrap_or(s.opened_at),
        duplicate: false,
        sections: vec![Section { title: "Drawer".into(), rows }],
        hours: Vec::new(),
    }
}

pub fn liability(l: &Liability, store: &str) -> Sheet {
    let m = &l.movements;
    let ageing = ["0–12 months", "12–24 months", "24–36 months", "over 36 months"];
    let mut sections = vec![
        Section {
            title: "Outstanding".into(),
            rows: vec![
                Row::counted("Cards with a balance", l.outstanding.count, l.outstanding.amount),
                Row::amount("Ledger liability", l.ledger_total),
                Row::text("Matches the ledger", if l.matches_ledger { "yes" } else { "NO" }),
            ],
        },
        Section {
            title: "Movements".into(),
            rows: vec![
                window(l.from_ns, l.as_of_ns),
                Row::amount("Issued", m.issued),
                Row::amount("Loaded", m.loaded),
                Row::amount("Redeemed", m.redeemed),
                Row::amount("Cashed out", m.cashed_out),
                Row::amount("Refunded", m.refunded),
                Row::amount("Reversals (net)", m.reversed_net),
                Row::amount("Expired", m.expired),
                Row::amount("Net change", m.net),
            ],
        },
        Section {
            title: "Ageing by last use".into(),
            rows: l.ageing.iter().zip(ageing).map(|(b, label)| Row::counted(label, b.count, b.amount)).collect(),
        },
    ];
    let mut b = vec![
        Row::text("Rule", format!("{} ({} months)", l.breakage.rule, l.breakage.months)),
        Row::counted("Estimate (not booked)", l.breakage.estimate.count, l.breakage.estimate.amount),
    ];
    for c in l.breakage.cards.iter().take(5) {
        b.push(Row::amount(&format!("  {}", c.masked), c.amount));
    }
    sections.push(Section { title: "Breakage".into(), rows: b });
    Sheet {
        kind: "liability".into(),
        title: "GIFT CARD LIABILITY".into(),
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
    for (title, c) in [("Card clearing", &s.card_clearing), ("Wallet clearing", &s.wallet_clearing)] {
        rows.push(Row::amount(title, c.awaiting));
        if c.held != 0 {
            rows.push(Row::amount("  Authorised, not captured", c.held));
        }
        for l in &c.lines {
            let tail = l.account.get(l.account.len().saturating_sub(8)..).unwrap_or("");
            rows.push(Row::amount(&format!("  {} #{tail}", l.name), l.awaiting));
        }
    }
    rows
}

pub fn settlement(s: &SettlementReport, store: &str, at_ns: i64) -> Sheet {
    let mut days = Vec::new();
    for d in &s.days {
        days.push(Row::text(
            &format!("{} {}", d.date, d.store),
            format!("{} orders, {} invalidated", d.orders, d.invalidations),
        ));
        days.push(Row::amount("  Face value", d.face_value));
        days.push(Row::amount("  Commission", d.commission));
        days.push(Row::amount("  Net payable", d.net_payable));
    }
    if days.is_empty() {
        days.push(Row::text("No retail orders", ""));
    }
    let t = &s.total;
    let sections = vec![
        Section { title: "Distributor: retail orders".into(), rows: days },
        Section {
            title: "Total".into(),
            rows: vec![
                Row::counted("Orders", t.orders, t.face_value),
                Row::text("Invalidations", t.invalidations.to_string()),
                Row::amount("Commission", t.commission),
                Row::amount("Net payable", t.net_payable),
            ],
        },
        Section {
            title: "Prepaid balance".into(),
            rows: vec![
                Row::amount("Available", s.prepaid.available),
                Row::amount("On hold", s.prepaid.on_hold),
                Row::amount("Posted", s.prepaid.posted),
            ],
        },
        Section { title: "Awaiting settlement".into(), rows: clearing_rows(s) },
    ];
    let title = match &s.date {
        Some(d) => format!("SETTLEMENT {d}"),
        None => "SETTLEMENT".into(),
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

impl Sheet {
    fn money(&self, minor: i64, locale: Locale) -> String {
        match Currency::from_code(&self.currency) {
            Ok(c) => Money::from_minor(minor, c).format(locale),
            Err(_) => minor.to_string(),
        }
    }

    /// Plain text for a terminal, `width` columns, figures in `locale`.
    pub fn text(&self, locale: Locale, width: usize) -> String {
        let mut out = String::new();
        let mut line = |l: &str, r: &str| {
            let used = l.chars().count() + r.chars().count();
            let pad = width.saturating_sub(used).max(1);
            out.push_str(&format!("{l}{}{r}\n", " ".repeat(pad)));
        };
        let title = if self.duplicate { format!("{} (DUPLICATE)", self.title) } else { self.title.clone() };
        line(&title, &format!("Store {}", self.store));
        for s in &self.sections {
            line(&format!("-- {}", s.title), "");
            for r in &s.rows {
                let mut right = String::new();
                if let Some(c) = r.count {
                    right.push_str(&format!("{c} × "));
                }
                if let Some(a) = r.amount {
                    right.push_str(&self.money(a, locale));
                }
                if let Some(t) = &r.text {
                    right.push_str(t);
                }
                line(&r.label, &right);
            }
        }
        if !self.hours.is_empty() {
            line("-- Sales per hour", "");
            for h in &self.hours {
                line(&hour_label(h.hour), &format!("{} × {}", h.count, self.money(h.amount, locale)));
            }
        }
        out
    }

    /// CSV: `section,label,count,amount,currency,text`, amounts as plain decimals (`1234.50`).
    pub fn csv(&self) -> String {
        let esc = |s: &str| {
            if s.contains([',', '"', '\n']) { format!("\"{}\"", s.replace('"', "\"\"")) } else { s.to_string() }
        };
        let currency = Currency::from_code(&self.currency).ok();
        let mut out = String::from("report,number,section,label,count,amount,currency,text\n");
        for s in &self.sections {
            for r in &s.rows {
                let amount = match (r.amount, currency) {
                    (Some(a), Some(c)) => Money::from_minor(a, c).to_plain_string(),
                    (Some(a), None) => a.to_string(),
                    _ => String::new(),
                };
                out.push_str(&format!(
                    "{},{},{},{},{},{},{},{}\n",
                    esc(&self.kind),
                    self.number.map(|n| n.to_string()).unwrap_or_default(),
                    esc(&s.title),
                    esc(r.label.trim()),
                    r.count.map(|c| c.to_string()).unwrap_or_default(),
                    amount,
                    if r.amount.is_some() { self.currency.as_str() } else { "" },
                    esc(r.text.as_deref().unwrap_or("")),
                ));
            }
        }
        for h in &self.hours {
            let amount =
                currency.map_or_else(|| h.amount.to_string(), |c| Money::from_minor(h.amount, c).to_plain_string());
            out.push_str(&format!(
                "{},{},Sales per hour,{},{},{amount},{},\n",
                esc(&self.kind),
                self.number.map(|n| n.to_string()).unwrap_or_default(),
                hour_label(h.hour),
                h.count,
                self.currency,
            ));
        }
        out
    }
}
