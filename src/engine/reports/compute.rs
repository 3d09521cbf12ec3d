//! The one computation every report is made of: the posted ledger transfers of a window, with the
//! journal rows that say which store, terminal and cashier they belong to, sorted into operation
//! kinds, tenders, the cash drawer's expected amount and per-cashier lines.
//!
//! X reports, Z reports, a shift's close and the screen's figures all call [`compute`]; nothing
//! else adds money up, so they cannot drift apart.
//!
//! How a transfer is sorted (so new areas slot in without touching this file's logic):
//! - the **operation kind** comes from its transfer code ([`kind_of`]; an unknown code is counted
//!   as `code_<n>`);
//! - the **tender** comes from the kind of account on either side, read from the account id's high
//!   16 bits ([`tender_of`]): cash drawer, card clearing, wallet clearing, and a gift card paying
//!   for something (not loaded from a tender, not exchanged);
//! - the **terminal** comes from the gift journal or the shift, else from the tender account
//!   (every terminal's drawer and clearing ids are known), and the **cashier** from the shift open
//!   on that terminal at that moment, else the journal's cashier, else the API client's name.
//!
//! Retail orders are counted from their settlement entries (confirmed, invalidated; POR, POSA);
//! their cash and card payments are ledger legs into the drawer or card clearing (`tender.rs`), other
//! payment methods come from the order's `payment_method`.

use std::collections::{BTreeMap, HashMap, HashSet};

use serde::{Deserialize, Serialize};

use super::repo;
use crate::engine::accounts::{account_id, code, transfer_code as tc};
use crate::engine::shifts::repo as shift_repo;
use crate::money::Currency;
use crate::store::{Sql, StoreError, StoreErrorKind};

/// What a report covers.
#[derive(Debug, Clone)]
pub struct Scope {
    /// `None`: every store.
    pub store: Option<String>,
    pub terminal: Option<String>,
    /// A cashier's shift: its terminal and its window only.
    pub shift: Option<i64>,
    /// Window `(from, to]` in ledger nanoseconds.
    pub from: i64,
    pub to: i64,
    pub currency: Currency,
    /// The terminal gift operations without a `terminalId` were booked to.
    pub default_terminal: String,
    /// The spots location (`[spots] location_id`) and the store it is: the location's wallet
    /// clearing takes the table orders paid by wallet, reported under [`SPOTS`].
    pub spots: Option<(i64, String)>,
}

/// The pseudo-terminal (and client) table orders paid from a wallet are reported under.
pub const SPOTS: &str = "spots";

/// The prefix of the pseudo-terminal (and client) a payment extension tenant is reported under.
pub const INSTORE: &str = "instore:";

/// A count and an amount in minor units.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Line {
    pub count: u64,
    pub amount: i64,
}

/// The drawer's cash: what should be in it and what was counted.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cash {
    pub float: i64,
    /// Cash taken minus cash paid out by sales, loads, cash-outs, refunds (retail included).
    pub sales: i64,
    pub paid_in: i64,
    pub paid_out: i64,
    /// Float + sales + paid-in - paid-out.
    pub expected: i64,
    /// Counted at the blind closes in the window (closed shifts only).
    pub counted: i64,
    /// Counted minus expected, as booked at those closes.
    pub over_short: i64,
    /// Cash taken from the drawers back to the safe at close.
    pub dropped: i64,
    pub closed_shifts: u64,
    pub open_shifts: u64,
}

/// One cashier's (or API client's) part.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CashierLine {
    pub operations: u64,
    pub tenders: BTreeMap<String, i64>,
    pub over_short: i64,
}

/// The result: everything an X, Z or shift report prints.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Totals {
    pub currency: String,
    pub from_ns: i64,
    pub to_ns: i64,
    /// Operation kind (see [`KINDS`]) → count and amount.
    pub operations: BTreeMap<String, Line>,
    /// Tender (cash, card, wallet, on_account, gift_card, other) → net amount taken.
    pub tenders: BTreeMap<String, i64>,
    pub cash: Cash,
    pub no_sales: u64,
    /// Cashier number or `client:NAME` → their part.
    pub cashiers: BTreeMap<String, CashierLine>,
    /// Gross: everything sold (gift sell and reload, retail confirmed, tips excluded).
    pub gross: i64,
    /// Money given back: refunds, reversals, cash-outs, retail invalidations.
    pub returns: i64,
    /// The gross by UTC hour of the day (0–23): count of sales and amount (`hourly.rs`). Absent
    /// from Zs made before it existed.
    #[serde(default)]
    pub hours: BTreeMap<u8, Line>,
}

