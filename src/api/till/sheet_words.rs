//! A report sheet put in words: the engine's [`sheet::Sheet`] names catalogue messages
//! (`reports.ftl`), this turns them into the language in force (see [`crate::i18n::with`]) for
//! the wire, and writes a worded sheet as CSV or as plain text with amounts in a locale.

use crate::engine::reports::sheet::{self, Words};
use crate::i18n::{self, Arg};
use crate::money::{Currency, Locale, Money};
use crate::wire::reports as wire;

/// The words in the language in force.
pub fn say(w: &Words) -> String {
    match w {
        Words::Msg { id, args } => {
            let args: Vec<(&str, Arg)> = args.iter().map(|(k, v)| (k.as_str(), Arg::from(v))).collect();
            i18n::text(id, &args)
        }
        Words::Raw(s) => s.clone(),
        Words::Indented(inner) => format!("  {}", say(inner)),
    }
}

/// RFC 3339 of a ledger timestamp.
pub fn ts(ns: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(ns))
        .ok()
        .and_then(|t| t.format(&time::format_description::well_known::Rfc3339).ok())
        .unwrap_or_default()
}

/// The wire form of a sheet, worded in the language in force.
pub fn wire_sheet(s: &sheet::Sheet) -> wire::Sheet {
    wire::Sheet {
        kind: s.kind.clone(),
        title: say(&s.title),
        currency: s.currency.clone(),
        store: s.store.clone(),
        number: s.number,
        at: ts(s.at_ns),
        duplicate: s.duplicate,
        sections: s
            .sections
            .iter()
            .map(|sec| wire::SheetSection {
                title: say(&sec.title),
                rows: sec
                    .rows
                    .iter()
                    .map(|r| wire::SheetRow {
                        label: say(&r.label),
                        count: r.count,
                        amount: r.amount,
                        text: r.text.as_ref().map(say),
                    })
                    .collect(),
            })
            .collect(),
        hours: s.hours.iter().map(|h| wire::SheetHour { hour: h.hour, count: h.count, amount: h.amount }).collect(),
    }
}

/// Whether `locale` writes amounts with a decimal comma (and so CSV with `;` between fields).
pub fn decimal_comma(locale: Locale) -> bool {
    matches!(locale, Locale::DeDe | Locale::FrFr | Locale::NlNl)
}

fn plain(s: &wire::Sheet, minor: i64) -> String {
    match Currency::from_code(&s.currency) {
        Ok(c) => Money::from_minor(minor, c).to_plain_string(),
        Err(_) => minor.to_string(),
    }
}

/// CSV for a spreadsheet in `locale`: one line per sheet row, columns named in the language in
/// force, amounts as exact decimals of the currency without grouping. Where the locale writes a
/// decimal comma (de-DE, fr-FR, nl-NL) fields are separated by `;` and amounts read `1234,50`,
/// which a spreadsheet there opens as columns of numbers; elsewhere `,` and `1234.50`. A field
/// holding the separator, a quote or a line break is quoted.
pub fn csv(s: &wire::Sheet, locale: Locale) -> String {
    let comma = decimal_comma(locale);
    let sep = if comma { ';' } else { ',' };
    let esc = |f: &str| {
        if f.contains([sep, '"', '\n', '\r']) { format!("\"{}\"", f.replace('"', "\"\"")) } else { f.to_string() }
    };
    let header = [
        crate::t!("reports-csv-report"),
        crate::t!("reports-csv-number"),
        crate::t!("reports-csv-section"),
        crate::t!("reports-csv-label"),
        crate::t!("reports-csv-count"),
        crate::t!("reports-csv-amount"),
        crate::t!("reports-csv-currency"),
        crate::t!("reports-csv-text"),
    ];
    let mut out = header.iter().map(|h| esc(h)).collect::<Vec<_>>().join(&sep.to_string());
    out.push('\n');
    for sec in &s.sections {
        for r in &sec.rows {
            let amount = r.amount.map(|a| plain(s, a)).unwrap_or_default();
            let amount = if comma { amount.replace('.', ",") } else { amount };
            let fields = [
                esc(&s.kind),
                s.number.map(|n| n.to_string()).unwrap_or_default(),
                esc(&sec.title),
                esc(r.label.trim()),
                r.count.map(|c| c.to_string()).unwrap_or_default(),
                amount,
                if r.amount.is_some() { s.currency.clone() } else { String::new() },
                esc(r.text.as_deref().unwrap_or("")),
            ];
            out.push_str(&fields.join(&sep.to_string()));
            out.push('\n');
        }
    }
    // Sales per hour, as rows of their own section.
    let section = crate::t!("charts-sales-per-hour");
    for h in &s.hours {
        let amount = plain(s, h.amount);
        let amount = if comma { amount.replace('.', ",") } else { amount };
        let fields = [
            esc(&s.kind),
            s.number.map(|n| n.to_string()).unwrap_or_default(),
            esc(&section),
            sheet::hour_label(h.hour),
            h.count.to_string(),
            amount,
            s.currency.clone(),
            String::new(),
        ];
        out.push_str(&fields.join(&sep.to_string()));
        out.push('\n');
    }
    out
}

