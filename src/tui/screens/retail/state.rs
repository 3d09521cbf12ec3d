//! The retail screen's state: the step, the product list and its filter, the fields, the order.

use crate::money::Money;
use crate::tui::app::{Ask, Cx, Request};
use crate::tui::model::*;
use crate::tui::widgets::{Field, FieldKind};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    Loading,
    Search,
    Amount,
    PosaCard,
    Creating,
    Pay,
    Confirming,
    /// The confirm got no answer: finding out what happened.
    Resolving,
    Cancelling,
    Done,
    /// The sale did not happen; `outcome` says what to tell the customer.
    Stopped,
}

pub(super) const ASK_CONFIRM: Ask = Ask::Screen(10);
pub(super) const ASK_CANCEL: Ask = Ask::Screen(11);

pub struct Retail {
    pub step: Step,
    pub products: Vec<ProductView>,
    pub search: Field,
    /// Indexes of the products matching the search text (kept current as the text changes).
    pub(super) filtered: Vec<usize>,
    pub(super) selected: usize,
    pub product: Option<ProductView>,
    pub amount: Field,
    pub(super) denom: usize,
    pub face_value: Option<Money>,
    pub card_field: Field,
    pub order: Option<OrderView>,
    pub tender: Option<Tender>,
    pub(super) op: u64,
    pub(super) retry_in: u8,
    pub outcome: Vec<String>,
    pub note: Option<(String, bool)>,
    pub(super) receipt_seq: u64,
    /// Lines of the receipt preview scrolled away.
    pub(super) scroll: u16,
}

impl Retail {
    pub fn open(cx: &mut Cx) -> Retail {
        cx.send(products_request(cx));
        Retail::new()
    }

    pub fn new() -> Retail {
        Retail {
            step: Step::Loading,
            products: Vec::new(),
            search: Field::new(crate::ts!("retail-field-find"), FieldKind::Text, 30),
            filtered: Vec::new(),
            selected: 0,
            product: None,
            amount: Field::new(crate::ts!("retail-field-amount"), FieldKind::Amount, 10),
            denom: 0,
            face_value: None,
            card_field: Field::new(crate::ts!("retail-field-card"), FieldKind::Digits, 24),
            order: None,
            tender: None,
            op: 0,
            retry_in: 0,
            outcome: Vec::new(),
            note: None,
            receipt_seq: 0,
            scroll: 0,
        }
    }

    pub fn text_focus(&self) -> bool {
        matches!(self.step, Step::Search | Step::Amount | Step::PosaCard)
    }

    /// An order exists that is neither confirmed nor invalidated.
    pub fn busy(&self) -> bool {
        matches!(self.step, Step::Creating | Step::Pay | Step::Confirming | Step::Resolving | Step::Cancelling)
    }

    /// The products matching the search text.
    pub fn matches(&self) -> Vec<&ProductView> {
        self.filtered.iter().filter_map(|i| self.products.get(*i)).collect()
    }

    pub(super) fn refilter(&mut self) {
        let q = self.search.value.clone();
        self.filtered = self.products.iter().enumerate().filter(|(_, p)| p.matches(&q)).map(|(i, _)| i).collect();
        self.selected = self.selected.min(self.filtered.len().saturating_sub(1));
    }

    /// The product under the highlight.
    pub(super) fn highlighted(&self) -> Option<&ProductView> {
        self.filtered.get(self.selected).and_then(|i| self.products.get(*i))
    }
}

impl Default for Retail {
    fn default() -> Self {
        Retail::new()
    }
}

pub(super) fn products_request(cx: &Cx) -> Request {
    Request::Products { country: cx.ctx.terminal.as_ref().map(|t| t.country.clone()).filter(|c| !c.is_empty()) }
}
