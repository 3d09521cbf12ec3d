//! The one seam faults enter by. A [`Faults`] exists only inside a practice engine
//! ([`crate::engine::Engine::open_practice`] makes it; nothing else can): a live engine has none, so
//! there is nothing to switch on and every host behaves as configured. The running scenario arms
//! the hosts of its current step; the simulators ask here first.

use std::sync::{Mutex, PoisonError};

use super::scenario::{CardAnswer, Hosts};
use crate::engine::Engine;
use crate::engine::extensions::config::{Outcome, Rule};
use crate::money::{Currency, Money};

/// The faults of the running step. Only a practice engine holds one.
#[derive(Debug, Default)]
pub struct Faults {
    hosts: Mutex<Hosts>,
}

/// Asked to inject a fault into a live engine.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("faults can only be injected on the practice ledger of training, never into a live till")]
pub struct NotPractice;

impl Faults {
    /// Only the engine builds one, and only for the practice ledger.
    pub(in crate::engine) fn for_practice() -> Faults {
        Faults::default()
    }

    /// What the hosts answer from now on (the step that starts).
    pub fn arm(&self, hosts: Hosts) {
        *self.hosts.lock().unwrap_or_else(PoisonError::into_inner) = hosts;
    }

    /// Every host back to normal (the run ended).
    pub fn clear(&self) {
        self.arm(Hosts::default());
    }

    /// What the hosts answer now.
    pub fn hosts(&self) -> Hosts {
        self.hosts.lock().unwrap_or_else(PoisonError::into_inner).clone()
    }
}

/// The engine's faults: refused on a live engine.
pub fn faults(engine: &Engine) -> Result<&Faults, NotPractice> {
    engine.training_faults().ok_or(NotPractice)
}

/// The card simulator's rule for a collect in `currency` while a step sets the card terminal's
/// answer; `None` (the configured rules decide) on a live engine or when no step says.
pub fn card_rule(engine: &Engine, currency: Currency) -> Option<Rule> {
    let answer = engine.training_faults()?.hosts().card?;
    let rule = |outcome| Rule { outcome, ..Rule::default() };
    Some(match answer {
        CardAnswer::Approve => rule(Outcome::Approved),
        CardAnswer::Decline { code } => Rule { code: Some(code), ..rule(Outcome::Declined) },
        CardAnswer::Partial { approve } => {
            Rule { approve: Money::parse(&approve, currency).ok().map(|m| m.minor()), ..rule(Outcome::Partial) }
        }
        CardAnswer::Signature => rule(Outcome::Signature),
        // The POS's whole wait, as a real silent processor would keep it.
        CardAnswer::NoAnswer => rule(Outcome::NoAnswer),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::OpenOptions;

    #[test]
    fn a_live_engine_refuses_every_fault_and_a_practice_one_takes_them() {
        let dir = tempfile::tempdir().unwrap();
        let live = Engine::open(&dir.path().join("live"), OpenOptions::default()).unwrap();
        assert_eq!(faults(&live).err(), Some(NotPractice));
        assert!(card_rule(&live, Currency::from_code("EUR").unwrap()).is_none());
        let practice = Engine::open_practice(&dir.path().join("training"), OpenOptions::default()).unwrap();
        let f = faults(&practice).unwrap();
        f.arm(Hosts { card: Some(CardAnswer::Decline { code: "51".into() }), ..Hosts::default() });
        let rule = card_rule(&practice, Currency::from_code("EUR").unwrap()).unwrap();
        assert_eq!((rule.outcome, rule.code.as_deref()), (Outcome::Declined, Some("51")));
        f.clear();
        assert!(card_rule(&practice, Currency::from_code("EUR").unwrap()).is_none());
    }
}
