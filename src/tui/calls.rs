//! The worker's gift, receipt, journal and printing calls: wire requests built from the screen's
//! view data, replies turned back into view data. Every receipt is stored in the engine before it
//! is shown or printed, so the journal can list it and any can be reprinted.

use std::time::Duration;

use super::model::*;
use super::settings::Settings;
use super::worker::{Link, Local, call_error, wire_money};
use crate::client::gift::{
    Amount, BalanceRequest, CardInfoWire, CardRequest, CashOutRequest, ExchangeRequest, GiftCallError, GiftSuccess,
    RedeemRequest, RefundRequest, ReloadRequest, ReverseRequest, SellRequest, Tender as WireTender,
};
use crate::client::receipts::{PrintOutcome, ReceiptQuery, StoredReceipt};
use crate::client::till::TerminalInfo;
use crate::money::{Currency, Locale, Money};
use crate::receipt::{self, Context, GiftResult, Label, Line, PrinterSpec, Receipt, ReceiptKind, TenderKind, Width};

/// How long a print job may take to leave the till.
const PRINT_TIMEOUT: Duration = Duration::from_secs(5);

fn card_info(card: &CardRef) -> CardInfoWire {
    match card {
        CardRef::Typed(n) => CardInfoWire { printed_card_number: Some(n.clone()), ..Default::default() },
        CardRef::Barcode(b) => CardInfoWire { barcode: Some(b.clone()), ..Default::default() },
        CardRef::Track(t) => CardInfoWire { track_info: Some(t.clone()), ..Default::default() },
        CardRef::NewEgift => CardInfoWire::default(),
    }
}

fn wire_tender(t: Option<Tender>) -> Option<WireTender> {
    t.map(|t| match t {
        Tender::Cash => WireTender::Cash,
        Tender::Card => WireTender::Card,
    })
}

fn amount(m: Option<Money>) -> Amount {
    m.map(Amount::from_money).unwrap_or_default()
}

fn gift_error(e: GiftCallError) -> CallError {
    match e {
        GiftCallError::Client(e) => call_error(e),
        GiftCallError::TimedOutReversed { .. } => CallError::Undone { applied: true },
        GiftCallError::TimedOutNotApplied { .. } => CallError::Undone { applied: false },
        GiftCallError::TimedOutUnresolved { error, .. } => CallError::Uncertain(error.to_string()),
    }
}

fn currency(t: &TerminalInfo) -> Result<Currency, CallError> {
    Currency::from_code(&t.currency).map_err(|e| CallError::Refused { code: "config".into(), message: e.to_string() })
}

fn money(s: &str, c: Currency) -> Result<Money, CallError> {
    Money::parse(s.trim(), c).map_err(|e| CallError::Uncertain(format!("unreadable amount {s:?}: {e}")))
}

