//! Gift cards: the program's rules (from `[gift_program]` in `till.toml`), card numbers (random,
//! prefixed, Luhn-checked), reading a card from what a terminal sends (printed number, barcode,
//! magnetic track 1 or 2, phone number), masking, PINs, and the card stock table.
//!
//! A card's balance is a ledger account (`accounts::code::GIFT_CARD`, keyed by the card number);
//! the table here holds only what the ledger does not: state, PIN, phone, expiry. Reading a card
//! from a request is `parse.rs`; PIN hashing and wrong-PIN counting are `pin.rs`.

use rand::Rng;
use serde::Deserialize;

use super::accounts::{account_id, code};
use super::gift::Decline;
use super::{Engine, EngineError};
use crate::ledger::{AccountFlags, LedgerError, Migration, NewAccount, WriteTx};
use crate::money::{Currency, Money};
use crate::store::{Row, Sql, StoreError, params};

mod parse;
mod pin;
pub use parse::{CardInfo, CardKey, card_key, luhn_check_digit, luhn_valid, mask, normalize_phone, pan_from_track};
pub use pin::{CARD_PIN_TRIES, PIN_COOL_DOWN_SECS, PIN_TRIES, PinAttempts, PinFailure, PinGate, pin_matches, set_pin};

/// Domain tables of this area, applied once each, in order.
pub const MIGRATIONS: &[Migration] = &[
    Migration {
        component: "cards",
        version: 1,
        sql: "CREATE TABLE gift_cards (
            number TEXT PRIMARY KEY,
            state TEXT NOT NULL CHECK (state IN ('inactive', 'active', 'deactivated', 'closed')),
            kind TEXT NOT NULL CHECK (kind IN ('physical', 'egift')),
            pin_salt BLOB,
            pin_hash BLOB,
            pin_failures INTEGER NOT NULL DEFAULT 0,
            phone TEXT UNIQUE,
            customer_name TEXT,
            created_at INTEGER NOT NULL,
            activated_at INTEGER,
            expires_at INTEGER
          );",
    },
    // Wrong PINs per (card, caller), and card-wide under the caller '*' (see [`PinAttempts`]).
    // `gift_cards.pin_failures` is no longer read.
    Migration {
        component: "cards",
        version: 2,
        sql: "CREATE TABLE gift_card_pin_attempts (
                number TEXT NOT NULL,
                caller TEXT NOT NULL,
                failures INTEGER NOT NULL,
                locked_until INTEGER,
                PRIMARY KEY (number, caller)
              );",
    },
];

/// When value may be paid out in cash.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CashOutRule {
    Never,
    Always,
    /// Only when the balance is at or under `cash_out_threshold` (a legal requirement in places).
    AtOrUnder,
}

/// What `cardRegCode` means for this program.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PinPolicy {
    /// Cards have no PIN; `cardRegCode` is ignored.
    None,
    /// A card gets a PIN when sold or activated with `cardRegCode`. Taking value off a card that
    /// has a PIN (redeem, cash-out, exchange) needs it; a `cardRegCode` sent with any other
    /// operation is checked (the seed's behaviour); a balance enquiry without one is answered.
    Optional,
    /// As `Optional`, and a balance enquiry on a card that has a PIN needs it too.
    Required,
}

/// `[gift_program]` as written in `till.toml`.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ProgramConfig {
    pub name: String,
    /// Empty: the merchant's currency.
    pub currency: String,
    pub prefix: String,
    pub length: usize,
    pub luhn: bool,
    pub pin: PinPolicy,
    pub min_load: String,
    pub max_load: String,
    pub max_balance: String,
    pub expiry_months: u32,
    pub cash_out: CashOutRule,
    pub cash_out_threshold: String,
    pub card_template_code: i32,
    pub card_template_name: String,
    pub tier_code: i32,
    pub tier_name: String,
    pub demo_stock: u32,
}

impl Default for ProgramConfig {
    fn default() -> Self {
        ProgramConfig {
            name: "Gift Card".into(),
            currency: String::new(),
            prefix: "603628".into(),
            length: 16,
            luhn: true,
            pin: PinPolicy::Optional,
            min_load: "1.00".into(),
            max_load: "500.00".into(),
            max_balance: "1000.00".into(),
            expiry_months: 0,
            cash_out: CashOutRule::Never,
            cash_out_threshold: "0.00".into(),
            card_template_code: 1,
            card_template_name: "Gift Card".into(),
            tier_code: 1,
            tier_name: "Standard".into(),
            demo_stock: 20,
        }
    }
}

