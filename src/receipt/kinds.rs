//! Constructors for every receipt kind: the gift operations and retail orders (POR / POSA).
//!
//! Each takes the [`Context`] every receipt shares and the operation's result; the engine or
//! screen fills these from the API reply. Card numbers are masked here.

use time::OffsetDateTime;

use super::model::{
    CardLine, Code, Label, Line, Receipt, ReceiptKind, StoreHeader, Tender, TenderKind, Total, mask_card_number,
};
use crate::money::{Locale, Money, MoneyError};

/// What every receipt has: where, who, when, in which language, live or training.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Context {
    pub header: StoreHeader,
    pub terminal: String,
    pub cashier: Option<String>,
    pub issued_at: OffsetDateTime,
    pub locale: Locale,
    pub training: bool,
    /// Lines printed at the bottom (store policy, thanks, the gift service's `posMessages`).
    pub footer: Vec<String>,
}

/// The result of a gift-card operation, as the gift service replies (`printedCardNumber`,
/// `transactionAmount`, `previousBalance`, `currentBalance`, `pxAuthCode`, `pxTransactionId`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GiftResult {
    /// The full number; only its last four digits reach the receipt.
    pub card_number: String,
    pub amount: Money,
    pub previous_balance: Option<Money>,
    pub balance: Option<Money>,
    pub auth_code: Option<String>,
    pub transaction_id: Option<String>,
    /// A code the customer needs to use the card (e-gift): printed in full with a QR code.
    pub code: Option<String>,
}

/// What a retail order's confirmation returned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetailResult {
    pub order_id: String,
    pub product: String,
    pub face_value: Money,
    /// `receipt_printing.lines` from the confirmation, printed as they are.
    pub lines: Vec<String>,
    pub activation: Activation,
}

/// How a third-party card becomes usable.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Activation {
    /// Print on receipt: the code is the card. When the till knows it separately it prints in
    /// full as text and QR; otherwise it is in the engine's lines.
    Por { code: Option<String>, serial: Option<String> },
    /// Point-of-sale activation of a physical card; the receipt carries support information.
    Posa { card_number: String },
}

/// A table's (spot's) paid order: the table, the order, its lines; the wallet that paid, if one did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpotResult {
    /// The spot identifier (`TABLE2`).
    pub table: String,
    pub order_id: i64,
    /// Each payment of the order: description and price.
    pub items: Vec<(String, Money)>,
    pub total: Money,
    /// The customer's wallet, when the wallet paid.
    pub wallet: Option<i64>,
}

fn base(ctx: &Context, kind: ReceiptKind) -> Receipt {
    Receipt {
        kind,
        header: ctx.header.clone(),
        terminal: ctx.terminal.clone(),
        cashier: ctx.cashier.clone(),
        number: None,
        issued_at: ctx.issued_at,
        locale: ctx.locale,
        lines: Vec::new(),
        totals: Vec::new(),
        tenders: Vec::new(),
        change: None,
        cards: Vec::new(),
        codes: Vec::new(),
        footer: ctx.footer.clone(),
        training: ctx.training,
        duplicate: false,
    }
}

fn card(label: Label, r: &GiftResult) -> CardLine {
    CardLine {
        label,
        masked_number: mask_card_number(&r.card_number),
        auth_code: r.auth_code.clone(),
        balance: r.balance,
    }
}

fn transaction_line(r: &GiftResult) -> Option<Line> {
    r.transaction_id.as_ref().map(|t| Line::Pair { label: Label::Transaction, value: t.clone() })
}

fn gift_code(r: &GiftResult) -> Option<Code> {
    r.code.as_ref().map(|c| Code { label: Some(Label::Code), text: c.clone(), qr: true, code128: false })
}

/// Tenders, their total and the change due. `paid` must be in `total`'s currency.
fn settle(receipt: &mut Receipt, total: Money, paid: &[Tender]) -> Result<(), MoneyError> {
    let mut sum = Money::zero(total.currency());
    for t in paid {
        sum = sum.checked_add(t.amount)?;
    }
    receipt.tenders = paid.to_vec();
    let change = sum.checked_sub(total)?;
    if change.minor() > 0 {
        receipt.change = Some(change);
    }
    Ok(())
}

/// What the test receipt's QR code and barcode hold.
pub const TEST_CODE: &str = "TILL-PRINT-TEST";
/// The test receipt's line that shows whether the code page is right.
pub const TEST_LINE: &str = "ÄÖÜ äöü ß € – Test";

impl Receipt {
    /// The printer test (`till print-test`, the settings screen): umlauts, euro sign and dash,
    /// `amount` in the context's locale, and [`TEST_CODE`] as QR code and CODE128.
    pub fn print_test(ctx: &Context, amount: Money) -> Receipt {
        let mut rc = base(ctx, ReceiptKind::PrintTest);
        rc.lines.push(Line::Text { text: TEST_LINE.to_string() });
        rc.lines.push(Line::Amount { label: Label::Amount, amount });
        rc.codes.push(Code { label: None, text: TEST_CODE.to_string(), qr: true, code128: true });
        rc
    }

