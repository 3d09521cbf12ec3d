//! The input resolver: one keyboard wedge carries three kinds of input, told apart by timing and
//! shape.
//!
//! - A barcode scanner types a burst of characters, each within a few milliseconds of the last,
//!   ending in Enter.
//! - A magnetic stripe reader types a track the same way: track 2 `;PAN=YYMM…?`, track 1
//!   `%BPAN^NAME^YYMM…?`, often followed by Enter.
//! - A person types with tens to hundreds of milliseconds between keys.
//!
//! Printable keys are held for [`Resolver::GAP`] to see whether more follow fast; a burst becomes
//! one [`Input::Scan`] or [`Input::Swipe`] so a scan never triggers hotkeys, anything slower is
//! released as ordinary keys.

use std::time::{Duration, Instant};

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

/// What the resolver hands the app.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Input {
    Key(KeyEvent),
    Scan(String),
    Swipe(Swipe),
}

/// A magnetic stripe read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Swipe {
    /// 1 or 2.
    pub track: u8,
    /// The primary account number (the card number).
    pub pan: String,
    /// The track data without start and end sentinels (what the gift service calls `trackInfo`).
    pub data: String,
}

impl Swipe {
    /// Recognises a complete track read, sentinels included.
    pub fn parse(raw: &str) -> Option<Swipe> {
        let raw = raw.trim_end_matches(['\r', '\n']);
        if let Some(body) = raw.strip_prefix(';').and_then(|r| r.strip_suffix('?')) {
            let (pan, _) = body.split_once('=')?;
            if is_pan(pan) {
                return Some(Swipe { track: 2, pan: pan.to_string(), data: body.to_string() });
            }
        }
        if let Some(body) = raw.strip_prefix('%').and_then(|r| r.strip_suffix('?')) {
            let rest = body.strip_prefix('B').or_else(|| body.strip_prefix('b'))?;
            let (pan, _) = rest.split_once('^')?;
            if is_pan(pan) {
                return Some(Swipe { track: 1, pan: pan.to_string(), data: body.to_string() });
            }
        }
        None
    }
}

/// A paste (the terminal's bracketed paste: one event, however long, so nothing waits on the
/// burst timing). Something code-like (8 or more digits in it) is handed over whole as a scan, so
/// the screen reads it as one code and refuses it whole when there is more than a code in it; a
/// short paste (an amount) is typed into the focused field, line breaks dropped.
pub fn paste(text: &str) -> Vec<Input> {
    let t = text.trim();
    let longest_digits = t.split(|c: char| !c.is_ascii_digit()).map(str::len).max().unwrap_or(0);
    if longest_digits >= 8 || t.chars().filter(char::is_ascii_digit).count() >= 12 {
        return vec![Input::Scan(t.to_string())];
    }
    t.chars()
        .filter(|c| !c.is_control())
        .map(|c| Input::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE)))
        .collect()
}

fn is_pan(s: &str) -> bool {
    (8..=19).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit())
}

/// Sorts keystrokes into scans, swipes and typing.
#[derive(Debug, Default)]
pub struct Resolver {
    held: String,
    last: Option<Instant>,
    /// A reader's Enter right after a swipe ended with `?` belongs to the swipe.
    swallow_enter_until: Option<Instant>,
}

impl Resolver {
    /// Longest gap between two keystrokes of one scanner burst. Scanners and stripe readers send
    /// a character every 1–10 ms; the fastest typists stay above 50 ms.
    pub const GAP: Duration = Duration::from_millis(30);
    /// Shortest burst taken as a scan (shorter bursts are key chords or rollover).
    pub const MIN_SCAN: usize = 4;

    pub fn new() -> Resolver {
        Resolver::default()
    }

    /// When the held keys must be released as typing if nothing else arrives.
    pub fn deadline(&self) -> Option<Instant> {
        if self.held.is_empty() { None } else { self.last.map(|t| t + Self::GAP) }
    }

    /// Releases held keys as typing once the gap has passed.
    pub fn flush_due(&mut self, now: Instant) -> Vec<Input> {
        match self.deadline() {
            Some(d) if now >= d => self.release(),
            _ => Vec::new(),
        }
    }

    /// Takes one key event that arrived at `at`.
    pub fn push(&mut self, ev: KeyEvent, at: Instant) -> Vec<Input> {
        let fast = self.last.is_some_and(|t| at.saturating_duration_since(t) <= Self::GAP);
        let mut out = Vec::new();
        if !self.held.is_empty() && !fast {
            out.extend(self.release());
        }
        let plain = !ev.modifiers.intersects(KeyModifiers::CONTROL | KeyModifiers::ALT);
        match ev.code {
            KeyCode::Char(c) if plain => {
                self.held.push(c);
                self.last = Some(at);
                // A track ends with its end sentinel; no Enter needed.
                if c == '?'
                    && let Some(swipe) = Swipe::parse(&self.held)
                {
                    self.held.clear();
                    self.swallow_enter_until = Some(at + Self::GAP);
                    out.push(Input::Swipe(swipe));
                }
            }
            KeyCode::Enter if plain => {
                if self.swallow_enter_until.take().is_some_and(|t| at <= t) && self.held.is_empty() {
                    return out;
                }
                if fast && self.held.chars().count() >= Self::MIN_SCAN {
                    let burst = std::mem::take(&mut self.held);
                    self.last = None;
                    out.push(match Swipe::parse(&burst) {
                        Some(s) => Input::Swipe(s),
                        None => Input::Scan(burst),
                    });
                } else {
                    out.extend(self.release());
                    out.push(Input::Key(ev));
                }
            }
            _ => {
                out.extend(self.release());
                out.push(Input::Key(ev));
            }
        }
        out
    }