/// The gift card program, checked and with amounts in the program's currency.
#[derive(Debug, Clone)]
pub struct Program {
    pub name: String,
    pub currency: Currency,
    pub prefix: String,
    pub length: usize,
    pub luhn: bool,
    pub pin: PinPolicy,
    pub min_load: Money,
    pub max_load: Money,
    pub max_balance: Money,
    pub expiry_months: u32,
    pub cash_out: CashOutRule,
    pub cash_out_threshold: Money,
    pub card_template_code: i32,
    pub card_template_name: String,
    pub tier_code: i32,
    pub tier_name: String,
    pub demo_stock: u32,
}

impl Program {
    /// Reads and checks `[gift_program]` (defaults when the section is missing).
    pub fn from_engine(engine: &Engine) -> Result<Program, EngineError> {
        let cfg: ProgramConfig = engine.config().section("gift_program")?;
        Program::from_config(&cfg, &engine.config().merchant.currency)
    }

    pub fn from_config(cfg: &ProgramConfig, merchant_currency: &str) -> Result<Program, EngineError> {
        let bad = |m: String| EngineError::Config(format!("[gift_program]: {m}"));
        let code = if cfg.currency.is_empty() { merchant_currency } else { &cfg.currency };
        let currency = Currency::from_code(code).map_err(|e| bad(e.to_string()))?;
        let amount = |name: &str, s: &str| {
            let m = Money::parse(s, currency).map_err(|e| bad(format!("{name}: {e}")))?;
            if m.is_negative() { Err(bad(format!("{name} must not be negative"))) } else { Ok(m) }
        };
        if cfg.prefix.is_empty() || !cfg.prefix.bytes().all(|b| b.is_ascii_digit()) {
            return Err(bad("prefix must be digits".into()));
        }
        let check = usize::from(cfg.luhn);
        if !(8..=19).contains(&cfg.length) || cfg.length < cfg.prefix.len() + check + 6 {
            return Err(bad("length must be 8 to 19 and leave at least 6 random digits after the prefix".into()));
        }
        let p = Program {
            name: cfg.name.clone(),
            currency,
            prefix: cfg.prefix.clone(),
            length: cfg.length,
            luhn: cfg.luhn,
            pin: cfg.pin,
            min_load: amount("min_load", &cfg.min_load)?,
            max_load: amount("max_load", &cfg.max_load)?,
            max_balance: amount("max_balance", &cfg.max_balance)?,
            expiry_months: cfg.expiry_months,
            cash_out: cfg.cash_out,
            cash_out_threshold: amount("cash_out_threshold", &cfg.cash_out_threshold)?,
            card_template_code: cfg.card_template_code,
            card_template_name: cfg.card_template_name.clone(),
            tier_code: cfg.tier_code,
            tier_name: cfg.tier_name.clone(),
            demo_stock: cfg.demo_stock,
        };
        if p.min_load.minor() > p.max_load.minor() || p.max_load.minor() > p.max_balance.minor() {
            return Err(bad("min_load <= max_load <= max_balance must hold".into()));
        }
        Ok(p)
    }

    /// The ledger (currency) the program's card accounts live in.
    pub fn ledger(&self) -> u32 {
        self.currency.ledger()
    }

    /// A new random card number: prefix, random digits, Luhn check digit.
    pub fn random_number(&self, rng: &mut impl Rng) -> String {
        let mut n = self.prefix.clone();
        let body = self.length - usize::from(self.luhn);
        while n.len() < body {
            n.push(char::from(b'0' + rng.random_range(0..10u8)));
        }
        if self.luhn {
            n.push(luhn_check_digit(&n));
        }
        n
    }

    /// Checks a candidate card number against the program: digits, length, prefix, check digit.
    pub fn check_number(&self, digits: &str) -> Result<String, Decline> {
        let bad = |why: &str| Decline::InvalidCardNumber(format!("{} {why}", mask(digits)));
        if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(Decline::InvalidCardNumber("A card number has digits only.".into()));
        }
        if digits.len() != self.length {
            return Err(bad(&format!("has {} digits; this program's cards have {}.", digits.len(), self.length)));
        }
        if !digits.starts_with(&self.prefix) {
            return Err(bad("is not a card of this program."));
        }
        if self.luhn && !luhn_valid(digits) {
            return Err(bad("fails its check digit (mistyped?)."));
        }
        Ok(digits.to_string())
    }

    /// The account id of a card's balance.
    pub fn account_of(&self, number: &str) -> u128 {
        account_id(code::GIFT_CARD, self.ledger(), number)
    }
}