/// One gift call, its receipt stored and laid out.
pub async fn gift(link: &Link, local: &Local, call: &GiftCall) -> Result<GiftOutcome, CallError> {
    let mut c = link.client().await?;
    if let Some((manager, pin)) = &call.approval {
        c = c.with_approval(manager, pin);
    }
    let t = link.terminal().await?;
    let cur = currency(&t)?;
    let merchant_id = t.merchant_id;
    let store_code = t.store_id.clone();
    let cashier = link.user().map(|u| u.number.to_string());
    let terminal_id = Some(t.terminal_id.clone());
    let ext = Some(call.external_id.clone());
    let mut info = card_info(&call.card);
    info.card_reg_code = call.pin.clone();
    let success: GiftSuccess = match call.kind {
        GiftKind::Balance => c
            .gift_balance(&BalanceRequest {
                merchant_id,
                store_code,
                card_info: info,
                cashier,
                terminal_id,
                ..Default::default()
            })
            .await
            .map_err(call_error)?,
        GiftKind::Sell => c
            .gift_sell(&SellRequest {
                merchant_id,
                store_code,
                card_info: if call.card == CardRef::NewEgift { None } else { Some(info) },
                amount: amount(call.amount),
                cashier,
                terminal_id,
                external_transaction_id: ext,
                tender: wire_tender(call.tender),
                ..Default::default()
            })
            .await
            .map_err(gift_error)?,
        GiftKind::Reload => c
            .gift_reload(&ReloadRequest {
                merchant_id,
                store_code,
                card_info: info,
                amount: amount(call.amount),
                cashier,
                terminal_id,
                external_transaction_id: ext,
                tender: wire_tender(call.tender),
                ..Default::default()
            })
            .await
            .map_err(gift_error)?,
        GiftKind::Redeem => c
            .gift_redeem(&RedeemRequest {
                merchant_id,
                store_code,
                card_info: info,
                amount: amount(call.amount),
                tip: call.tip.map(Amount::from_money),
                cashier,
                terminal_id,
                external_transaction_id: ext,
                ..Default::default()
            })
            .await
            .map_err(gift_error)?,
        GiftKind::CashOut => c
            .gift_cash_out(&CashOutRequest {
                merchant_id,
                store_code,
                card_info: info,
                cashier,
                terminal_id,
                external_transaction_id: ext,
                tender: Some(WireTender::Cash),
                ..Default::default()
            })
            .await
            .map_err(gift_error)?,
        GiftKind::Exchange => {
            let new = call.new_card.as_ref().ok_or_else(|| CallError::Refused {
                code: "new_card_required".into(),
                message: "Scan the new card first.".into(),
            })?;
            c.gift_exchange(&ExchangeRequest {
                merchant_id,
                store_code,
                card_info: info,
                new_card_info: card_info(new),
                cashier,
                terminal_id,
                external_transaction_id: ext,
                ..Default::default()
            })
            .await
            .map_err(gift_error)?
        }
        GiftKind::Refund => {
            let px = call.refund_of.ok_or_else(|| CallError::Refused {
                code: "refund_needs_redeem".into(),
                message: "A refund goes back against a redeem; redeem first.".into(),
            })?;
            c.gift_refund(&RefundRequest {
                merchant_id,
                store_code,
                card_info: info,
                amount: amount(call.amount),
                px_transaction_id: px,
                cashier,
                terminal_id,
                external_transaction_id: ext,
                ..Default::default()
            })
            .await
            .map_err(gift_error)?
        }
        GiftKind::Activate | GiftKind::Deactivate => {
            let req = CardRequest {
                merchant_id,
                store_code,
                card_info: info,
                cashier,
                terminal_id,
                external_transaction_id: ext,
                ..Default::default()
            };
            let r = if call.kind == GiftKind::Activate {
                c.gift_activate(&req).await
            } else {
                c.gift_deactivate(&req).await
            };
            r.map_err(gift_error)?
        }
        GiftKind::Reverse => {
            let mut req = ReverseRequest { merchant_id, store_code, cashier, terminal_id, ..Default::default() };
            match &call.reverses {
                Some(ReverseKey::External(e)) => req.external_transaction_id = Some(e.clone()),
                Some(ReverseKey::Px(p)) => req.px_transaction_id = Some(*p),
                None => {
                    return Err(CallError::Refused {
                        code: "nothing_to_reverse".into(),
                        message: "Nothing to reverse.".into(),
                    });
                }
            }
            c.gift_reverse(&req).await.map_err(call_error)?
        }
    };
    let current = money(&success.current_balance, cur)?;
    let previous = success.previous_balance.as_deref().map(|p| money(p, cur)).transpose()?;
    let changed = success.transaction_amount.as_deref().map(|p| money(p, cur)).transpose()?;
    let mut outcome = GiftOutcome {
        kind: call.kind,
        masked: mask(&success.masked_card_number),
        card_number: success.printed_card_number.clone(),
        previous,
        current,
        amount: changed,
        tx_id: success.px_transaction_id,
        auth_code: success.px_auth_code.clone(),
        external_id: call.external_id.clone(),
        messages: success.pos_messages.clone(),
        local_notes: Vec::new(),
        receipt: None,
    };
    if call.kind != GiftKind::Balance {
        // The operation happened whatever becomes of its receipt; a receipt that could not be
        // stored is said so on the screen and can be found through the journal later.
        match gift_receipt(call, &success, &outcome, &t, link, local) {
            Ok(r) => match c.create_receipt(&r, Some(&call.external_id)).await {
                Ok(stored) => outcome.receipt = Some(view(&stored, local)),
                Err(e) => {
                    outcome.local_notes.push(crate::t!("gift-receipt-not-stored", reason = call_error(e).message()))
                }
            },
            Err(e) => outcome.local_notes.push(crate::t!("gift-no-receipt", reason = e.to_string())),
        }
    }
    Ok(outcome)
}

