//! The gift screen's state: the step, the fields, the card on the panel, the call in flight.

use crate::money::Money;
use crate::tui::app::Ask;
use crate::tui::model::*;
use crate::tui::widgets::{Field, FieldKind};

/// Where the cashier is in an operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// Waiting for a card.
    Card,
    /// A card is on the panel; pick an operation.
    Menu,
    Amount(GiftKind),
    Tender(GiftKind),
    /// Exchange: waiting for the replacement card.
    NewCard,
    /// The card has a PIN and the engine asked for it: the customer types it (masked), and the
    /// call that was refused is sent again with it.
    Pin,
    /// The operation needs a manager: the manager types their number and PIN at this till, which
    /// approves this one operation (the journal names them).
    Approve,
    /// A call is out.
    Working,
    /// An answer never came; undoing the operation.
    Resolving,
    Result,
}

/// A money split when the card does not cover a redemption.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Split {
    pub from_card: Money,
    pub rest: Money,
    pub rest_tender: Option<Tender>,
}

#[derive(Debug, Clone)]
pub(super) struct Pending {
    pub(super) op: u64,
    pub(super) call: GiftCall,
    pub(super) lookup: bool,
    pub(super) split: Option<Split>,
    /// For a resolution: the call that got no answer.
    pub(super) resolving: Option<GiftCall>,
    /// For a resolution: a check is on its way. When it is not, Enter sends the next one (the
    /// client did the automatic retries; the screen only checks again when the cashier asks).
    pub(super) asking: bool,
    /// For a lookup before money moves: the operation to carry on with on the fresh balance.
    pub(super) then: Option<GiftKind>,
}

/// A finished operation, as the result panel shows it.
#[derive(Debug, Clone)]
pub struct Done {
    pub outcome: GiftOutcome,
    /// What the result says besides its figures (a new card's number, cash to pay out…), in the
    /// screen's words: the engine's `posMessages` are for the wire and the receipt.
    pub notes: Vec<String>,
    pub tender: Option<Tender>,
    pub split: Option<Split>,
}

/// The last money-moving operation on this screen, for "reverse last".
#[derive(Debug, Clone)]
pub(super) struct LastOp {
    pub(super) external_id: String,
    pub(super) tx_id: i64,
    pub(super) kind: GiftKind,
    pub(super) masked: String,
    pub(super) amount: Option<Money>,
    /// A split redeem: the part the customer paid in another tender, given back on a reversal.
    pub(super) split: Option<Split>,
}

pub(super) const ASK_RUN: Ask = Ask::Screen(1);
pub(super) const ASK_REVERSE: Ask = Ask::Screen(2);

pub struct Gift {
    pub step: Step,
    pub card_field: Field,
    pub card: Option<CardView>,
    pub amount: Field,
    pub tip: Field,
    pub(super) tip_focus: bool,
    pub new_card: Field,
    /// The card's PIN, typed by the customer when the engine asks for it.
    pub pin: Field,
    /// The approving manager's number and PIN.
    pub manager: Field,
    pub manager_pin: Field,
    pub(super) manager_pin_focus: bool,
    pub(super) new_card_ref: Option<CardRef>,
    pub(super) tender: Option<Tender>,
    pub(super) split: Option<Split>,
    pub(super) pending: Option<Pending>,
    /// What to go back to after a card swiped mid-operation has been looked up.
    pub(super) resume: Option<GiftKind>,
    /// The balance on the panel was read just now (another till may have changed the card since
    /// it was first shown): money-moving operations read it again first.
    pub(super) fresh: bool,
    pub done: Option<Done>,
    /// Lines of the receipt preview scrolled away.
    pub(super) scroll: u16,
    pub(super) last: Option<LastOp>,
    pub note: Option<(String, bool)>,
}

impl Default for Gift {
    fn default() -> Self {
        Gift::new()
    }
}

impl Gift {
    pub fn new() -> Gift {
        Gift {
            step: Step::Card,
            card_field: Field::new(crate::ts!("gift-field-card"), FieldKind::Digits, 19),
            card: None,
            amount: Field::new(crate::ts!("gift-field-amount"), FieldKind::Amount, 10),
            tip: Field::new(crate::ts!("gift-field-tip"), FieldKind::Amount, 10),
            tip_focus: false,
            new_card: Field::new(crate::ts!("gift-field-new-card"), FieldKind::Digits, 19),
            pin: Field::new(crate::ts!("cashier-field-pin"), FieldKind::Digits, 8).secret(),
            manager: Field::new(crate::ts!("cashier-field-manager"), FieldKind::Digits, 8),
            manager_pin: Field::new(crate::ts!("cashier-field-pin"), FieldKind::Digits, 8).secret(),
            manager_pin_focus: false,
            new_card_ref: None,
            tender: None,
            split: None,
            pending: None,
            resume: None,
            fresh: false,
            done: None,
            scroll: 0,
            last: None,
            note: None,
        }
    }

    pub fn text_focus(&self) -> bool {
        matches!(self.step, Step::Card | Step::Amount(_) | Step::NewCard | Step::Pin | Step::Approve)
    }

    pub fn busy(&self) -> bool {
        matches!(self.step, Step::Working | Step::Resolving)
    }

    /// An operation started and not yet sent: an amount typed, a tender or the new card awaited,
    /// a PIN or an approval being typed. Quitting then loses what the cashier was doing.
    pub fn started(&self) -> bool {
        match self.step {
            Step::Amount(_) => !self.amount.value.trim().is_empty() || !self.tip.value.trim().is_empty(),
            Step::Tender(_) | Step::NewCard | Step::Pin | Step::Approve => true,
            _ => false,
        }
    }

    pub(super) fn status(&self) -> CardStatus {
        self.card.as_ref().map(|c| c.status).unwrap_or(CardStatus::Unknown)
    }
}
