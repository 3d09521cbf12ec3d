//! `till training check`: a scenario file read strictly, then checked for sense (amounts that are
//! amounts, names that exist, expectations that fit the faults). Every problem names its line and
//! field, so a trainer can fix the file without reading code.

use std::fmt;

use super::scenario::{CardAnswer, Expect, Paid, PrinterAnswer, Resolve, Scenario, ServiceAnswer, WalletAnswer};
use crate::money::{Currency, Money};

/// One thing wrong with a scenario file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// 1-based line in the file, when the problem has a place.
    pub line: Option<usize>,
    /// The field, as a path: `steps[2].expect.amount`.
    pub field: String,
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            Some(line) => write!(f, "line {line}: {}: {}", self.field, self.message),
            None => write!(f, "{}: {}", self.field, self.message),
        }
    }
}

fn line_of(text: &str, offset: usize) -> usize {
    text.get(..offset).map_or(1, |t| t.bytes().filter(|b| *b == b'\n').count() + 1)
}

/// Reads a scenario file: strict TOML, then [`problems`]. `Err` holds every problem found.
pub fn parse(text: &str) -> Result<Scenario, Vec<Problem>> {
    let de = toml::Deserializer::parse(text).map_err(|e| vec![toml_problem(text, "", &e)])?;
    let scenario: Scenario = serde_path_to_error::deserialize(de).map_err(|e| {
        let field = e.path().to_string();
        vec![toml_problem(text, &field, e.inner())]
    })?;
    let found = problems(text, &scenario);
    if found.is_empty() { Ok(scenario) } else { Err(found) }
}

fn toml_problem(text: &str, field: &str, e: &toml::de::Error) -> Problem {
    let field = if field.is_empty() || field == "." { "file".to_string() } else { field.to_string() };
    Problem { line: e.span().map(|s| line_of(text, s.start)), field, message: e.message().trim().to_string() }
}

/// Amounts in a file are checked against a two-decimal currency (every program currency the till
/// ships is one); the run itself parses them in the store's currency.
const CHECK_CURRENCY: &str = "EUR";

struct Checker<'a> {
    text: &'a str,
    currency: Currency,
    found: Vec<Problem>,
}

impl Checker<'_> {
    fn say(&mut self, line: Option<usize>, field: impl Into<String>, message: impl Into<String>) {
        self.found.push(Problem { line, field: field.into(), message: message.into() });
    }

    fn at(&self, span: std::ops::Range<usize>) -> Option<usize> {
        Some(line_of(self.text, span.start))
    }

    /// A positive amount, or a problem.
    fn amount(&mut self, line: Option<usize>, field: &str, value: &str) -> Option<i64> {
        match Money::parse(value.trim(), self.currency) {
            Ok(m) if m.minor() > 0 => Some(m.minor()),
            Ok(_) => {
                self.say(line, field, format!("{value:?} must be more than zero"));
                None
            }
            Err(_) => {
                self.say(line, field, format!("{value:?} is not an amount; write it like \"25.00\""));
                None
            }
        }
    }
}

/// Everything that makes a well-formed file unplayable.
pub fn problems(text: &str, s: &Scenario) -> Vec<Problem> {
    let Ok(currency) = Currency::from_code(CHECK_CURRENCY) else {
        return vec![Problem { line: None, field: "file".into(), message: "the check currency is unknown".into() }];
    };
    let mut c = Checker { text, currency, found: Vec::new() };
    if s.title.trim().is_empty() {
        c.say(Some(1), "title", "the title is empty; the trainer picks the scenario by it");
    }
    let mut cards = Vec::new();
    for (i, card) in s.start.cards.iter().enumerate() {
        let line = c.at(card.name.span());
        if cards.contains(card.name.get_ref()) {
            c.say(line, format!("start.cards[{i}].name"), format!("two cards are named {:?}", card.name.get_ref()));
        }
        cards.push(card.name.get_ref().clone());
        let line = c.at(card.balance.span());
        c.amount(line, &format!("start.cards[{i}].balance"), card.balance.get_ref());
    }
    let mut wallets = Vec::new();
    for (i, w) in s.start.wallets.iter().enumerate() {
        wallets.push(w.name.get_ref().clone());
        let line = c.at(w.balance.span());
        c.amount(line, &format!("start.wallets[{i}].balance"), w.balance.get_ref());
    }
    let mut tables = Vec::new();
    for (i, spot) in s.start.spots.iter().enumerate() {
        tables.push(spot.table.get_ref().clone());
        if !wallets.contains(spot.customer.get_ref()) {
            let line = c.at(spot.customer.span());
            let msg = format!("no wallet is named {:?} in [[start.wallets]]", spot.customer.get_ref());
            c.say(line, format!("start.spots[{i}].customer"), msg);
        }
        let line = c.at(spot.order.span());
        c.amount(line, &format!("start.spots[{i}].order"), spot.order.get_ref());
    }
    if let Some(float) = &s.start.float {
        let line = c.at(float.span());
        c.amount(line, "start.float", float.get_ref());
    }
    let products: Vec<String> = s.start.products.iter().map(|p| p.get_ref().clone()).collect();
    if s.steps.is_empty() {
        c.say(None, "steps", "a scenario needs at least one [[steps]]");
    }
    for (i, step) in s.steps.iter().enumerate() {
        let line = c.at(step.expect.span());
        let f = |name: &str| format!("steps[{i}].{name}");
        if step.customer.trim().is_empty() {
            c.say(line, f("customer"), "the customer says nothing; write what the trainee hears");
        }
        if step.why.trim().is_empty() {
            c.say(line, f("why"), "say why the step matters; the score card shows it when it goes wrong");
        }
        if step.seconds == Some(0) {
            c.say(line, f("seconds"), "0 seconds is no time at all; leave it out or give a target");
        }
        match &step.hosts.card {
            Some(CardAnswer::Decline { code })
                if code.len() != 2 || !code.bytes().all(|b| b.is_ascii_alphanumeric()) =>
            {
                c.say(line, f("hosts.card.code"), format!("{code:?} is not a two-character response code like \"51\""));
            }
            Some(CardAnswer::Partial { approve }) => {
                c.amount(line, &f("hosts.card.approve"), approve);
            }
            _ => {}
        }
        for (name, answer) in [("gift", &step.hosts.gift), ("retail", &step.hosts.retail)] {
            if let Some(ServiceAnswer::Failure { code }) = answer
                && code.trim().is_empty()
            {
                c.say(line, f(&format!("hosts.{name}.code")), "name the failure's error code");
            }
        }
        check_expect(&mut c, i, line, step, &cards, &tables, &products, s);
    }
    c.found
}