    fn release(&mut self) -> Vec<Input> {
        self.last = None;
        std::mem::take(&mut self.held)
            .chars()
            .map(|c| Input::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE)))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ch(c: char) -> KeyEvent {
        KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE)
    }
    fn enter() -> KeyEvent {
        KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE)
    }

    /// Feeds `text` then Enter with `step` between keys, then lets the gap pass.
    fn feed(text: &str, step: Duration, with_enter: bool) -> Vec<Input> {
        let mut r = Resolver::new();
        let mut t = Instant::now();
        let mut out = Vec::new();
        for c in text.chars() {
            out.extend(r.flush_due(t));
            out.extend(r.push(ch(c), t));
            t += step;
        }
        if with_enter {
            out.extend(r.flush_due(t));
            out.extend(r.push(enter(), t));
        }
        out.extend(r.flush_due(t + Duration::from_secs(1)));
        out
    }

    #[test]
    fn a_fast_burst_ending_in_enter_is_one_scan() {
        let out = feed("6280001234567897", Duration::from_millis(3), true);
        assert_eq!(out, vec![Input::Scan("6280001234567897".into())]);
    }

    #[test]
    fn typing_at_human_speed_stays_keys_even_with_letters_that_are_hotkeys() {
        let out = feed("sr12", Duration::from_millis(120), true);
        assert_eq!(out.len(), 5);
        assert_eq!(out[0], Input::Key(ch('s')));
        assert_eq!(out[4], Input::Key(enter()));
    }

    #[test]
    fn a_fast_burst_without_enter_is_released_as_typing() {
        let out = feed("12", Duration::from_millis(2), false);
        assert_eq!(out, vec![Input::Key(ch('1')), Input::Key(ch('2'))]);
    }

    #[test]
    fn a_short_fast_burst_with_enter_is_typing() {
        let out = feed("12", Duration::from_millis(2), true);
        assert_eq!(out, vec![Input::Key(ch('1')), Input::Key(ch('2')), Input::Key(enter())]);
    }

    #[test]
    fn track_two_swipe_is_recognised_and_its_enter_swallowed() {
        let out = feed(";6280001234567897=29121010000?", Duration::from_millis(2), true);
        assert_eq!(
            out,
            vec![Input::Swipe(Swipe {
                track: 2,
                pan: "6280001234567897".into(),
                data: "6280001234567897=29121010000".into()
            })]
        );
    }

    #[test]
    fn track_one_swipe_gives_the_pan() {
        let out = feed("%B6280001234567897^DOE/JANE^2912101?", Duration::from_millis(2), false);
        match &out[..] {
            [Input::Swipe(s)] => {
                assert_eq!(s.track, 1);
                assert_eq!(s.pan, "6280001234567897");
            }
            other => panic!("expected one swipe, got {other:?}"),
        }
    }

    /// A whole, valid track 2 typed at human speed is typing, not a swipe: only the timing tells
    /// the two apart (the same text at reader speed is the swipe above).
    #[test]
    fn a_valid_track_typed_slowly_is_just_keys() {
        let track = ";6280001234567897=29121010000?";
        assert!(Swipe::parse(track).is_some(), "the text must be a real track for this test to mean anything");
        let out = feed(track, Duration::from_millis(200), true);
        assert_eq!(out.len(), track.chars().count() + 1, "{out:?}");
        assert!(out.iter().all(|i| matches!(i, Input::Key(_))), "{out:?}");
        assert_eq!(out.last(), Some(&Input::Key(enter())));
    }

    #[test]
    fn a_paste_of_a_code_is_one_scan_and_a_short_one_is_typing() {
        assert_eq!(paste(" 6036 2800 0000 0011\n"), vec![Input::Scan("6036 2800 0000 0011".into())]);
        assert_eq!(paste("Karte: 6036280000000011!"), vec![Input::Scan("Karte: 6036280000000011!".into())]);
        assert_eq!(paste("12,5"), "12,5".chars().map(|c| Input::Key(ch(c))).collect::<Vec<_>>());
    }

    #[test]
    fn function_keys_pass_straight_through_and_release_held_keys_first() {
        let mut r = Resolver::new();
        let t = Instant::now();
        assert!(r.push(ch('5'), t).is_empty());
        let out = r.push(KeyEvent::new(KeyCode::F(2), KeyModifiers::NONE), t + Duration::from_millis(1));
        assert_eq!(out, vec![Input::Key(ch('5')), Input::Key(KeyEvent::new(KeyCode::F(2), KeyModifiers::NONE))]);
    }
}