/// The context every receipt of this till shares.
pub(super) fn context(t: &TerminalInfo, link: &Link, local: &Local) -> Context {
    let settings = local.settings();
    let mut header = t.receipt_header.clone();
    header.extra.extend(settings.header.iter().cloned());
    let locale = settings
        .locale
        .as_deref()
        .and_then(|l| Locale::parse(l).ok())
        .or_else(|| Locale::parse(&t.locale).ok())
        .unwrap_or(Locale::EnUs);
    Context {
        header,
        terminal: t.terminal_id.clone(),
        cashier: link.user().map(|u| format!("{} {}", u.number, u.name)),
        issued_at: time::OffsetDateTime::now_utc().to_offset(local.offset),
        locale,
        training: local.training,
        // The store's own footer (`[receipt] footer` of the engine's till.toml).
        footer: t.receipt_footer.clone(),
    }
}

fn gift_receipt(
    call: &GiftCall,
    s: &GiftSuccess,
    o: &GiftOutcome,
    t: &TerminalInfo,
    link: &Link,
    local: &Local,
) -> Result<Receipt, crate::money::MoneyError> {
    // Not the engine's `posMessages`: they are the wire's English sentences, and the receipt
    // already says each of them in its own lines and in the till's language (the new e-gift
    // card's code, the amount paid out, the old card closed, the reversed operation).
    let ctx = context(t, link, local);
    let zero = Money::zero(o.current.currency());
    let r = GiftResult {
        card_number: s.printed_card_number.clone(),
        amount: o.amount.unwrap_or(zero),
        previous_balance: o.previous,
        balance: Some(o.current),
        auth_code: Some(s.px_auth_code.clone()),
        transaction_id: Some(s.px_transaction_id.to_string()),
        // A new e-gift card has no plastic: its number is the code the customer keeps.
        code: (call.card == CardRef::NewEgift).then(|| s.printed_card_number.clone()),
    };
    let paid = |m: Money| match call.tender {
        Some(Tender::Card) => vec![receipt::Tender { kind: TenderKind::Card, amount: m }],
        _ => vec![receipt::Tender { kind: TenderKind::Cash, amount: m }],
    };
    Ok(match call.kind {
        GiftKind::Sell => Receipt::gift_sale(&ctx, &r, &paid(r.amount))?,
        GiftKind::Reload => Receipt::gift_reload(&ctx, &r, &paid(r.amount))?,
        GiftKind::Redeem => {
            // The card paid the amount first, then the tip.
            let card_amount = call.amount.map(|a| Money::from_minor(a.minor().min(r.amount.minor()), a.currency()));
            let tip = match card_amount {
                Some(a) => r.amount.checked_sub(a).ok().filter(|t| t.minor() > 0),
                None => None,
            };
            let r2 = GiftResult { amount: card_amount.unwrap_or(r.amount), ..r.clone() };
            let mut rc = Receipt::gift_redeem(&ctx, &r2, tip)?;
            if let Some((tender, rest)) = call.rest {
                let kind = if tender == Tender::Card { TenderKind::Card } else { TenderKind::Cash };
                rc.tenders.push(receipt::Tender { kind, amount: rest });
            }
            rc
        }
        GiftKind::CashOut => Receipt::gift_cash_out(&ctx, &r)?,
        GiftKind::Exchange => {
            let old = GiftResult { card_number: call.card.digits().to_string(), ..r.clone() };
            Receipt::gift_exchange(&ctx, &old, &r)
        }
        GiftKind::Refund => Receipt::gift_refund(&ctx, &r, call.refund_of.map(|p| p.to_string()).as_deref()),
        GiftKind::Reverse => {
            let original = call.reverses.as_ref().map(|k| k.label()).unwrap_or_default();
            match call.rest {
                // A split redeem undone: both parts, each back where it came from.
                Some((tender, rest)) => {
                    let kind = if tender == Tender::Card { TenderKind::Card } else { TenderKind::Cash };
                    Receipt::gift_split_reversal(&ctx, &r, &original, receipt::Tender { kind, amount: rest })?
                }
                None => Receipt::gift_reversal(&ctx, &r, &original, &[])?,
            }
        }
        // No money moves: the card and its balance, never a sale the customer did not pay for;
        // each says what happened to the card in its title.
        GiftKind::Activate => Receipt::gift_activate(&ctx, &r),
        GiftKind::Deactivate => Receipt::gift_deactivate(&ctx, &r),
        GiftKind::Balance => Receipt::gift_balance(&ctx, &r.card_number, o.current),
    })
}

