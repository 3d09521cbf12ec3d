//! The journal: this terminal's operations of the day, their receipts, reprints (marked
//! DUPLICATE) and reversing the last gift operation where that is still allowed.

use ratatui::Frame;
use ratatui::crossterm::event::KeyCode;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Row, Table, TableState};

use crate::money::Money;
use crate::tui::action::Action;
use crate::tui::app::{Ask, Confirm, Ctx, Cx, Goto, Reply, Request};
use crate::tui::keymap::Binding;
use crate::tui::model::*;
use crate::tui::theme::Theme;
use crate::tui::widgets::{self, panel};

const ASK_REVERSE: Ask = Ask::Screen(20);

pub struct Journal {
    pub entries: Vec<JournalEntry>,
    pub loading: bool,
    pub selected: usize,
    pub preview: Option<ReceiptView>,
    pub note: Option<(String, bool)>,
    op: u64,
    /// Lines of the reprint preview scrolled away (PgUp/PgDn).
    scroll: u16,
    /// The reversal out undoes a split redeem: the part to give back in its tender.
    rest: Option<(Tender, Money)>,
}

impl Journal {
    pub fn open(cx: &mut Cx) -> Journal {
        cx.send(Request::Journal);
        Journal {
            entries: Vec::new(),
            loading: true,
            selected: 0,
            preview: None,
            note: None,
            op: 0,
            scroll: 0,
            rest: None,
        }
    }

    fn current(&self) -> Option<&JournalEntry> {
        self.entries.get(self.selected)
    }

    /// Only the newest gift operation may be reversed, and only while the engine still allows it.
    fn can_reverse(&self) -> bool {
        self.selected == 0 && self.current().is_some_and(|e| e.reversible.is_some())
    }

    pub fn bindings(&self) -> Vec<Binding> {
        let mut b = vec![Binding::new(KeyCode::Up, Action::Up), Binding::new(KeyCode::Down, Action::Down)];
        if self.current().is_some_and(|e| e.receipt_id.is_some()) {
            b.push(Binding::ch('p', Action::Reprint));
        }
        if self.can_reverse() {
            b.push(Binding::ch('v', Action::GiftReverseLast));
        }
        b.push(Binding::hidden(KeyCode::PageUp, Action::PageUp));
        b.push(Binding::hidden(KeyCode::PageDown, Action::PageDown));
        b.push(Binding::new(KeyCode::Esc, Action::Back));
        b
    }

    pub fn on_action(&mut self, a: Action, cx: &mut Cx) {
        match a {
            Action::Up => self.move_by(-1),
            Action::Down => self.move_by(1),
            Action::PageUp if self.preview.is_some() => self.scroll = self.scroll.saturating_sub(5),
            Action::PageDown if self.preview.is_some() => self.scroll = self.scroll.saturating_add(5).min(200),
            Action::PageUp => self.move_by(-10),
            Action::PageDown => self.move_by(10),
            Action::Back => cx.go(Goto::Home),
            Action::Reprint => {
                if let Some(id) = self.current().and_then(|e| e.receipt_id.clone()) {
                    cx.send(Request::Reprint { receipt_id: id });
                }
            }
            Action::GiftReverseLast if self.can_reverse() => {
                if let Some(e) = self.current() {
                    let amount = e.amount.map(|m| cx.ctx.fmt(m)).unwrap_or_default();
                    let mut body = vec![crate::t!(
                        "journal-reverse-what",
                        what = e.what.as_str(),
                        amount = amount,
                        card = e.card.as_str(),
                        time = e.time.as_str()
                    )];
                    // A split redeem: what goes back onto the card, what back to the customer.
                    if let (Some((tender, rest)), Some(card_amount)) = (e.rest, e.amount) {
                        body.push(match tender {
                            Tender::Cash => {
                                crate::t!("gift-reverse-split-cash", card_amount = card_amount, rest = rest)
                            }
                            Tender::Card => {
                                crate::t!("gift-reverse-split-card", card_amount = card_amount, rest = rest)
                            }
                        });
                    }
                    body.push(crate::t!("gift-reverse-body"));
                    cx.confirm(Confirm {
                        title: crate::t!("gift-reverse-title"),
                        body,
                        yes_label: crate::ts!("gift-reverse-yes"),
                        no_label: crate::ts!("gift-reverse-no"),
                        danger: true,
                        ask: ASK_REVERSE,
                    });
                }
            }
            _ => {}
        }
    }

    fn move_by(&mut self, d: isize) {
        let n = self.entries.len();
        if n == 0 {
            return;
        }
        self.selected = (self.selected as isize + d).clamp(0, n as isize - 1) as usize;
        self.preview = None;
    }

    pub fn on_confirmed(&mut self, ask: Ask, cx: &mut Cx) {
        if ask != ASK_REVERSE {
            return;
        }
        let Some(ext) = self.current().and_then(|e| e.reversible.clone()) else {
            return;
        };
        let rest = self.current().and_then(|e| e.rest);
        self.rest = rest;
        self.op = cx.ctx.next_op();
        let call = GiftCall {
            kind: GiftKind::Reverse,
            card: CardRef::Typed(String::new()),
            new_card: None,
            amount: None,
            tip: None,
            tender: None,
            external_id: cx.ctx.next_external_id("rev"),
            reverses: Some(ext),
            refund_of: None,
            rest,
            pin: None,
            approval: None,
        };
        cx.send(Request::Gift { op: self.op, call });
    }

