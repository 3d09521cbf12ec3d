//! Who may do what at the till: the one table of the actions a cashier needs a manager for.
//!
//! A cashier sells, loads, redeems, checks, exchanges and reverses what was just done. Anything that
//! gives money back or takes a card out of use (refund, cash-out, deactivate, activate again), a
//! reversal of an older sale, the till's settings, unlocking a user and the partner top-up need a
//! manager: either the manager is logged in, or the manager's number and PIN typed at the cashier's
//! till approve that one action, and the journal names the approver. A trainer moves money only on
//! the practice ledger (see [`Engine::is_practice`](super::Engine::is_practice)); there the trainer
//! counts as a manager, since the trainer runs the session.

use super::tokens::Role;

/// A cashier may reverse an operation this recent without a manager (the customer is still at the
/// till); older ones need a manager.
pub const REVERSE_WINDOW_SECS: i64 = 5 * 60;

/// An action that may need more than the cashier's role.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Act {
    Refund,
    CashOut,
    Deactivate,
    Activate,
    /// A reversal of an operation older than [`REVERSE_WINDOW_SECS`].
    ReverseOld,
    Settings,
    UnlockUser,
    PartnerTopUp,
}

impl Act {
    /// The stable name used on the wire (`X-Till-Approval-For`) and in the journal.
    pub fn as_str(self) -> &'static str {
        match self {
            Act::Refund => "refund",
            Act::CashOut => "cash_out",
            Act::Deactivate => "deactivate",
            Act::Activate => "activate",
            Act::ReverseOld => "reverse_old",
            Act::Settings => "settings",
            Act::UnlockUser => "unlock_user",
            Act::PartnerTopUp => "partner_top_up",
        }
    }

    pub fn parse(s: &str) -> Option<Act> {
        [
            Act::Refund,
            Act::CashOut,
            Act::Deactivate,
            Act::Activate,
            Act::ReverseOld,
            Act::Settings,
            Act::UnlockUser,
            Act::PartnerTopUp,
        ]
        .into_iter()
        .find(|a| a.as_str() == s)
    }
}

/// What a role may do with an action.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    Allowed,
    /// A manager's number and PIN at the till approve it.
    NeedsManager,
    /// Not on this ledger at all (a trainer on the live ledger).
    TrainingOnly,
}

/// Whether `role` may do `act` on a ledger that is (`practice`) or is not the practice ledger.
pub fn verdict(role: Role, act: Act, practice: bool) -> Verdict {
    match role {
        Role::Manager => Verdict::Allowed,
        Role::Trainer if practice => Verdict::Allowed,
        Role::Trainer => Verdict::TrainingOnly,
        // Every act in the table is a manager's; the cashier's own work is not in it.
        Role::Cashier => {
            let _ = act;
            Verdict::NeedsManager
        }
    }
}

/// Whether `role` may move money or change anything at all on this ledger: a trainer only on the
/// practice ledger.
pub fn may_work(role: Role, practice: bool) -> bool {
    role != Role::Trainer || practice
}

/// The act a reversal is, by the age of the operation it undoes (`None`: a cashier's own).
pub fn reverse_act(age_secs: Option<i64>) -> Option<Act> {
    match age_secs {
        Some(age) if age <= REVERSE_WINDOW_SECS => None,
        // An older operation, or one the journal does not know (a reversal by a receipt's id).
        _ => Some(Act::ReverseOld),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cashier_needs_a_manager_for_every_listed_act_and_a_manager_for_none() {
        for a in
            ["refund", "cash_out", "deactivate", "activate", "reverse_old", "settings", "unlock_user", "partner_top_up"]
        {
            let act = Act::parse(a).unwrap();
            assert_eq!(act.as_str(), a);
            assert_eq!(verdict(Role::Cashier, act, false), Verdict::NeedsManager);
            assert_eq!(verdict(Role::Manager, act, false), Verdict::Allowed);
            assert_eq!(verdict(Role::Trainer, act, false), Verdict::TrainingOnly);
            assert_eq!(verdict(Role::Trainer, act, true), Verdict::Allowed);
        }
        assert!(!may_work(Role::Trainer, false));
        assert!(may_work(Role::Trainer, true));
        assert!(may_work(Role::Cashier, false));
    }

    #[test]
    fn a_recent_reversal_is_the_cashiers_an_old_or_unknown_one_a_managers() {
        assert_eq!(reverse_act(Some(10)), None);
        assert_eq!(reverse_act(Some(REVERSE_WINDOW_SECS)), None);
        assert_eq!(reverse_act(Some(REVERSE_WINDOW_SECS + 1)), Some(Act::ReverseOld));
        assert_eq!(reverse_act(None), Some(Act::ReverseOld));
    }
}