pub(super) fn width(local: &Local) -> Width {
    Width::new(local.settings().width).unwrap_or(Width::W42)
}

/// A stored receipt laid out for the preview.
pub fn view(stored: &StoredReceipt, local: &Local) -> ReceiptView {
    let doc = receipt::layout(&stored.receipt, width(local));
    ReceiptView {
        id: Some(stored.id.to_string()),
        lines: doc.preview_lines(),
        kind: stored.kind.as_str().to_string(),
        opens_drawer: doc.open_drawer,
        printed: stored.printed,
    }
}

/// The receipt of a confirmed retail order, stored under the order's id.
pub async fn retail_receipt(
    link: &Link,
    local: &Local,
    o: &crate::client::retail::OrderView,
    tender: Tender,
) -> Result<ReceiptView, CallError> {
    let c = link.client().await?;
    let t = link.terminal().await?;
    let ctx = context(&t, link, local);
    let face = wire_money(&o.face_value)?;
    let lines = o.receipt_printing.lines.clone().unwrap_or_default();
    let activation = match o.kind {
        crate::client::retail::ProductKind::Posa => {
            receipt::Activation::Posa { card_number: o.card_number.clone().unwrap_or_default() }
        }
        crate::client::retail::ProductKind::Por => receipt::Activation::Por { code: None, serial: None },
    };
    let r = receipt::RetailResult {
        order_id: o.id.clone(),
        product: o.product_name.clone(),
        face_value: face,
        lines,
        activation,
    };
    let kind = if tender == Tender::Card { TenderKind::Card } else { TenderKind::Cash };
    let rc = Receipt::retail_order(&ctx, &r, &[receipt::Tender { kind, amount: face }])
        .map_err(|e| CallError::Refused { code: "receipt".into(), message: e.to_string() })?;
    let stored = c.create_receipt(&rc, Some(&o.id)).await.map_err(call_error)?;
    Ok(view(&stored, local))
}

/// Today's receipts of this terminal, newest first, as journal lines.
pub async fn journal(link: &Link, local: &Local) -> Result<Vec<JournalEntry>, CallError> {
    let c = link.client().await?;
    let t = link.terminal().await?;
    let q = ReceiptQuery {
        terminal: Some(t.terminal_id.clone()),
        training: local.training,
        limit: Some(500),
        ..Default::default()
    };
    let rows = c.list_receipts(&q).await.map_err(call_error)?;
    let today = time::OffsetDateTime::now_utc().to_offset(local.offset).date();
    // Retail orders that never became a sale (left open when the till quit, expired, cancelled)
    // have no receipt; they are listed all the same, so none vanishes from the day.
    let unsold = if local.training {
        Vec::new()
    } else {
        c.retail_orders_for_terminal(&t.store_id, &t.terminal_id).await.unwrap_or_default()
    };
    let mut unsold: Vec<(time::OffsetDateTime, JournalEntry)> =
        unsold.iter().filter_map(|o| unsold_entry(o, local, today)).collect();
    let mut out = Vec::new();
    for (i, s) in rows.iter().enumerate() {
        let at = s.receipt.issued_at.to_offset(local.offset);
        if at.date() != today {
            continue;
        }
        let reversible = if i == 0 { reversible(s) } else { None };
        // Newest first: unsold orders newer than this receipt go before it.
        while unsold.first().is_some_and(|(t, _)| *t > at) {
            out.push(unsold.remove(0).1);
        }
        out.push(JournalEntry {
            time: format!("{:02}:{:02}", at.hour(), at.minute()),
            what: kind_label(s.kind),
            card: s.receipt.cards.first().map(|c| c.masked_number.clone()).unwrap_or_default(),
            amount: journal_amount(&s.receipt),
            receipt_id: Some(s.id.to_string()),
            reversible,
            user: s.receipt.cashier.clone().unwrap_or_default().split(' ').next().unwrap_or_default().to_string(),
            rest: split_rest(s),
        });
    }
    out.extend(unsold.into_iter().map(|(_, e)| e));
    Ok(out)
}