    /// A card sold and loaded; the customer paid with `paid`.
    pub fn gift_sale(ctx: &Context, r: &GiftResult, paid: &[Tender]) -> Result<Receipt, MoneyError> {
        let mut rc = base(ctx, ReceiptKind::GiftSale);
        rc.lines.push(Line::Amount { label: Label::Loaded, amount: r.amount });
        rc.lines.extend(transaction_line(r));
        rc.totals.push(Total { label: Label::Total, amount: r.amount, large: true });
        settle(&mut rc, r.amount, paid)?;
        rc.cards.push(card(Label::GiftCard, r));
        rc.codes.extend(gift_code(r));
        Ok(rc)
    }

    /// Value added to an active card.
    pub fn gift_reload(ctx: &Context, r: &GiftResult, paid: &[Tender]) -> Result<Receipt, MoneyError> {
        let mut rc = base(ctx, ReceiptKind::GiftReload);
        if let Some(prev) = r.previous_balance {
            rc.lines.push(Line::Amount { label: Label::PreviousBalance, amount: prev });
        }
        rc.lines.push(Line::Amount { label: Label::Loaded, amount: r.amount });
        rc.lines.extend(transaction_line(r));
        rc.totals.push(Total { label: Label::Total, amount: r.amount, large: true });
        settle(&mut rc, r.amount, paid)?;
        rc.cards.push(card(Label::GiftCard, r));
        Ok(rc)
    }

    /// A payment from the card: `r.amount` plus an optional tip.
    pub fn gift_redeem(ctx: &Context, r: &GiftResult, tip: Option<Money>) -> Result<Receipt, MoneyError> {
        let mut rc = base(ctx, ReceiptKind::GiftRedeem);
        rc.lines.push(Line::Amount { label: Label::Amount, amount: r.amount });
        let mut total = r.amount;
        if let Some(tip) = tip.filter(|t| t.minor() != 0) {
            rc.lines.push(Line::Amount { label: Label::Tip, amount: tip });
            total = total.checked_add(tip)?;
        }
        rc.lines.extend(transaction_line(r));
        rc.totals.push(Total { label: Label::Redeemed, amount: total, large: true });
        rc.tenders.push(Tender { kind: TenderKind::GiftCard, amount: total });
        rc.cards.push(card(Label::GiftCard, r));
        Ok(rc)
    }

    /// A balance enquiry: no money moves.
    pub fn gift_balance(ctx: &Context, card_number: &str, balance: Money) -> Receipt {
        let mut rc = base(ctx, ReceiptKind::GiftBalance);
        rc.cards.push(CardLine {
            label: Label::GiftCard,
            masked_number: mask_card_number(card_number),
            auth_code: None,
            balance: Some(balance),
        });
        rc
    }

    /// The remaining balance paid out in cash (opens the drawer outside training).
    pub fn gift_cash_out(ctx: &Context, r: &GiftResult) -> Result<Receipt, MoneyError> {
        let mut rc = base(ctx, ReceiptKind::GiftCashOut);
        if let Some(prev) = r.previous_balance {
            rc.lines.push(Line::Amount { label: Label::PreviousBalance, amount: prev });
        }
        rc.lines.extend(transaction_line(r));
        rc.totals.push(Total { label: Label::CashedOut, amount: r.amount, large: true });
        rc.tenders.push(Tender { kind: TenderKind::Cash, amount: r.amount.checked_neg()? });
        rc.cards.push(card(Label::GiftCard, r));
        Ok(rc)
    }

    /// A card activated at the till: no money moves; the card, its authorisation and balance.
    pub fn gift_activate(ctx: &Context, r: &GiftResult) -> Receipt {
        let mut rc = base(ctx, ReceiptKind::GiftActivate);
        rc.lines.extend(transaction_line(r));
        rc.cards.push(card(Label::GiftCard, r));
        rc
    }

    /// A card blocked at the till: no money moves; the balance it keeps while blocked.
    pub fn gift_deactivate(ctx: &Context, r: &GiftResult) -> Receipt {
        let mut rc = base(ctx, ReceiptKind::GiftDeactivate);
        rc.lines.extend(transaction_line(r));
        rc.cards.push(card(Label::GiftCard, r));
        rc
    }

    /// The balance of `old` moved onto `new`: the old card closed with nothing left on it, the
    /// new one holding what moved (whatever balance `old` carries, it is no longer on it).
    pub fn gift_exchange(ctx: &Context, old: &GiftResult, new: &GiftResult) -> Receipt {
        let mut rc = base(ctx, ReceiptKind::GiftExchange);
        rc.lines.push(Line::Amount { label: Label::Transferred, amount: new.amount });
        rc.lines.extend(transaction_line(new));
        rc.cards.push(CardLine {
            label: Label::OldCardClosed,
            masked_number: mask_card_number(&old.card_number),
            auth_code: None,
            balance: Some(Money::zero(new.amount.currency())),
        });
        rc.cards.push(card(Label::NewCard, new));
        rc.codes.extend(gift_code(new));
        rc
    }