/// Operation kinds in the order reports print them.
pub const KINDS: &[&str] = &[
    "gift_sell",
    "gift_reload",
    "gift_redeem",
    "gift_tip",
    "gift_cash_out",
    "gift_exchange",
    "gift_refund",
    "gift_reversal",
    "gift_breakage",
    "retail_por_confirmed",
    "retail_posa_confirmed",
    "retail_por_invalidated",
    "retail_posa_invalidated",
    "spot_order",
    "spot_refund",
    "pos_card_payment",
    "pos_card_refund",
    "pos_on_account",
    "paid_in",
    "paid_out",
];

/// Tenders in print order.
pub const TENDERS: &[&str] = &["cash", "card", "wallet", "on_account", "gift_card", "other"];

/// The operation kind of a transfer code; `None` for codes that are not operations of their own
/// (retail legs are counted from the settlement entries; float, over/short, drop and Z markers
/// are drawer bookkeeping).
pub fn kind_of(code: u16) -> Option<&'static str> {
    Some(match code {
        tc::GIFT_SELL => "gift_sell",
        tc::GIFT_RELOAD => "gift_reload",
        tc::GIFT_REDEEM => "gift_redeem",
        tc::GIFT_TIP => "gift_tip",
        tc::GIFT_REVERSE => "gift_reversal",
        tc::GIFT_CASH_OUT => "gift_cash_out",
        tc::GIFT_EXCHANGE => "gift_exchange",
        tc::GIFT_REFUND => "gift_refund",
        tc::GIFT_BREAKAGE => "gift_breakage",
        tc::PAID_IN => "paid_in",
        tc::PAID_OUT => "paid_out",
        tc::RETAIL_HOLD
        | tc::RETAIL_PAYMENT
        | tc::RETAIL_INVALIDATE
        | tc::PARTNER_TOP_UP
        | tc::RETAIL_COMMISSION
        | tc::SHIFT_FLOAT
        | tc::CASH_OVER_SHORT
        | tc::DRAWER_DROP
        | tc::Z_MARKER
        // A wallet's funding and its pending reserve are not till operations; the charge is.
        | tc::WALLET_FUND
        // Card clearing paid out by the processor, and the money moving into or out of a
        // pay-on-account line (its credit limit, the customer paying the bill): no sale.
        | tc::CARD_SETTLE
        | tc::POA_CREDIT_LINE
        | tc::POA_PAYMENT => return None,
        // A spot order paid from a wallet (charged at once, or reserved and then confirmed: only
        // posted transfers reach here, so a 302 row is the confirmed part of a reservation), or
        // in cash at the till (`engine::spots::cash`).
        tc::WALLET_CHARGE | tc::WALLET_RESERVE | tc::SPOT_CASH => "spot_order",
        tc::WALLET_REFUND => "spot_refund",
        // A store POS's payments through the payment extensions (`engine::extensions`): a card
        // payment captured (or taken at once), given back, and an order charged on account.
        tc::CARD_AUTH => "pos_card_payment",
        tc::CARD_REFUND | tc::CARD_CANCEL => "pos_card_refund",
        tc::POA_CHARGE => "pos_on_account",
        _ => return Some("other"),
    })
}

/// The account kind of an account id (its high 16 bits, see `accounts::account_id`).
pub fn account_code(id: u128) -> u16 {
    (id >> 112) as u16
}

/// Account kinds that are a tender when money moves through them.
pub fn tender_account(account_code: u16) -> Option<&'static str> {
    match account_code {
        code::CASH_DRAWER => Some("cash"),
        code::CARD_CLEARING => Some("card"),
        code::WALLET_CLEARING => Some("wallet"),
        _ => None,
    }
}