/// Plain text for a terminal, `width` columns, amounts in `locale`.
pub fn text(s: &wire::Sheet, locale: Locale, width: usize) -> String {
    let mut out = String::new();
    let mut line = |l: &str, r: &str| {
        let used = l.chars().count() + r.chars().count();
        let pad = width.saturating_sub(used).max(1);
        out.push_str(&format!("{l}{}{r}\n", " ".repeat(pad)));
    };
    let title = if s.duplicate { crate::t!("reports-title-duplicate", title = &s.title) } else { s.title.clone() };
    line(&title, &crate::t!("reports-store", store = &s.store));
    for sec in &s.sections {
        line(&format!("-- {}", sec.title), "");
        for r in &sec.rows {
            let mut right = String::new();
            if let Some(c) = r.count {
                right.push_str(&format!("{c} × "));
            }
            if let Some(a) = r.amount {
                match Currency::from_code(&s.currency) {
                    Ok(c) => right.push_str(&Money::from_minor(a, c).format(locale)),
                    Err(_) => right.push_str(&a.to_string()),
                }
            }
            if let Some(t) = &r.text {
                right.push_str(t);
            }
            line(&r.label, &right);
        }
    }
    if !s.hours.is_empty() {
        line(&format!("-- {}", crate::t!("charts-sales-per-hour")), "");
        for h in &s.hours {
            let amount = match Currency::from_code(&s.currency) {
                Ok(c) => Money::from_minor(h.amount, c).format(locale),
                Err(_) => h.amount.to_string(),
            };
            line(&sheet::hour_label(h.hour), &format!("{} × {amount}", h.count));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Lang;

    /// The sheet names its messages at run time (`w!` in `engine/reports/sheet.rs`), out of reach
    /// of `tests/i18n_catalog.rs`: each must exist in both languages.
    #[test]
    fn every_message_the_sheet_names_is_in_both_catalogues() {
        let src = include_str!("../../engine/reports/sheet.rs");
        let ids: Vec<&str> = src
            .split("w!(\"")
            .skip(1)
            .filter_map(|rest| rest.split('"').next())
            // Not the macro's own documentation (`w!("reports-…")`).
            .filter(|id| id.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'))
            .collect();
        assert!(ids.len() > 60, "{ids:?}");
        for id in ids {
            for lang in Lang::ALL {
                let text = i18n::text_in(lang, id, &[]);
                assert!(!text.is_empty() && text != id, "{id} is missing in {lang}");
            }
        }
    }

    #[test]
    fn csv_follows_the_locale_and_quotes_what_needs_it() {
        let s = wire::Sheet {
            kind: "x".into(),
            title: "X".into(),
            currency: "EUR".into(),
            store: "A1234".into(),
            number: None,
            at: String::new(),
            duplicate: false,
            sections: vec![wire::SheetSection {
                title: "Kasse".into(),
                rows: vec![wire::SheetRow {
                    label: "Einlage: Wechselgeld; Bank".into(),
                    count: Some(2),
                    amount: Some(-123_450),
                    text: None,
                }],
            }],
            hours: vec![],
        };
        let de = i18n::with(Lang::De, Locale::DeDe, || csv(&s, Locale::DeDe));
        assert_eq!(de.lines().nth(1), Some("x;;Kasse;\"Einlage: Wechselgeld; Bank\";2;-1234,50;EUR;"), "{de}");
        let en = i18n::with(Lang::En, Locale::EnGb, || csv(&s, Locale::EnGb));
        assert_eq!(en.lines().next(), Some("report,number,section,label,count,amount,currency,text"));
        assert_eq!(en.lines().nth(1), Some("x,,Kasse,Einlage: Wechselgeld; Bank,2,-1234.50,EUR,"), "{en}");
    }
}
