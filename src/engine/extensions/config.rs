//! `[instore]` of till.toml: the card simulator's rules, the PED registry and the callback outbox.
//!
//! A missing section (or a missing key) gives the defaults below, which are the demo set the
//! README documents: test cards that approve, decline, partially approve, ask for a signature or
//! never answer, an amount limit, and two PEDs (one active, one inactive).

use serde::Deserialize;

/// The whole section.
#[derive(Debug, Clone, Deserialize)]
#[serde(default)]
pub struct InstoreConfig {
    pub card: SimulatorConfig,
    /// Registered pin entry devices; `connect_card_reader` answers "Device Offline" for any other.
    pub peds: Vec<PedConfig>,
    pub callbacks: CallbackConfig,
    pub wallet: WalletConfig,
}

/// `[instore.wallet]`: the digital wallet extension.
#[derive(Debug, Clone, Deserialize)]
#[serde(default)]
pub struct WalletConfig {
    /// How long a code from `till wallet barcode` can be paid with.
    pub barcode_seconds: u32,
}

impl Default for WalletConfig {
    fn default() -> Self {
        WalletConfig { barcode_seconds: 300 }
    }
}

impl Default for InstoreConfig {
    fn default() -> Self {
        InstoreConfig {
            card: SimulatorConfig::default(),
            peds: vec![
                PedConfig { registration_code: "32423424224".into(), name: "Verifone P400".into(), active: true },
                PedConfig { registration_code: "11111111111".into(), name: "Retired PED".into(), active: false },
            ],
            callbacks: CallbackConfig::default(),
            wallet: WalletConfig::default(),
        }
    }
}

/// `[instore.card]`: how the card processor simulator answers.
#[derive(Debug, Clone, Deserialize)]
#[serde(default)]
pub struct SimulatorConfig {
    /// `initialize_credit_processor`'s `captureEnabled`: when true every approved payment is only
    /// authorised (a hold, `requires_capture`) until `capture_payment` captures it.
    pub capture_enabled: bool,
    /// `initialize_credit_processor`'s `simulated`.
    pub simulated: bool,
    /// The card a request without `testCard` is taken to be.
    pub default_card: String,
    /// How long an authorisation hold lasts before it expires (released, no longer capturable).
    pub hold_seconds: u32,
    /// How long a POS waits for an answer: a `no_answer` rule stays silent at most this long
    /// (then answers a timeout failure). Never more than [`MAX_POS_WAIT_SECONDS`].
    pub pos_wait_seconds: u64,
    /// `HH:MM` (UTC): the server settles card clearing once a day at this time (the processor's
    /// cutoff). Unset: only `till extension settle` does.
    pub settle_at_utc: Option<String>,
    /// Checked in order; the first that matches decides. No match: approved.
    pub rules: Vec<Rule>,
}

impl Default for SimulatorConfig {
    fn default() -> Self {
        let card = |c: &str, outcome| Rule { card: Some(c.into()), outcome, ..Rule::default() };
        SimulatorConfig {
            capture_enabled: false,
            simulated: true,
            default_card: "4242424242424242".into(),
            hold_seconds: 7 * 24 * 3600,
            pos_wait_seconds: MAX_POS_WAIT_SECONDS,
            settle_at_utc: None,
            rules: vec![
                Rule { code: Some("05".into()), ..card("4000000000000002", Outcome::Declined) },
                Rule { code: Some("51".into()), ..card("4000000000009995", Outcome::Declined) },
                Rule { code: Some("54".into()), ..card("4000000000000069", Outcome::Declined) },
                Rule { approve: Some(1000), ..card("4000000000000077", Outcome::Partial) },
                card("4000000000000036", Outcome::Signature),
                Rule { seconds: Some(3), ..card("4000000000000119", Outcome::NoAnswer) },
                Rule { account_type: Some("debit".into()), ..card("4000056655665556", Outcome::Approved) },
                Rule {
                    min_amount: Some(100_000),
                    code: Some("61".into()),
                    ..Rule { outcome: Outcome::Declined, ..Rule::default() }
                },
            ],
        }
    }
}

/// The longest a POS platform waits for a card extension's answer (InStore's limit).
pub const MAX_POS_WAIT_SECONDS: u64 = 25;

impl SimulatorConfig {
    /// How long a `no_answer` rule keeps silent: its `seconds` (default: the whole POS wait),
    /// never longer than the POS waits.
    pub fn silence_seconds(&self, rule: &Rule) -> u64 {
        let wait = self.pos_wait_seconds.min(MAX_POS_WAIT_SECONDS);
        rule.seconds.unwrap_or(wait).min(wait)
    }
}