    /// An earlier operation undone; `original` names it (its transaction or external id), and
    /// `refunded` is how the money went back (e.g. cash for a reversed sale).
    pub fn gift_reversal(
        ctx: &Context,
        r: &GiftResult,
        original: &str,
        refunded: &[Tender],
    ) -> Result<Receipt, MoneyError> {
        let mut rc = base(ctx, ReceiptKind::GiftReversal);
        rc.lines.push(Line::Pair { label: Label::Reference, value: original.to_string() });
        rc.lines.extend(transaction_line(r));
        let reversed = r.amount.checked_neg()?;
        rc.totals.push(Total { label: Label::Reversed, amount: reversed, large: true });
        rc.tenders = refunded.to_vec();
        rc.cards.push(card(Label::GiftCard, r));
        Ok(rc)
    }

    /// A split redeem undone: the card's part (`r.amount`) back on the gift card, `rest` (as it
    /// was paid, positive) back to the customer in its tender; the total is the whole purchase.
    pub fn gift_split_reversal(
        ctx: &Context,
        r: &GiftResult,
        original: &str,
        rest: Tender,
    ) -> Result<Receipt, MoneyError> {
        let card_part = Tender { kind: TenderKind::GiftCard, amount: r.amount.checked_neg()? };
        let back = Tender { kind: rest.kind, amount: rest.amount.checked_neg()? };
        let mut rc = Receipt::gift_reversal(ctx, r, original, &[card_part, back])?;
        let whole = r.amount.checked_add(rest.amount)?.checked_neg()?;
        if let Some(t) = rc.totals.first_mut() {
            t.amount = whole;
        }
        Ok(rc)
    }

    /// Funds returned to the card (a refund of a purchase paid with it).
    pub fn gift_refund(ctx: &Context, r: &GiftResult, original: Option<&str>) -> Receipt {
        let mut rc = base(ctx, ReceiptKind::GiftRefund);
        if let Some(o) = original {
            rc.lines.push(Line::Pair { label: Label::Reference, value: o.to_string() });
        }
        rc.lines.extend(transaction_line(r));
        rc.totals.push(Total { label: Label::Refunded, amount: r.amount, large: true });
        rc.cards.push(card(Label::GiftCard, r));
        rc
    }

    /// A third-party gift card from a confirmed retail order: the engine's lines as they are,
    /// then the POR code (text and QR) or the POSA card.
    pub fn retail_order(ctx: &Context, r: &RetailResult, paid: &[Tender]) -> Result<Receipt, MoneyError> {
        let mut rc = base(ctx, ReceiptKind::RetailOrder);
        rc.lines.push(Line::Text { text: r.product.clone() });
        rc.lines.push(Line::Pair { label: Label::Order, value: r.order_id.clone() });
        if !r.lines.is_empty() {
            rc.lines.push(Line::Rule);
            rc.lines.extend(r.lines.iter().map(|l| Line::Preformatted { text: l.clone() }));
        }
        rc.totals.push(Total { label: Label::Total, amount: r.face_value, large: true });
        settle(&mut rc, r.face_value, paid)?;
        match &r.activation {
            Activation::Por { code, serial } => {
                if let Some(code) = code.as_ref().filter(|c| !c.trim().is_empty()) {
                    rc.codes.push(Code { label: Some(Label::Code), text: code.clone(), qr: true, code128: false });
                }
                if let Some(s) = serial {
                    rc.lines.push(Line::Pair { label: Label::Serial, value: s.clone() });
                }
            }
            Activation::Posa { card_number } => rc.cards.push(CardLine {
                label: Label::GiftCard,
                masked_number: mask_card_number(card_number),
                auth_code: None,
                balance: None,
            }),
        }
        Ok(rc)
    }

    /// A table's order, paid from the customer's wallet (confirmed at the board) or in cash at the
    /// till (`paid` says which; cash opens the drawer): table, order, its lines, the total.
    pub fn spot_order(ctx: &Context, r: &SpotResult, paid: &[Tender]) -> Result<Receipt, MoneyError> {
        let mut rc = base(ctx, ReceiptKind::SpotOrder);
        rc.lines.push(Line::Pair { label: Label::Table, value: r.table.clone() });
        rc.lines.push(Line::Pair { label: Label::Order, value: format!("#{}", r.order_id) });
        if let Some(w) = r.wallet {
            rc.lines.push(Line::Pair { label: Label::Wallet, value: format!("#{w}") });
        }
        rc.lines.push(Line::Rule);
        for (description, price) in &r.items {
            rc.lines.push(Line::Item {
                description: description.clone(),
                quantity: 1,
                unit_price: *price,
                amount: *price,
            });
        }
        rc.totals.push(Total { label: Label::Total, amount: r.total, large: true });
        settle(&mut rc, r.total, paid)?;
        Ok(rc)
    }
}