    pub fn on_reply(&mut self, r: Reply, cx: &mut Cx) {
        match r {
            Reply::Journal(Ok(entries)) => {
                self.entries = entries;
                self.loading = false;
                self.selected = self.selected.min(self.entries.len().saturating_sub(1));
            }
            Reply::Journal(Err(e)) => {
                self.loading = false;
                self.note = Some((crate::t!("journal-not-loaded", reason = e.message()), true));
            }
            Reply::Reprint(Ok(r), printed) => {
                self.preview = Some(r);
                self.scroll = 0;
                self.note = Some(match printed {
                    Some(Ok(())) => (crate::t!("journal-reprinted"), false),
                    Some(Err(e)) => (crate::t!("journal-duplicate-failed", reason = e.to_string()), true),
                    None => (crate::t!("journal-duplicate-shown"), false),
                });
            }
            Reply::Reprint(Err(e), _) => cx.error(&crate::t!("journal-reprint"), e.message()),
            Reply::Gift { op, result } if op == self.op => match result {
                Ok(o) => {
                    let mut note = crate::t!("journal-reversed", card = o.masked.as_str(), balance = o.current);
                    if let Some((tender, rest)) = self.rest.take() {
                        let give = match tender {
                            Tender::Cash => crate::t!("journal-reversed-rest-cash", rest = rest),
                            Tender::Card => crate::t!("journal-reversed-rest-card", rest = rest),
                        };
                        note = format!("{note} {give}");
                    }
                    self.note = Some((note, false));
                    cx.send(Request::Journal);
                }
                Err(e) => cx.error(&crate::t!("journal-not-reversed"), e.message()),
            },
            _ => {}
        }
    }

    pub fn render(&self, f: &mut Frame, area: Rect, ctx: &Ctx, theme: &Theme) {
        // The reprint is shown whole, never cut at the right (a cut "50,00 €" reads "50"): beside the
        // list when both fit, else under it.
        let paper =
            self.preview.as_ref().map(|p| p.lines.iter().map(|l| l.chars().count()).max().unwrap_or(0) as u16 + 4);
        let [list_area, preview_area] = match paper {
            Some(w) if area.width >= w + 36 => {
                let side = if area.width >= 100 { w.max(50) } else { w.max(40) };
                Layout::horizontal([Constraint::Min(0), Constraint::Length(side)]).areas(area)
            }
            Some(_) => {
                let list_rows = (self.entries.len() as u16 + 4).clamp(5, 8);
                Layout::vertical([Constraint::Length(list_rows), Constraint::Min(0)]).areas(area)
            }
            None => Layout::horizontal([Constraint::Min(0), Constraint::Length(0)]).areas(area),
        };
        let n = self.entries.len();
        let title = crate::t!("journal-title", count = n);
        let block = panel(&title, true, theme);
        let inner = block.inner(list_area);
        f.render_widget(block, list_area);
        // The note wraps rather than being cut at the panel's edge (at most three lines).
        let note_width = usize::from(inner.width.saturating_sub(1).max(1));
        let note = self.note.as_ref().map(|(n, danger)| (widgets::wrap(n, note_width), *danger));
        let note_lines = note.as_ref().map_or(1, |(l, _)| l.len().clamp(1, 3));
        let [table_area, note_area] =
            Layout::vertical([Constraint::Min(0), Constraint::Length(note_lines as u16)]).areas(inner);
        if self.loading {
            f.render_widget(
                Paragraph::new(Span::styled(format!(" {}", crate::t!("journal-loading")), theme.muted)),
                table_area,
            );
        } else if self.entries.is_empty() {
            f.render_widget(
                Paragraph::new(Span::styled(format!(" {}", crate::t!("journal-empty")), theme.muted)),
                table_area,
            );
        } else {
            let wide = area.width >= 100;
            // Only the rows that fit are built: a full day's journal costs no more per frame.
            let visible = table_area.height.saturating_sub(1).max(1) as usize;
            let start = (self.selected + 1).saturating_sub(visible);
            let rows = self.entries.iter().skip(start).take(visible).map(|e| {
                let amount = e.amount.map(|m| ctx.fmt(m)).unwrap_or_default();
                let mut cells = vec![e.time.clone(), e.what.clone(), e.card.clone(), amount];
                if wide {
                    cells.push(e.receipt_id.clone().unwrap_or_default());
                    cells.push(e.user.clone());
                }
                Row::new(cells)
            });
            let mut widths =
                vec![Constraint::Length(5), Constraint::Min(10), Constraint::Length(9), Constraint::Length(12)];
            let mut header = vec![
                crate::t!("journal-col-time"),
                crate::t!("journal-col-what"),
                crate::t!("journal-col-card"),
                crate::t!("journal-col-amount"),
            ];
            if wide {
                widths.push(Constraint::Length(16));
                widths.push(Constraint::Length(6));
                header.push(crate::t!("journal-col-receipt"));
                header.push(crate::t!("journal-col-user"));
            }
            let table = Table::new(rows, widths)
                .header(Row::new(header).style(theme.label))
                .row_highlight_style(theme.selected);
            let mut state = TableState::default().with_selected(Some(self.selected - start));
            f.render_stateful_widget(table, table_area, &mut state);
        }
        if let Some((lines, danger)) = note {
            let style = if danger { theme.danger } else { theme.ok };
            let lines: Vec<Line> = lines.into_iter().map(|l| Line::from(Span::styled(l, style))).collect();
            f.render_widget(
                Paragraph::new(lines)
                    .block(ratatui::widgets::Block::default().padding(ratatui::widgets::Padding::left(1))),
                note_area,
            );
        }
        if let Some(p) = &self.preview {
            // ↑/↓ move through the list here; the reprint scrolls with PgUp/PgDn.
            let (up, down) = (crate::t!("key-name-page-up"), crate::t!("key-name-page-down"));
            let title = crate::t!("journal-reprint");
            widgets::receipt_scrolled_by(f, preview_area, &title, &p.lines, self.scroll, theme, (&up, &down));
        }
    }
}