/// A split redeem's part paid in cash or by card, as its receipt lists it.
fn split_rest(s: &StoredReceipt) -> Option<(Tender, Money)> {
    if s.kind != ReceiptKind::GiftRedeem {
        return None;
    }
    s.receipt.tenders.iter().find_map(|t| match t.kind {
        TenderKind::Cash => Some((Tender::Cash, t.amount)),
        TenderKind::Card => Some((Tender::Card, t.amount)),
        _ => None,
    })
}

/// A journal row for a retail order of today that was never sold, with when it was made.
fn unsold_entry(
    o: &crate::client::retail::OrderView,
    local: &Local,
    today: time::Date,
) -> Option<(time::OffsetDateTime, JournalEntry)> {
    use crate::client::retail::OrderState;
    let what = match o.state {
        OrderState::Created => crate::t!("journal-kind-retail-open", product = o.product_name.as_str()),
        OrderState::Expired => crate::t!("journal-kind-retail-expired", product = o.product_name.as_str()),
        // Cancelled before it was paid; one reversed after confirming has its receipt.
        OrderState::Invalidated if o.confirmed_at.is_none() => {
            crate::t!("journal-kind-retail-cancelled", product = o.product_name.as_str())
        }
        _ => return None,
    };
    let at = time::OffsetDateTime::parse(&o.created_at, &time::format_description::well_known::Rfc3339)
        .ok()?
        .to_offset(local.offset);
    if at.date() != today {
        return None;
    }
    let entry = JournalEntry {
        time: format!("{:02}:{:02}", at.hour(), at.minute()),
        what,
        card: o.card_number.as_deref().map(crate::tui::model::mask).unwrap_or_default(),
        amount: wire_money(&o.face_value).ok(),
        receipt_id: None,
        reversible: None,
        user: String::new(),
        rest: None,
    };
    Some((at, entry))
}

/// The gift operation behind a receipt, if it is one that can be reversed.
fn reversible(s: &StoredReceipt) -> Option<ReverseKey> {
    let kinds = [
        ReceiptKind::GiftSale,
        ReceiptKind::GiftReload,
        ReceiptKind::GiftRedeem,
        ReceiptKind::GiftCashOut,
        ReceiptKind::GiftExchange,
        ReceiptKind::GiftRefund,
    ];
    if !kinds.contains(&s.kind) {
        return None;
    }
    s.receipt.lines.iter().find_map(|l| match l {
        Line::Pair { label: Label::Transaction, value } => value.parse::<i64>().ok().map(ReverseKey::Px),
        _ => None,
    })
}

/// The amount a journal row shows: the receipt's total, else what an exchange moved, else the
/// balance the card was left with (activation, blocking, a balance enquiry).
fn journal_amount(r: &Receipt) -> Option<Money> {
    if let Some(t) = r.totals.first() {
        return Some(t.amount);
    }
    let moved = r.lines.iter().find_map(|l| match l {
        Line::Amount { label: Label::Transferred, amount } => Some(*amount),
        _ => None,
    });
    moved.or_else(|| r.cards.iter().rev().find_map(|c| c.balance))
}

fn kind_label(k: ReceiptKind) -> String {
    match k {
        ReceiptKind::GiftSale => crate::t!("journal-kind-sale"),
        ReceiptKind::GiftReload => crate::t!("journal-kind-reload"),
        ReceiptKind::GiftRedeem => crate::t!("journal-kind-redeem"),
        ReceiptKind::GiftBalance => crate::t!("journal-kind-balance"),
        ReceiptKind::GiftActivate => crate::t!("journal-kind-activate"),
        ReceiptKind::GiftDeactivate => crate::t!("journal-kind-deactivate"),
        ReceiptKind::GiftCashOut => crate::t!("journal-kind-cash-out"),
        ReceiptKind::GiftExchange => crate::t!("journal-kind-exchange"),
        ReceiptKind::GiftReversal => crate::t!("journal-kind-reversal"),
        ReceiptKind::GiftRefund => crate::t!("journal-kind-refund"),
        ReceiptKind::RetailOrder => crate::t!("journal-kind-retail"),
        ReceiptKind::PrintTest => crate::t!("journal-kind-test"),
        ReceiptKind::Report => crate::t!("journal-kind-report"),
        ReceiptKind::SpotOrder => crate::t!("journal-kind-spot"),
    }
}

fn printer(local: &Local) -> Result<PrinterSpec, String> {
    let s = local.settings();
    if !s.printer_configured() {
        return Err(crate::t!("journal-no-printer"));
    }
    s.printer.parse::<PrinterSpec>().map_err(|e| e.to_string())
}