/// A card's state.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CardState {
    /// In stock; needs a sell or an activate before anything else.
    Inactive,
    Active,
    /// Blocked (lost, suspected fraud): nothing works, the balance is still owed.
    Deactivated,
    /// Exchanged for another card; never used again.
    Closed,
}

impl CardState {
    pub fn as_str(self) -> &'static str {
        match self {
            CardState::Inactive => "inactive",
            CardState::Active => "active",
            CardState::Deactivated => "deactivated",
            CardState::Closed => "closed",
        }
    }
    pub fn parse(s: &str) -> Option<CardState> {
        match s {
            "inactive" => Some(CardState::Inactive),
            "active" => Some(CardState::Active),
            "deactivated" => Some(CardState::Deactivated),
            "closed" => Some(CardState::Closed),
            _ => None,
        }
    }
}

/// A card's row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Card {
    pub number: String,
    pub state: CardState,
    pub egift: bool,
    pub pin_salt: Option<Vec<u8>>,
    pub pin_hash: Option<Vec<u8>>,
    pub pin_failures: i64,
    pub phone: Option<String>,
    pub customer_name: Option<String>,
    /// Unix seconds; `None` = does not expire.
    pub expires_at: Option<i64>,
}

impl Card {
    pub fn has_pin(&self) -> bool {
        self.pin_hash.is_some()
    }
    pub fn expired(&self, now: i64) -> bool {
        self.expires_at.is_some_and(|t| t <= now)
    }
}

const CARD_COLUMNS: &str = "number, state, kind, pin_salt, pin_hash, pin_failures, phone, customer_name, expires_at";

fn card_from_row(r: &Row<'_, '_>) -> Result<Card, StoreError> {
    let state: String = r.get(1)?;
    let kind: String = r.get(2)?;
    Ok(Card {
        number: r.get(0)?,
        state: CardState::parse(&state).unwrap_or(CardState::Closed),
        egift: kind == "egift",
        pin_salt: r.get(3)?,
        pin_hash: r.get(4)?,
        pin_failures: r.get(5)?,
        phone: r.get(6)?,
        customer_name: r.get(7)?,
        expires_at: r.get(8)?,
    })
}

/// The card with this number.
pub fn load_card(sql: Sql<'_>, number: &str) -> Result<Option<Card>, LedgerError> {
    Ok(sql.query_one(
        &format!("SELECT {CARD_COLUMNS} FROM gift_cards WHERE number = ?1"),
        params![number],
        card_from_row,
    )?)
}

/// The card registered to this phone number.
pub fn load_card_by_phone(sql: Sql<'_>, phone: &str) -> Result<Option<Card>, LedgerError> {
    Ok(sql.query_one(
        &format!("SELECT {CARD_COLUMNS} FROM gift_cards WHERE phone = ?1"),
        params![phone],
        card_from_row,
    )?)
}

/// Finds the card a [`CardKey`] means.
/// True when `info` names a card by number and also a phone number registered to a *different*
/// card: the request is refused rather than one identifier silently winning.
pub fn phone_names_another_card(sql: Sql<'_>, key: &CardKey, info: &CardInfo) -> Result<bool, LedgerError> {
    let (CardKey::Number(n), Some(phone)) = (key, info.phone_number.as_deref().filter(|p| !p.trim().is_empty())) else {
        return Ok(false);
    };
    let Ok(phone) = normalize_phone(phone) else { return Ok(false) };
    Ok(load_card_by_phone(sql, &phone)?.is_some_and(|c| c.number != *n))
}

/// The refusal for [`phone_names_another_card`].
pub fn two_cards_decline() -> Decline {
    Decline::Invalid("cardInfo names two different cards (the card number and phoneNumber disagree).".into())
}

pub fn find_card(sql: Sql<'_>, key: &CardKey) -> Result<Option<Card>, LedgerError> {
    match key {
        CardKey::Number(n) => load_card(sql, n),
        CardKey::Phone(p) => load_card_by_phone(sql, p),
    }
}

pub fn set_state(sql: Sql<'_>, number: &str, state: CardState) -> Result<(), LedgerError> {
    sql.execute("UPDATE gift_cards SET state = ?2 WHERE number = ?1", params![number, state.as_str()])?;
    Ok(())
}

/// Marks the card used for a load now: active, and valid for the program's months from now.
pub fn activate(sql: Sql<'_>, program: &Program, number: &str, now: i64) -> Result<(), LedgerError> {
    let expires = expiry_from(program, now);
    sql.execute(
        "UPDATE gift_cards SET state = 'active', activated_at = COALESCE(activated_at, ?2), expires_at = ?3
         WHERE number = ?1",
        params![number, now, expires],
    )?;
    Ok(())
}

