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
    pub fn describe(self) -> &'static str {
        match self {
            Action::Help => "help",
            Action::Back => "back",
            Action::Quit => "quit",
            Action::Logout => "log out",
            Action::Submit => "ok",
            Action::NextField => "next field",
            Action::PrevField => "previous field",
            Action::Up => "up",
            Action::Down => "down",
            Action::PageUp => "page up",
            Action::PageDown => "page down",
            Action::Yes => "yes",
            Action::No => "no",
            Action::OpenGift => "gift card",
            Action::OpenRetail => "retail cards",
            Action::OpenJournal => "journal",
            Action::OpenSettings => "settings",
            Action::OpenShift => "shift",
            Action::OpenReports => "reports",
            Action::ShiftOpen => "open shift",
            Action::ShiftClose => "close shift",
            Action::PaidIn => "paid in",
            Action::PaidOut => "paid out",
            Action::NoSale => "no sale",
            Action::ReportX => "X report",
            Action::ReportZ => "Z: close day",
            Action::ReportHistory => "past Zs",
            Action::ReportLiability => "liability",
            Action::ReportSettlement => "settlement",
            Action::Export => "export CSV",
            Action::BookBreakage => "book breakage",
            Action::TopUp => "top up prepaid",
            Action::OpenSpots => "spots",
            Action::GiftSell => "sell",
            Action::GiftReload => "reload",
            Action::GiftRedeem => "redeem",
            Action::GiftBalance => "balance",
            Action::GiftCashOut => "cash out",
            Action::GiftExchange => "exchange",
            Action::GiftReverseLast => "reverse last",
            Action::GiftActivate => "activate",
            Action::GiftDeactivate => "deactivate",
            Action::GiftRefund => "refund",
            Action::NewCard => "next card",
            Action::NewEgift => "new e-gift card",
            Action::TenderCash => "cash",
            Action::TenderCard => "card",
            Action::Print => "print",
            Action::Reprint => "reprint",
            Action::Denomination1
            | Action::Denomination2
            | Action::Denomination3
            | Action::Denomination4
            | Action::Denomination5
            | Action::Denomination6 => "pick amount",
            Action::CancelSale => "cancel sale",
            Action::TestPrint => "test print",
            Action::Save => "save",
            Action::CycleLeft => "previous choice",
            Action::CycleRight => "next choice",
            Action::SpotOrder => "new order",
            Action::SpotConfirm => "confirm",
            Action::SpotRevoke => "revoke",
            Action::SpotPaidOther => "paid cash",
            Action::SpotCancel => "cancel order",
            Action::SpotClose => "close table",
            Action::Refresh => "refresh",
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