#[allow(clippy::too_many_arguments)]
fn check_expect(
    c: &mut Checker<'_>,
    i: usize,
    line: Option<usize>,
    step: &super::scenario::Step,
    cards: &[String],
    tables: &[String],
    products: &[String],
    s: &Scenario,
) {
    let f = |name: &str| format!("steps[{i}].expect.{name}");
    let card_named = |c: &mut Checker<'_>, card: &str| {
        if !cards.iter().any(|n| n == card) {
            c.say(line, f("card"), format!("no card is named {card:?} in [[start.cards]]"));
        }
    };
    match step.expect.get_ref() {
        Expect::GiftSell { amount, change, paid } => {
            c.amount(line, &f("amount"), amount);
            if let Some(change) = change {
                c.amount(line, &f("change"), change);
                if *paid != Paid::Cash {
                    c.say(line, f("change"), "change is only given on cash");
                }
            }
        }
        Expect::GiftReload { card, amount, .. } => {
            card_named(c, card);
            c.amount(line, &f("amount"), amount);
        }
        Expect::GiftRedeem { card, amount, tip, rest, paid } => {
            card_named(c, card);
            c.amount(line, &f("amount"), amount);
            if let Some(tip) = tip {
                c.amount(line, &f("tip"), tip);
            }
            if let Some(rest) = rest {
                c.amount(line, &f("rest"), rest);
                if paid.is_none() {
                    c.say(line, f("paid"), "a split tender needs `paid`: how the rest is paid (cash or card)");
                }
            }
        }
        Expect::RetailSell { product, resolve } => {
            if !products.iter().any(|p| p == product) {
                c.say(line, f("product"), format!("{product:?} is not in start.products"));
            }
            let uncertain = matches!(step.hosts.retail, Some(ServiceAnswer::Timeout));
            if uncertain && *resolve == Resolve::Confirm {
                let msg = "the distributor times out in this step: a correct cashier invalidates, never confirms blind";
                c.say(line, f("resolve"), msg);
            }
        }
        Expect::ReprintDuplicate => {
            if matches!(step.hosts.printer, None | Some(PrinterAnswer::Ok)) {
                let msg = "a reprint is only expected after a printer fault; set hosts.printer (paper_out, cover_open, offline)";
                c.say(line, f("do"), msg);
            }
        }
        Expect::SpotCash { table, amount, change } => {
            if !tables.iter().any(|t| t == table) {
                c.say(line, f("table"), format!("no table {table:?} in [[start.spots]]"));
            }
            c.amount(line, &f("amount"), amount);
            if let Some(change) = change {
                c.amount(line, &f("change"), change);
            }
            if matches!(step.hosts.wallet, None | Some(WalletAnswer::Reserves)) {
                let msg = "cash at a table is expected when the wallet does not reserve; set hosts.wallet";
                c.say(line, f("do"), msg);
            }
        }
        Expect::BlindClose { counted } => {
            c.amount(line, &f("counted"), counted);
            if s.start.float.is_none() {
                c.say(line, f("do"), "a blind close needs a shift: set start.float");
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = r#"
title = "First gift card"
[[steps]]
customer = "A gift card with 25 euros, please."
why = "The customer pays for what is on the card."
expect = { do = "gift_sell", amount = "25.00", paid = "cash" }
"#;

    #[test]
    fn a_good_file_parses() {
        let s = parse(GOOD).unwrap();
        assert_eq!(s.title, "First gift card");
        assert_eq!(s.steps[0].expect.get_ref().name(), "gift_sell");
    }

    #[test]
    fn an_unknown_key_is_named_with_its_line() {
        let text = GOOD.replace("why =", "whyy =");
        let p = parse(&text).unwrap_err();
        assert_eq!(p.len(), 1, "{p:?}");
        assert_eq!(p[0].line, Some(5), "{}", p[0]);
        assert!(p[0].message.contains("whyy"), "{}", p[0]);
        assert!(p[0].field.starts_with("steps[0]"), "{}", p[0]);
    }

    #[test]
    fn a_bad_amount_says_how_to_write_one() {
        let p = parse(&GOOD.replace("\"25.00\"", "\"25,00\"")).unwrap_err();
        assert_eq!(p[0].field, "steps[0].expect.amount");
        assert_eq!(p[0].line, Some(6));
        assert!(p[0].message.contains("write it like"), "{}", p[0]);
    }
}