/// A load extends the card's validity.
pub fn extend_expiry(sql: Sql<'_>, program: &Program, number: &str, now: i64) -> Result<(), LedgerError> {
    sql.execute("UPDATE gift_cards SET expires_at = ?2 WHERE number = ?1", params![number, expiry_from(program, now)])?;
    Ok(())
}

fn expiry_from(program: &Program, now: i64) -> Option<i64> {
    // A month is counted as 30.44 days; expiry is a policy date, not a calendar promise.
    (program.expiry_months > 0).then(|| now + i64::from(program.expiry_months) * 2_629_746)
}

pub fn set_phone(sql: Sql<'_>, number: &str, phone: &str) -> Result<(), LedgerError> {
    sql.execute("UPDATE gift_cards SET phone = ?2 WHERE number = ?1", params![number, phone])?;
    Ok(())
}

pub fn clear_phone(sql: Sql<'_>, number: &str) -> Result<(), LedgerError> {
    sql.execute("UPDATE gift_cards SET phone = NULL WHERE number = ?1", params![number])?;
    Ok(())
}

/// Seconds since the epoch of a write's ledger timestamp: the engine's one clock.
pub(crate) fn tx_secs(tx: &WriteTx<'_>) -> i64 {
    i64::try_from(tx.now() / 1_000_000_000).unwrap_or(i64::MAX)
}

/// Registers a new card (row + ledger account) inside a write; `false` if the number is taken.
pub fn register(tx: &mut WriteTx<'_>, program: &Program, number: &str, egift: bool) -> Result<bool, LedgerError> {
    let inserted = tx.sql().execute(
        "INSERT INTO gift_cards (number, state, kind, created_at) VALUES (?1, 'inactive', ?2, ?3)
         ON CONFLICT (number) DO NOTHING",
        params![number, if egift { "egift" } else { "physical" }, tx_secs(tx)],
    )?;
    if inserted == 0 {
        return Ok(false);
    }
    let results = tx.create_accounts(&[NewAccount {
        id: program.account_of(number),
        ledger: program.ledger(),
        code: code::GIFT_CARD,
        // A card can never be spent below zero, whatever races in.
        flags: AccountFlags::DEBITS_MUST_NOT_EXCEED_CREDITS | AccountFlags::HISTORY,
        ..NewAccount::default()
    }])?;
    match results.first() {
        Some(r) if r.is_success() => Ok(true),
        other => Err(LedgerError::Invalid(format!("card account for {} not created: {other:?}", mask(number)))),
    }
}

/// Registers `count` new inactive cards with random numbers; returns the numbers.
pub fn generate_in(tx: &mut WriteTx<'_>, program: &Program, count: u32) -> Result<Vec<String>, LedgerError> {
    let mut rng = rand::rng();
    let mut out = Vec::with_capacity(count as usize);
    let mut attempts = 0u64;
    while out.len() < count as usize {
        attempts += 1;
        if attempts > u64::from(count) * 100 + 1000 {
            return Err(LedgerError::Invalid("the number space of the program is exhausted".into()));
        }
        let n = program.random_number(&mut rng);
        if register(tx, program, &n, false)? {
            out.push(n);
        }
    }
    Ok(out)
}

