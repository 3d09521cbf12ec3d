//! A manager's report on paper: its title, then titled sections of label/value rows, laid out by
//! the same [`layout`](super::layout()) as every receipt (32, 42 or 48 columns). Values arrive
//! already worded and formatted in the store's locale; a reprint of a Z is marked DUPLICATE.

use time::OffsetDateTime;

use super::model::{Bar, Label, Line, Receipt, ReceiptKind, StoreHeader};
use crate::money::Locale;

/// A report ready to print: values already formatted in the report's locale.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportPrint {
    pub title: String,
    pub sections: Vec<(String, Vec<(String, String)>)>,
    /// A chart after the sections (its title and bars): an X's or Z's sales per hour.
    pub chart: Option<(String, Vec<Bar>)>,
}

/// The receipt of a report.
pub fn report(
    header: StoreHeader,
    terminal: &str,
    issued_at: OffsetDateTime,
    locale: Locale,
    duplicate: bool,
    print: &ReportPrint,
) -> Receipt {
    let mut lines = vec![Line::Text { text: print.title.clone() }];
    for (title, rows) in &print.sections {
        lines.push(Line::Rule);
        lines.push(Line::Text { text: title.clone() });
        for (label, value) in rows {
            lines.push(Line::Pair { label: Label::Custom(label.clone()), value: value.clone() });
        }
    }
    if let Some((title, bars)) = print.chart.as_ref().filter(|(_, bars)| !bars.is_empty()) {
        lines.push(Line::Rule);
        lines.push(Line::Text { text: title.clone() });
        lines.push(Line::Chart { bars: bars.clone() });
    }
    Receipt {
        kind: ReceiptKind::Report,
        header,
        terminal: terminal.to_string(),
        cashier: None,
        number: None,
        issued_at,
        locale,
        lines,
        totals: Vec::new(),
        tenders: Vec::new(),
        change: None,
        cards: Vec::new(),
        codes: Vec::new(),
        footer: Vec::new(),
        training: false,
        duplicate,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::receipt::{Width, layout};

    #[test]
    fn fits_every_width_and_says_duplicate() {
        let p = ReportPrint {
            title: "Z REPORT 7".into(),
            sections: vec![(
                "Tenders".into(),
                vec![
                    ("Cash".into(), "1.234,50 €".into()),
                    ("A very long label that must wrap somewhere".into(), "3 × 12,00 €".into()),
                ],
            )],
            chart: Some((
                "Sales per hour".into(),
                vec![
                    Bar { label: "09".into(), value: "3 × 1.234,50 €".into(), share: 1000 },
                    Bar { label: "10".into(), value: "0 × 0,00 €".into(), share: 0 },
                    Bar { label: "11".into(), value: "1 × 12,00 €".into(), share: 10 },
                ],
            )),
        };
        let header = StoreHeader { name: "Demo".into(), address: vec![], extra: vec![] };
        let r = report(header, "T01", OffsetDateTime::UNIX_EPOCH, Locale::DeDe, true, &p);
        for w in Width::ALL {
            let text = layout(&r, w).preview();
            assert!(text.lines().all(|l| l.chars().count() <= w.columns()), "{text}");
            assert!(text.contains("Z REPORT 7"));
            assert!(text.contains("1.234,50 €"));
            let squeezed = text.replace(' ', "");
            assert!(squeezed.contains("DUPLIKAT"), "{text}");
            // The chart: one scale, the longest bar fills the room, a small share still shows.
            let row = |h: &str| text.lines().find(|l| l.starts_with(h)).unwrap_or_default().to_string();
            let marks = |h: &str| row(h).matches('#').count();
            assert_eq!(marks("09"), w.columns() - 2 - 14 - 2, "{text}");
            assert_eq!((marks("10"), marks("11")), (0, 1), "{text}");
            assert!(row("09").ends_with("3 × 1.234,50 €") && row("11").ends_with("   1 × 12,00 €"), "{text}");
        }
    }
}
