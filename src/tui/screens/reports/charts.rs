//! The pictures on the manager's report screens, above the sheet's figures: on an X, Z or shift
//! report the sales per hour of the day as a bar chart (with the best hour and the day's total
//! beside it) and the tender mix as proportional bars; on the liability screen the outstanding card
//! value by age since last use. Every bar has its figure printed beside it, and the per-hour figures
//! are also rows of the sheet below ([`hour_rows`]), so nothing is only a picture.
//!
//! Everything drawn comes from the report the engine computed (the sheet's `hours`, the data's
//! `totals.tenders` and `ageing`); nothing is added up here except shares of a total for the bars.
//! Bars are block and line characters, which read the same in `NO_COLOR`.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Bar, BarChart, BarGroup, LineGauge, Paragraph};

use crate::client::reports::Report;
use crate::money::{Currency, Money};
use crate::tui::app::Ctx;
use crate::tui::theme::Theme;

/// Rows the sheet keeps under the charts at the least (it scrolls).
const MIN_SHEET_ROWS: u16 = 6;
/// Tenders in the order the sheets print them.
const TENDERS: &[&str] = &["cash", "card", "wallet", "on_account", "gift_card", "other"];

/// What a report's charts show: each list empty when there is nothing to draw.
struct Figures {
    /// (hour of day, sales, amount).
    hours: Vec<(u8, u64, i64)>,
    /// (tender, amount taken).
    tenders: Vec<(&'static str, i64)>,
    /// The liability's four age buckets (count, amount).
    ageing: Vec<(u64, i64)>,
}

fn figures(r: &Report) -> Figures {
    let hours = r.sheet.hours.iter().map(|h| (h.hour, h.count, h.amount)).collect();
    let t = &r.data["totals"]["tenders"];
    let tenders =
        TENDERS.iter().filter_map(|k| t[*k].as_i64().filter(|a| *a != 0).map(|a| (*k, a))).collect::<Vec<_>>();
    let ageing = if r.sheet.kind == "liability" {
        r.data["ageing"]
            .as_array()
            .map(|a| a.iter().map(|b| (b["count"].as_u64().unwrap_or(0), b["amount"].as_i64().unwrap_or(0))).collect())
            .unwrap_or_default()
    } else {
        Vec::new()
    };
    Figures { hours, tenders, ageing }
}

/// The rows of each block: (hourly chart, tender mix, ageing), 0 for a block left out.
fn plan(f: &Figures, body: Rect) -> (u16, u16, u16) {
    let room = body.height.saturating_sub(MIN_SHEET_ROWS);
    let hourly = if f.hours.is_empty() { 0 } else { (body.height / 3).clamp(6, 12) };
    let tenders = if f.tenders.is_empty() { 0 } else { 1 + f.tenders.len() as u16 };
    let ageing = if f.ageing.iter().any(|(_, a)| *a != 0) { 1 + f.ageing.len() as u16 } else { 0 };
    match (hourly + tenders + ageing <= room, hourly <= room) {
        (true, _) => (hourly, tenders, ageing),
        // Too small for all: the hours (the picture the manager came for), else nothing.
        (false, true) => (hourly, 0, 0),
        (false, false) => (0, 0, 0),
    }
}

fn money(r: &Report, ctx: &Ctx, minor: i64) -> String {
    match Currency::from_code(&r.sheet.currency).ok().or(ctx.currency()) {
        Some(c) => ctx.fmt(Money::from_minor(minor, c)),
        None => minor.to_string(),
    }
}

/// `09:00–10:00`.
fn hour_span(hour: u8) -> String {
    format!("{hour:02}:00–{:02}:00", (hour + 1) % 24)
}

/// Draws the report's charts at the top of its `body` and returns what is left for the sheet
/// (all of it when the report has nothing to chart or the body is too small).
pub fn render(f: &mut Frame, body: Rect, r: &Report, ctx: &Ctx, theme: &Theme) -> Rect {
    let figs = figures(r);
    let (hh, th, ah) = plan(&figs, body);
    let [hourly, tenders, ageing, rest] =
        Layout::vertical([Constraint::Length(hh), Constraint::Length(th), Constraint::Length(ah), Constraint::Min(0)])
            .areas(body);
    if hh > 0 {
        render_hours(f, hourly, &figs.hours, r, ctx, theme);
    }
    if th > 0 {
        let rows: Vec<(String, i64, String)> =
            figs.tenders.iter().map(|(k, a)| (tender_label(k), *a, money(r, ctx, *a))).collect();
        render_shares(f, tenders, &crate::t!("charts-tender-mix"), &rows, theme);
    }
    if ah > 0 {
        let labels = [
            crate::t!("charts-age-0-12"),
            crate::t!("charts-age-12-24"),
            crate::t!("charts-age-24-36"),
            crate::t!("charts-age-over-36"),
        ];
        let rows: Vec<(String, i64, String)> = figs
            .ageing
            .iter()
            .zip(labels)
            .map(|((count, amount), label)| {
                (label, *amount, crate::t!("charts-cards", count = *count, amount = money(r, ctx, *amount)))
            })
            .collect();
        render_shares(f, ageing, &crate::t!("charts-outstanding-by-age"), &rows, theme);
    }
    rest
}

fn tender_label(k: &str) -> String {
    match k {
        "cash" => crate::t!("charts-tender-cash"),
        "card" => crate::t!("charts-tender-card"),
        "wallet" => crate::t!("charts-tender-wallet"),
        "on_account" => crate::t!("charts-tender-on-account"),
        "gift_card" => crate::t!("charts-tender-gift-card"),
        _ => crate::t!("charts-tender-other"),
    }
}

/// The bar chart of the hours, with the best hour and the whole day's figures beside it.
fn render_hours(f: &mut Frame, area: Rect, hours: &[(u8, u64, i64)], r: &Report, ctx: &Ctx, theme: &Theme) {
    let [title, rest] = Layout::vertical([Constraint::Length(1), Constraint::Min(0)]).areas(area);
    f.render_widget(
        Paragraph::new(Span::styled(format!(" {}", crate::t!("charts-sales-per-hour")), theme.title)),
        title,
    );
    let legend_w = 28.min(area.width / 2);
    let n = hours.len().max(1) as u16;
    // Room per hour: a bar with a gap as wide as fits (at most 5); when even 3 columns per hour do
    // not fit, bars 2 wide without gaps, every other hour labelled. The legend follows the bars.
    let per = area.width.saturating_sub(legend_w + 3) / n;
    let (bar_w, gap, every) = if per >= 3 { ((per - 1).min(5), 1, 1) } else { (2.min(per.max(1)), 0, 2) };
    let chart_w = (bar_w + gap) * n + 1;
    let [chart, _, legend] =
        Layout::horizontal([Constraint::Length(chart_w), Constraint::Length(2), Constraint::Min(legend_w)]).areas(rest);
    let best = hours.iter().map(|h| h.2).max().unwrap_or(0).max(1);
    let bars: Vec<Bar> = hours
        .iter()
        .enumerate()
        .map(|(i, (hour, _, amount))| {
            let label = if i.is_multiple_of(every) { format!("{hour:02}") } else { String::new() };
            Bar::default().value(u64::try_from(*amount).unwrap_or(0)).text_value(String::new()).label(Line::from(label))
        })
        .collect();
    f.render_widget(
        BarChart::default()
            .data(BarGroup::default().bars(&bars))
            .bar_width(bar_w)
            .bar_gap(gap)
            .max(u64::try_from(best).unwrap_or(1))
            .bar_style(theme.amount)
            .label_style(theme.label),
        Rect { x: chart.x + 1, width: chart.width.saturating_sub(1), ..chart },
    );
    let (best_hour, best_count, best_amount) =
        hours.iter().copied().max_by_key(|h| (h.2, std::cmp::Reverse(h.0))).unwrap_or_default();
    let (count, total) = hours.iter().fold((0u64, 0i64), |(c, a), h| (c + h.1, a.saturating_add(h.2)));
    let lines = vec![
        Line::from(Span::styled(crate::t!("charts-best-hour", hours = hour_span(best_hour)), theme.label)),
        Line::from(Span::styled(
            format!("  {}", crate::t!("charts-sales", count = best_count, amount = money(r, ctx, best_amount))),
            theme.amount,
        )),
        Line::from(Span::styled(crate::t!("charts-whole-period"), theme.label)),
        Line::from(Span::styled(
            format!("  {}", crate::t!("charts-sales", count = count, amount = money(r, ctx, total))),
            theme.amount,
        )),
        Line::from(Span::styled(crate::t!("charts-hours-utc"), theme.muted)),
    ];
    f.render_widget(Paragraph::new(lines), legend);
}

/// Proportional bars, one a row: label, bar (its share of the positive total), percent, figure.
fn render_shares(f: &mut Frame, area: Rect, title: &str, rows: &[(String, i64, String)], theme: &Theme) {
    let total: i64 = rows.iter().map(|r| r.1.max(0)).fold(0, i64::saturating_add);
    let lw = rows.iter().map(|r| r.0.chars().count()).max().unwrap_or(0) as u16 + 3;
    let vw = rows.iter().map(|r| r.2.chars().count()).max().unwrap_or(0) as u16 + 2;
    let mut areas = Layout::vertical(std::iter::repeat_n(Constraint::Length(1), rows.len() + 1)).split(area).to_vec();
    let head = areas.remove(0);
    f.render_widget(Paragraph::new(Span::styled(format!(" {title}"), theme.title)), head);
    for (row, at) in rows.iter().zip(areas) {
        let (label, amount, shown) = row;
        // Whole percent of the positive total, rounded; a negative amount has no share.
        let pct = if total > 0 {
            (i128::from((*amount).max(0)) * 100 + i128::from(total) / 2) / i128::from(total)
        } else {
            0
        };
        let [l, bar, p, v] = Layout::horizontal([
            Constraint::Length(lw),
            Constraint::Min(4),
            Constraint::Length(6),
            Constraint::Length(vw),
        ])
        .areas(at);
        f.render_widget(Paragraph::new(Span::styled(format!("   {label}"), theme.label)), l);
        // The gauge takes a ratio; its length on screen is all it is used for.
        let ratio = if total > 0 { (*amount).max(0) as f64 / total as f64 } else { 0.0 };
        f.render_widget(
            LineGauge::default()
                .ratio(ratio.clamp(0.0, 1.0))
                .label("")
                .filled_symbol("█")
                .unfilled_symbol("░")
                .filled_style(theme.amount)
                .unfilled_style(theme.muted),
            bar,
        );
        f.render_widget(Paragraph::new(Span::styled(format!("{pct:>4} %"), theme.value)).right_aligned(), p);
        f.render_widget(Paragraph::new(Span::styled(format!("{shown} "), theme.amount)).right_aligned(), v);
    }
}

/// The per-hour figures as rows of the sheet (a title, then `09:00–10:00   3 × 45,00 €`), so every
/// bar's figure can be read exactly; `width` is the sheet's.
pub fn hour_rows(r: &Report, ctx: &Ctx, theme: &Theme, width: usize) -> Vec<Line<'static>> {
    if r.sheet.hours.is_empty() {
        return Vec::new();
    }
    let mut out = vec![Line::from(Span::styled(format!(" {}", crate::t!("charts-sales-per-hour")), theme.title))];
    for h in &r.sheet.hours {
        let label = format!("   {}", hour_span(h.hour));
        let value = format!("{} × {}", h.count, money(r, ctx, h.amount));
        let pad = width.saturating_sub(label.chars().count() + value.chars().count() + 1).max(1);
        out.push(Line::from(vec![
            Span::styled(label, theme.label),
            Span::raw(" ".repeat(pad)),
            Span::styled(value, theme.amount),
        ]));
    }
    out
}