/// `till cards generate`: registers `count` inactive cards and returns their numbers.
pub fn generate(engine: &Engine, count: u32) -> Result<Vec<String>, EngineError> {
    let program = Program::from_engine(engine)?;
    Ok(engine.ledger().write_blocking(move |tx| generate_in(tx, &program, count))?)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn program() -> Program {
        Program::from_config(&ProgramConfig::default(), "EUR").unwrap()
    }

    #[test]
    fn luhn_matches_known_numbers() {
        assert!(luhn_valid("4111111111111111"));
        assert!(luhn_valid("79927398713"));
        assert!(!luhn_valid("79927398710"));
        assert!(!luhn_valid("+49 151 00000001"), "not digits: refused, never an overflow");
        assert!(!luhn_valid("7992739871€"));
        assert_eq!(luhn_check_digit("7992739871"), '3');
    }

    #[test]
    fn random_numbers_fit_the_program_and_are_not_sequential() {
        let p = program();
        let mut rng = rand::rng();
        let a = p.random_number(&mut rng);
        let b = p.random_number(&mut rng);
        for n in [&a, &b] {
            assert_eq!(n.len(), 16);
            assert!(n.starts_with("603628"));
            assert_eq!(p.check_number(n).as_deref(), Ok(n.as_str()));
        }
        assert_ne!(a, b);
    }

    #[test]
    fn numbers_are_checked() {
        let p = program();
        let good = format!("603628000000001{}", luhn_check_digit("603628000000001"));
        assert!(p.check_number(&good).is_ok());
        let mut typo = good.clone();
        typo.replace_range(10..11, "9");
        assert!(matches!(p.check_number(&typo), Err(Decline::InvalidCardNumber(_))));
        assert!(p.check_number("12345").is_err());
        assert!(p.check_number("4111111111111111").is_err());
    }

    #[test]
    fn tracks_are_read_with_and_without_sentinels() {
        assert_eq!(pan_from_track(";6036280000000011=30121010000000?").unwrap(), "6036280000000011");
        assert_eq!(pan_from_track("6036280000000011=30121010000000").unwrap(), "6036280000000011");
        assert_eq!(pan_from_track(";6036280000000011=3012?5").unwrap(), "6036280000000011");
        assert_eq!(pan_from_track("%B6036280000000011^DOE/JANE^3012101?").unwrap(), "6036280000000011");
        assert_eq!(pan_from_track("B6036280000000011^DOE/JANE^3012101").unwrap(), "6036280000000011");
        assert!(pan_from_track("hello").is_err());
        assert!(pan_from_track(";60362800=ab?").is_err());
    }

    #[test]
    fn card_info_precedence_and_forms() {
        let p = program();
        let n = format!("603628000000001{}", luhn_check_digit("603628000000001"));
        let spaced = format!("{} {} {} {}", &n[0..4], &n[4..8], &n[8..12], &n[12..16]);
        let info = CardInfo { printed_card_number: Some(spaced), ..CardInfo::default() };
        assert_eq!(card_key(&p, &info), Ok(CardKey::Number(n.clone())));
        let info = CardInfo { barcode: Some(n.clone()), ..CardInfo::default() };
        assert_eq!(card_key(&p, &info), Ok(CardKey::Number(n.clone())));
        let info = CardInfo { track_info: Some(format!("{n}=3012")), ..CardInfo::default() };
        assert_eq!(card_key(&p, &info), Ok(CardKey::Number(n.clone())));
        let info = CardInfo { phone_number: Some("+49 (30) 123-4567".into()), ..CardInfo::default() };
        assert_eq!(card_key(&p, &info), Ok(CardKey::Phone("+49301234567".into())));
        let info = CardInfo { unsupported: Some("accountToken"), ..CardInfo::default() };
        assert!(matches!(card_key(&p, &info), Err(Decline::UnsupportedIdentifier(_))));
        assert!(matches!(card_key(&p, &CardInfo::default()), Err(Decline::Invalid(_))));
    }

    #[test]
    fn two_identifiers_naming_different_cards_are_refused() {
        let p = program();
        let a = format!("603628000000001{}", luhn_check_digit("603628000000001"));
        let b = format!("603628000000002{}", luhn_check_digit("603628000000002"));
        let same = CardInfo { printed_card_number: Some(a.clone()), barcode: Some(a.clone()), ..CardInfo::default() };
        assert_eq!(card_key(&p, &same), Ok(CardKey::Number(a.clone())));
        let differ = CardInfo { printed_card_number: Some(a.clone()), barcode: Some(b.clone()), ..CardInfo::default() };
        assert!(matches!(card_key(&p, &differ), Err(Decline::Invalid(m)) if m.contains("two different cards")));
        let track = CardInfo { barcode: Some(a), track_info: Some(format!(";{b}=3012?")), ..CardInfo::default() };
        assert!(matches!(card_key(&p, &track), Err(Decline::Invalid(_))));
    }

    #[test]
    fn masking_keeps_the_last_four() {
        assert_eq!(mask("6036281234567890"), "************7890");
        assert_eq!(mask("123"), "123");
    }

    #[test]
    fn bad_programs_are_refused() {
        let cfg = ProgramConfig { prefix: "60a".into(), ..ProgramConfig::default() };
        assert!(Program::from_config(&cfg, "EUR").is_err());
        let cfg = ProgramConfig { min_load: "600.00".into(), ..ProgramConfig::default() };
        assert!(Program::from_config(&cfg, "EUR").is_err());
        let cfg = ProgramConfig { length: 9, ..ProgramConfig::default() };
        assert!(Program::from_config(&cfg, "EUR").is_err());
    }
}