/// The tender a transfer moves and its sign for the till (+ taken in, - paid out), if any.
pub fn tender_of(debit: u128, credit: u128) -> Option<(&'static str, i8)> {
    let (d, c) = (account_code(debit), account_code(credit));
    // A customer's wallet paying (spots charge: wallet → the location's wallet clearing) or getting
    // money back; funding a wallet is not a tender.
    if d == code::WALLET {
        return Some(("wallet", 1));
    }
    if c == code::WALLET {
        return (d != code::WALLET_FUNDING).then_some(("wallet", -1));
    }
    // An order charged to a pay-on-account line (extension sales ← the line); its payments in
    // and its credit limit come from the tenant's funding and credit-line accounts, no tender.
    if d == code::POA_ACCOUNT && c == code::EXTENSION_SALES {
        return Some(("on_account", 1));
    }
    if c == code::POA_ACCOUNT && d == code::EXTENSION_SALES {
        return Some(("on_account", -1));
    }
    if let Some(t) = tender_account(d) {
        return Some((t, 1));
    }
    if let Some(t) = tender_account(c) {
        return Some((t, -1));
    }
    // A gift card paying for something (redeem, tip) or getting money back (refund, reversal):
    // not a load from a tender, not an exchange between cards, not breakage.
    let not_value = |k: u16| matches!(k, code::GIFT_CARD | code::BREAKAGE | code::GIFT_ISSUANCE);
    if d == code::GIFT_CARD && !not_value(c) {
        return Some(("gift_card", 1));
    }
    if c == code::GIFT_CARD && !not_value(d) {
        return Some(("gift_card", -1));
    }
    None
}

fn overflow() -> StoreError {
    StoreError::new(StoreErrorKind::Other, "a report total overflows")
}

fn add(a: &mut i64, b: i64) -> Result<(), StoreError> {
    *a = a.checked_add(b).ok_or_else(overflow)?;
    Ok(())
}

/// Where a terminal's tender accounts point back to.
struct Terminals {
    ledger: u32,
    by_account: HashMap<u128, (String, Option<String>)>,
}

impl Terminals {
    fn load(
        sql: Sql<'_>,
        ledger: u32,
        default: &str,
        default_store: Option<&str>,
        spots: Option<&(i64, String)>,
    ) -> Result<Terminals, StoreError> {
        let mut by_account = HashMap::new();
        if let Some((location, store)) = spots {
            let clearing = account_id(code::WALLET_CLEARING, ledger, &format!("location:{location}"));
            by_account.insert(clearing, (SPOTS.to_string(), Some(store.clone())));
        }
        // A store POS using the payment extensions is a client of the site's store, not a till:
        // its card clearing and its extension sales account point back to `instore:<tenant>`.
        if let Some(store) = default_store.or(spots.map(|s| s.1.as_str())) {
            for tenant in repo::extension_tenants(sql)? {
                let name = format!("{INSTORE}{tenant}");
                for id in
                    [account_id(code::CARD_CLEARING, ledger, &name), account_id(code::EXTENSION_SALES, ledger, &tenant)]
                {
                    by_account.insert(id, (name.clone(), Some(store.to_string())));
                }
            }
            // Summarised minutes of older data keep only the kind of an extension sales account.
            by_account.insert(u128::from(code::EXTENSION_SALES) << 112, (INSTORE.to_string(), Some(store.to_string())));
        }
        let mut list = repo::known_terminals(sql)?;
        if let Some(s) = default_store {
            list.push((default.to_string(), s.to_string()));
        }
        for (terminal, store) in list {
            for c in [code::CASH_DRAWER, code::CARD_CLEARING, code::WALLET_CLEARING] {
                by_account.entry(account_id(c, ledger, &terminal)).or_insert((terminal.clone(), Some(store.clone())));
            }
        }
        Ok(Terminals { ledger, by_account })
    }
    /// Terminals named by gift journal rows of the window.
    fn learn(&mut self, rows: &[repo::TransferRow]) {
        let mut seen: HashSet<(&str, &str)> = HashSet::new();
        for r in rows {
            if let (Some(t), Some(s)) = (r.terminal.as_deref(), r.store.as_deref())
                && seen.insert((t, s))
            {
                for c in [code::CASH_DRAWER, code::CARD_CLEARING, code::WALLET_CLEARING] {
                    self.by_account
                        .entry(account_id(c, self.ledger, t))
                        .or_insert((t.to_string(), Some(s.to_string())));
                }
            }
        }
    }
    fn of(&self, debit: u128, credit: u128) -> Option<&(String, Option<String>)> {
        self.by_account.get(&debit).or_else(|| self.by_account.get(&credit))
    }
}