async fn print_stored(link: &Link, local: &Local, stored: StoredReceipt) -> Result<(), String> {
    let spec = printer(local)?;
    let c = link.client().await.map_err(|e| e.message())?;
    match c.print_stored(stored, width(local), spec, PRINT_TIMEOUT).await {
        Ok(PrintOutcome::Printed(_)) => Ok(()),
        Ok(PrintOutcome::NotPrinted { reason, uncertain: true, .. }) => {
            Err(crate::t!("journal-maybe-partly", reason = reason.trim_end_matches('.')))
        }
        Ok(PrintOutcome::NotPrinted { reason, .. }) => Err(reason),
        // Recording the print failed: the engine's words, not the client's (no URLs on screen).
        Err(e) => Err(call_error(e).message()),
    }
}

/// Prints a stored receipt once.
pub async fn print(link: &Link, local: &Local, receipt_id: String) -> Result<(), String> {
    let id: i64 = receipt_id.parse().map_err(|_| crate::t!("journal-not-a-receipt", id = receipt_id.as_str()))?;
    let c = link.client().await.map_err(|e| e.message())?;
    let stored = c.receipt(id).await.map_err(|e| call_error(e).message())?;
    print_stored(link, local, stored).await
}

/// A reprint: the stored receipt marked DUPLICATE, shown and (with a printer) printed.
pub async fn reprint(
    link: &Link,
    local: &Local,
    receipt_id: &str,
) -> (Result<ReceiptView, CallError>, Option<Result<(), String>>) {
    let Ok(id) = receipt_id.parse::<i64>() else {
        return (
            Err(CallError::Refused { code: "receipt_not_found".into(), message: "No such receipt.".into() }),
            None,
        );
    };
    let c = match link.client().await {
        Ok(c) => c,
        Err(e) => return (Err(e), None),
    };
    match c.reprint_receipt(id).await {
        Ok(dup) => {
            let v = view(&dup, local);
            let printed =
                if local.settings().printer_configured() { Some(print_stored(link, local, dup).await) } else { None };
            (Ok(v), printed)
        }
        Err(e) => (Err(call_error(e)), None),
    }
}

/// A test receipt with the settings being edited (not yet saved).
pub async fn test_print(local: &Local, settings: &Settings) -> Result<(), String> {
    if !settings.printer_configured() {
        return Err("no printer is set up; type one in the Printer field first".into());
    }
    let spec: PrinterSpec =
        settings.printer.parse().map_err(|e: crate::receipt::transport::SpecError| e.to_string())?;
    let w = Width::new(settings.width)?;
    let locale = settings.locale.as_deref().and_then(|l| Locale::parse(l).ok()).unwrap_or(Locale::EnUs);
    let now = time::OffsetDateTime::now_utc().to_offset(local.offset);
    let mut header =
        crate::receipt::StoreHeader { name: "till".into(), address: Vec::new(), extra: settings.header.clone() };
    header.extra.push(format!("{} columns, {}", settings.width, locale.tag()));
    let rc = Receipt {
        kind: ReceiptKind::PrintTest,
        header,
        terminal: String::new(),
        cashier: None,
        number: None,
        issued_at: now,
        locale,
        lines: vec![Line::Text { text: crate::t!("settings-test-receipt-line") }],
        totals: Vec::new(),
        tenders: Vec::new(),
        change: None,
        cards: Vec::new(),
        codes: Vec::new(),
        footer: Vec::new(),
        training: local.training,
        duplicate: false,
    };
    tokio::task::spawn_blocking(move || {
        receipt::print(&rc, w, &spec, PRINT_TIMEOUT).map(|_| ()).map_err(|e| e.to_string())
    })
    .await
    .map_err(|e| e.to_string())?
}

/// Asks the configured printer how it is (a printer that cannot answer counts as ready).
pub async fn printer_status(local: &Local) -> Result<(), String> {
    let spec = printer(local)?;
    let status = tokio::task::spawn_blocking(move || receipt::transport::status(&spec, Duration::from_millis(800)))
        .await
        .map_err(|e| e.to_string())?;
    match status {
        receipt::PrinterStatus::Online | receipt::PrinterStatus::PaperLow | receipt::PrinterStatus::Unknown => Ok(()),
        other => Err(other.as_str().replace('_', " ")),
    }
}