/// One simulator rule. Every condition given must hold; none given matches everything.
#[derive(Debug, Clone, Deserialize, Default)]
#[serde(default, deny_unknown_fields)]
pub struct Rule {
    /// The card number: exact (`4000000000000002`), a prefix ending in `*` (`4000*`), or `*`.
    pub card: Option<String>,
    /// Amount range in minor units, both ends included.
    pub min_amount: Option<i64>,
    pub max_amount: Option<i64>,
    pub outcome: Outcome,
    /// The decline code (declined), e.g. "05"; default "05".
    pub code: Option<String>,
    /// Partial: how much is approved (minor units); never more than asked.
    pub approve: Option<i64>,
    /// No answer: how long the simulator stays silent before it fails the request (at most
    /// `pos_wait_seconds`; default all of it).
    pub seconds: Option<u64>,
    /// Shown as `account_type` (default "credit").
    pub account_type: Option<String>,
}

impl Rule {
    /// Whether the rule applies to this card and amount.
    pub fn matches(&self, card: &str, amount: i64) -> bool {
        let card_ok = match self.card.as_deref() {
            None | Some("*") => true,
            Some(p) if p.ends_with('*') => card.starts_with(&p[..p.len() - 1]),
            Some(p) => p == card,
        };
        card_ok && self.min_amount.is_none_or(|m| amount >= m) && self.max_amount.is_none_or(|m| amount <= m)
    }
}

/// What the simulator does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    #[default]
    Approved,
    Declined,
    /// Approves only `approve` of the amount.
    Partial,
    /// Authorised, held until the customer signs and the POS calls `capture_payment`.
    Signature,
    /// Silent for `seconds`, then a failure; nothing is charged.
    NoAnswer,
}

/// A registered pin entry device.
#[derive(Debug, Clone, Deserialize)]
pub struct PedConfig {
    pub registration_code: String,
    #[serde(default)]
    pub name: String,
    #[serde(default = "yes")]
    pub active: bool,
}

fn yes() -> bool {
    true
}

/// `[instore.callbacks]`: delivery of stored-value results to `callbackUrl`.
#[derive(Debug, Clone, Deserialize)]
#[serde(default)]
pub struct CallbackConfig {
    /// First retry delay; doubles each attempt (jittered into its upper half) up to `retry_max_ms`.
    pub retry_base_ms: u64,
    pub retry_max_ms: u64,
    /// After this many failed attempts a callback is given up (kept as `failed`).
    pub max_attempts: u32,
    /// Per-attempt timeout.
    pub timeout_ms: u64,
    /// Work still not done this long after it was acknowledged gets a progress post to `statusUrl`.
    pub status_after_ms: u64,
}

impl Default for CallbackConfig {
    fn default() -> Self {
        CallbackConfig {
            retry_base_ms: 1_000,
            retry_max_ms: 600_000,
            max_attempts: 25,
            timeout_ms: 10_000,
            status_after_ms: 2_000,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rules_match_exact_prefix_and_amount() {
        let r = Rule { card: Some("4000*".into()), min_amount: Some(100), max_amount: Some(200), ..Rule::default() };
        assert!(r.matches("4000123", 150));
        assert!(!r.matches("4242", 150));
        assert!(!r.matches("4000123", 201));
        assert!(Rule::default().matches("anything", -1));
    }

    #[test]
    fn the_section_parses_from_toml() {
        let cfg: InstoreConfig = toml::from_str(
            "[card]\ncapture_enabled = true\n[[card.rules]]\ncard = \"4111*\"\noutcome = \"declined\"\ncode = \"14\"\n\
             [[peds]]\nregistration_code = \"1\"\n[callbacks]\nretry_base_ms = 10\n",
        )
        .unwrap();
        assert!(cfg.card.capture_enabled);
        assert_eq!(cfg.card.rules.len(), 1);
        assert_eq!(cfg.card.rules[0].outcome, Outcome::Declined);
        assert!(cfg.peds[0].active);
        assert_eq!(cfg.callbacks.retry_base_ms, 10);
        assert_eq!(cfg.callbacks.max_attempts, 25);
    }

    #[test]
    fn silence_never_outlasts_what_a_pos_waits() {
        let mut c = SimulatorConfig::default();
        let rule = |s: Option<u64>| Rule { outcome: Outcome::NoAnswer, seconds: s, ..Rule::default() };
        assert_eq!(c.silence_seconds(&rule(Some(3))), 3);
        assert_eq!(c.silence_seconds(&rule(Some(90))), 25);
        assert_eq!(c.silence_seconds(&rule(None)), 25);
        c.pos_wait_seconds = 10;
        assert_eq!(c.silence_seconds(&rule(Some(20))), 10);
        c.pos_wait_seconds = 600;
        assert_eq!(c.silence_seconds(&rule(None)), 25, "configured past the POS limit: still 25");
    }
}
