//! Everything a key can ask the till to do. The keymap turns keys into these; `App::update` is the
//! only place that acts on them. Deserialisable so a keymap can be written in a config file
//! (`"f2" = "gift_sell"`).

use serde::Deserialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    // Shell.
    Help,
    Back,
    Quit,
    Logout,
    Submit,
    NextField,
    PrevField,
    Up,
    Down,
    PageUp,
    PageDown,
    Yes,
    No,
    // Home: the working areas.
    OpenGift,
    OpenRetail,
    OpenJournal,
    OpenSettings,
    OpenShift,
    OpenReports,
    /// The users screen (unlock a locked user).
    OpenUsers,
    UnlockUser,
    // Shift and drawer.
    ShiftOpen,
    ShiftClose,
    PaidIn,
    PaidOut,
    NoSale,
    // Reports.
    ReportX,
    ReportZ,
    ReportHistory,
    ReportLiability,
    ReportSettlement,
    Export,
    BookBreakage,
    /// Record a top-up of the distributor's prepaid balance (settlement screen).
    TopUp,
    OpenSpots,
    // Gift card operations.
    GiftSell,
    GiftReload,
    GiftRedeem,
    GiftBalance,
    GiftCashOut,
    GiftExchange,
    GiftReverseLast,
    GiftActivate,
    GiftDeactivate,
    GiftRefund,
    NewCard,
    NewEgift,
    // Tenders.
    TenderCash,
    TenderCard,
    // Receipts.
    Print,
    Reprint,
    // Retail.
    Denomination1,
    Denomination2,
    Denomination3,
    Denomination4,
    Denomination5,
    Denomination6,
    CancelSale,
    // Settings.
    TestPrint,
    Save,
    CycleLeft,
    CycleRight,
    // Spots board.
    SpotOrder,
    SpotConfirm,
    SpotRevoke,
    SpotPaidOther,
    SpotCancel,
    SpotClose,
    Refresh,
}

impl Action {
    /// What the action does, in the words the footer and help overlay show.
    pub fn describe(self) -> String {
        match self {
            Action::Help => crate::t!("key-help"),
            Action::Back => crate::t!("key-back"),
            Action::Quit => crate::t!("key-quit"),
            Action::Logout => crate::t!("key-log-out"),
            Action::Submit => crate::t!("key-ok"),
            Action::NextField => crate::t!("key-next-field"),
            Action::PrevField => crate::t!("key-previous-field"),
            Action::Up => crate::t!("key-up"),
            Action::Down => crate::t!("key-down"),
            Action::PageUp => crate::t!("key-page-up"),
            Action::PageDown => crate::t!("key-page-down"),
            Action::Yes => crate::t!("key-yes"),
            Action::No => crate::t!("key-no"),
            Action::OpenGift => crate::t!("key-gift-card"),
            Action::OpenRetail => crate::t!("key-retail-cards"),
            Action::OpenJournal => crate::t!("key-journal"),
            Action::OpenSettings => crate::t!("key-settings"),
            Action::OpenShift => crate::t!("key-shift"),
            Action::OpenReports => crate::t!("key-reports"),
            Action::OpenUsers => crate::t!("key-users"),
            Action::UnlockUser => crate::t!("key-unlock-user"),
            Action::ShiftOpen => crate::t!("key-open-shift"),
            Action::ShiftClose => crate::t!("key-close-shift"),
            Action::PaidIn => crate::t!("key-paid-in"),
            Action::PaidOut => crate::t!("key-paid-out"),
            Action::NoSale => crate::t!("key-no-sale"),
            Action::ReportX => crate::t!("key-x-report"),
            Action::ReportZ => crate::t!("key-z-close-day"),
            Action::ReportHistory => crate::t!("key-past-zs"),
            Action::ReportLiability => crate::t!("key-liability"),
            Action::ReportSettlement => crate::t!("key-settlement"),
            Action::Export => crate::t!("key-export-csv"),
            Action::BookBreakage => crate::t!("key-book-breakage"),
            Action::TopUp => crate::t!("key-top-up-prepaid"),
            Action::OpenSpots => crate::t!("key-spots"),
            Action::GiftSell => crate::t!("key-sell"),
            Action::GiftReload => crate::t!("key-reload"),
            Action::GiftRedeem => crate::t!("key-redeem"),
            Action::GiftBalance => crate::t!("key-balance"),
            Action::GiftCashOut => crate::t!("key-cash-out"),
            Action::GiftExchange => crate::t!("key-exchange"),
            Action::GiftReverseLast => crate::t!("key-reverse-last"),
            Action::GiftActivate => crate::t!("key-activate"),
            Action::GiftDeactivate => crate::t!("key-deactivate"),
            Action::GiftRefund => crate::t!("key-refund"),
            Action::NewCard => crate::t!("key-next-card"),
            Action::NewEgift => crate::t!("key-new-e-gift-card"),
            Action::TenderCash => crate::t!("key-cash"),
            Action::TenderCard => crate::t!("key-card"),
            Action::Print => crate::t!("key-print"),
            Action::Reprint => crate::t!("key-reprint"),
            Action::Denomination1
            | Action::Denomination2
            | Action::Denomination3
            | Action::Denomination4
            | Action::Denomination5
            | Action::Denomination6 => crate::t!("key-pick-amount"),
            Action::CancelSale => crate::t!("key-cancel-sale"),
            Action::TestPrint => crate::t!("key-test-print"),
            Action::Save => crate::t!("key-save"),
            Action::CycleLeft => crate::t!("key-previous-choice"),
            Action::CycleRight => crate::t!("key-next-choice"),
            Action::SpotOrder => crate::t!("key-new-order"),
            Action::SpotConfirm => crate::t!("key-confirm-payment"),
            Action::SpotRevoke => crate::t!("key-revoke-payment"),
            Action::SpotPaidOther => crate::t!("key-paid-in-cash"),
            Action::SpotCancel => crate::t!("key-cancel-order"),
            Action::SpotClose => crate::t!("key-close-table"),
            Action::Refresh => crate::t!("key-refresh"),
        }
    }

    /// The denomination slot (0-based) a `DenominationN` action picks.
    pub fn denomination_slot(self) -> Option<usize> {
        match self {
            Action::Denomination1 => Some(0),
            Action::Denomination2 => Some(1),
            Action::Denomination3 => Some(2),
            Action::Denomination4 => Some(3),
            Action::Denomination5 => Some(4),
            Action::Denomination6 => Some(5),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn actions_deserialise_from_snake_case_names() {
        let a: Action = serde_json::from_str("\"gift_sell\"").unwrap();
        assert_eq!(a, Action::GiftSell);
        let a: Action = serde_json::from_str("\"open_journal\"").unwrap();
        assert_eq!(a, Action::OpenJournal);
        assert!(serde_json::from_str::<Action>("\"launch_rocket\"").is_err());
    }
}