/// Runs the computation for `scope`. Pure reading: the same inputs give the same totals, inside a
/// write (`tx.sql()`) or on a read snapshot.
pub fn compute(sql: Sql<'_>, scope: &Scope) -> Result<Totals, StoreError> {
    let ledger = scope.currency.ledger();
    let (mut from, mut to) = (scope.from, scope.to);
    let mut terminal_filter = scope.terminal.clone();
    let shift_row = match scope.shift {
        Some(id) => {
            let s = shift_repo::by_id(sql, id)?
                .ok_or_else(|| StoreError::new(StoreErrorKind::Other, format!("there is no shift {id}")))?;
            // The float is booked at the opening instant itself: start just before it.
            from = from.max(s.opened_at - 1);
            to = to.min(s.closed_at.unwrap_or(i64::MAX));
            terminal_filter = Some(s.terminal.clone());
            Some(s)
        }
        None => None,
    };
    let shifts = shift_repo::overlapping(sql, scope.store.as_deref(), from, to)?;
    let cashier_at = |terminal: &str, at: i64| -> Option<String> {
        shifts
            .iter()
            .find(|s| s.terminal == terminal && s.opened_at - 1 <= at && s.closed_at.is_none_or(|c| at <= c))
            .map(|s| s.cashier.to_string())
    };
    let unstable: Vec<i64> = shifts
        .iter()
        .flat_map(|s| {
            let mut v = vec![s.opened_at - 1];
            v.extend(s.closed_at.into_iter().flat_map(|c| [c, c.saturating_add(1)]));
            v
        })
        .collect();
    let (rows, seeds) = super::flow::rows(sql, ledger, from, to, &unstable)?;
    let mut terminals =
        Terminals::load(sql, ledger, &scope.default_terminal, scope.store.as_deref(), scope.spots.as_ref())?;
    terminals.learn(&rows);
    let wanted = |store: Option<&str>, terminal: Option<&str>| -> bool {
        if let Some(s) = &scope.store
            && store != Some(s.as_str())
        {
            return false;
        }
        if let Some(t) = &terminal_filter
            && terminal != Some(t.as_str())
        {
            return false;
        }
        true
    };

    let mut t = Totals { currency: scope.currency.code().to_string(), from_ns: from, to_ns: to, ..Totals::default() };
    let mut seen: HashSet<(u16, i64)> = seeds;

    for row in rows {
        let amount = i64::try_from(row.amount).map_err(|_| overflow())?;
        let is_gift = (tc::GIFT_SELL..=tc::GIFT_REFUND).contains(&row.code);
        let is_shift = (tc::SHIFT_FLOAT..=tc::DRAWER_DROP).contains(&row.code);
        let (store, terminal) = if is_gift || is_shift {
            (row.store.clone(), Some(row.terminal.clone().unwrap_or_else(|| scope.default_terminal.clone())))
        } else if let Some((term, store)) = terminals.of(row.debit, row.credit) {
            (store.clone(), Some(term.clone()))
        } else {
            (None, None)
        };
        if !wanted(store.as_deref(), terminal.as_deref()) {
            continue;
        }
        let who = terminal
            .as_deref()
            .and_then(|term| cashier_at(term, row.timestamp))
            .or_else(|| row.cashier.clone().filter(|c| !c.is_empty()))
            .or_else(|| row.principal.clone())
            .or_else(|| {
                terminal.as_deref().filter(|t| *t == SPOTS || t.starts_with(INSTORE)).map(|t| format!("client:{t}"))
            })
            .unwrap_or_else(|| "unknown".into());
        // Shift bookkeeping: float, paid-in/out, over/short, drop.
        if is_shift {
            let toward_drawer = account_code(row.debit) == code::CASH_DRAWER;
            let signed = if toward_drawer { amount } else { -amount };
            match row.code {
                tc::SHIFT_FLOAT => add(&mut t.cash.float, amount)?,
                tc::PAID_IN => add(&mut t.cash.paid_in, amount)?,
                tc::PAID_OUT => add(&mut t.cash.paid_out, amount)?,
                tc::CASH_OVER_SHORT => {
                    add(&mut t.cash.over_short, signed)?;
                    add(&mut t.cashiers.entry(who.clone()).or_default().over_short, signed)?;
                }
                tc::DRAWER_DROP => add(&mut t.cash.dropped, amount)?,
                _ => {}
            }
        }
        if let Some(kind) = kind_of(row.code) {
            let line = t.operations.entry(kind.to_string()).or_default();
            // Legs of one operation share its id (gift px, shift event): count the operation once.
            // A per-minute flow carries its count of first legs (`ops`) instead.
            let firsts = match row.ops {
                Some(ops) if is_gift => ops,
                Some(_) => row.transfers,
                None => u64::from(!(is_gift || is_shift) || seen.insert((row.code, row.user_data_64))),
            };
            // Every paid-in/out is its own operation even when two share a shift id.
            line.count += if row.code == tc::PAID_IN || row.code == tc::PAID_OUT { row.transfers } else { firsts };
            add(&mut line.amount, amount)?;
            match row.code {
                tc::GIFT_SELL | tc::GIFT_RELOAD => {
                    add(&mut t.gross, amount)?;
                    super::hourly::add(&mut t.hours, row.timestamp, firsts, amount)?;
                }
                tc::GIFT_CASH_OUT | tc::GIFT_REFUND | tc::GIFT_REVERSE => add(&mut t.returns, amount)?,
                _ => {}
            }
            if !is_shift {
                t.cashiers.entry(who.clone()).or_default().operations += firsts;
            }
        }
        // A settlement batch moves card clearing to the bank: money already counted when taken.
        if !is_shift
            && row.code != tc::CARD_SETTLE
            && let Some((tender, sign)) = tender_of(row.debit, row.credit)
        {
            let signed = if sign > 0 { amount } else { -amount };
            add(t.tenders.entry(tender.to_string()).or_default(), signed)?;
            add(t.cashiers.entry(who.clone()).or_default().tenders.entry(tender.to_string()).or_default(), signed)?;
            if tender == "cash" {
                add(&mut t.cash.sales, signed)?;
            }
        }
    }

    for r in repo::retail(sql, scope.currency.code(), from, to)? {
        if !wanted(Some(&r.store), Some(&r.terminal)) {
            continue;
        }
        let confirmed = r.kind == "confirm";
        let kind = match (r.product_kind.as_str(), confirmed) {
            ("POSA", true) => "retail_posa_confirmed",
            ("POSA", false) => "retail_posa_invalidated",
            (_, true) => "retail_por_confirmed",
            (_, false) => "retail_por_invalidated",
        };
        let line = t.operations.entry(kind.to_string()).or_default();
        line.count += 1;
        // Entries of invalidations carry negative amounts; the line shows what was given back.
        add(&mut line.amount, r.face.abs())?;
        if confirmed {
            add(&mut t.gross, r.face)?;
            super::hourly::add(&mut t.hours, r.at, 1, r.face)?;
        } else {
            add(&mut t.returns, r.face.abs())?;
        }
        let tender = match r.payment_method.as_deref() {
            Some("cash") => "cash",
            Some("card") => "card",
            Some("wallet") => "wallet",
            Some("on_account") => "on_account",
            Some("gift_card") => "gift_card",
            _ => "other",
        };
        let who = cashier_at(&r.terminal, r.at).unwrap_or_else(|| format!("terminal:{}", r.terminal));
        let c = t.cashiers.entry(who).or_default();
        c.operations += 1;
        // Cash and card payments are ledger legs (`tender.rs`), counted with the transfers above;
        // other methods only the order knows.
        if !matches!(tender, "cash" | "card") {
            add(c.tenders.entry(tender.to_string()).or_default(), r.face)?;
            add(t.tenders.entry(tender.to_string()).or_default(), r.face)?;
        }
    }

    for (e, store, terminal, _) in shift_repo::events_between(sql, scope.store.as_deref(), from, to)? {
        if e.kind == "no_sale" && wanted(Some(&store), Some(&terminal)) {
            t.no_sales += 1;
        }
    }
    for s in &shifts {
        if !wanted(Some(&s.store), Some(&s.terminal)) || shift_row.as_ref().is_some_and(|r| r.id != s.id) {
            continue;
        }
        match s.closed_at {
            Some(c) if c > from && c <= to => {
                t.cash.closed_shifts += 1;
                add(&mut t.cash.counted, s.counted_minor.unwrap_or(0))?;
            }
            None => t.cash.open_shifts += 1,
            _ => {}
        }
    }
    let mut expected = t.cash.float;
    add(&mut expected, t.cash.sales)?;
    add(&mut expected, t.cash.paid_in)?;
    add(&mut expected, -t.cash.paid_out)?;
    t.cash.expected = expected;
    Ok(t)
}
