//! The stored-value card extension on the store's own gift cards: one balance with `/gift`.
//!
//! An envelope is acknowledged at once: its row (state `accepted`) is durable before the reply.
//! The work is the gift engine's own operations (sell, activate, reload, redeem, reverse,
//! balance), keyed by an `externalTransactionId` derived from the tenant and `requestId`, so doing
//! it again after a crash replays instead of repeating. The result is written with its callback
//! (see `callbacks.rs`) in one write. A repeated `requestId` with the same payload is acknowledged
//! again and, once done, its result re-sent; with a different payload it is refused.

use rand::SeedableRng;
use serde::{Deserialize, Serialize};

use super::{ExtError, callbacks, config, repo, tenants};
use crate::engine::Engine;
use crate::engine::accounts::transfer_code;
use crate::engine::cards::{self, CardInfo, CardState};
use crate::engine::gift::{self, Decline, GiftError, Meta, Op, Setup, Tender};
use crate::money::{Currency, MinorObject, Money};

/// The three envelope actions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SvAction {
    /// `storedvaluecard`
    Create,
    /// `storedvaluecard/{number}`
    Lookup,
    /// `storedvaluecard_process`
    Process,
}

impl SvAction {
    pub fn as_str(self) -> &'static str {
        match self {
            SvAction::Create => "storedvaluecard",
            SvAction::Lookup => "storedvaluecard/:number",
            SvAction::Process => "storedvaluecard_process",
        }
    }
    fn parse(s: &str) -> Option<SvAction> {
        [SvAction::Create, SvAction::Lookup, SvAction::Process].into_iter().find(|a| a.as_str() == s)
    }
}

/// The payload fields this extension reads (the seed's names), for every action.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Payload {
    #[serde(rename = "requestId")]
    pub request_id: String,
    #[serde(rename = "locationId", default)]
    pub location_id: Option<String>,
    #[serde(rename = "workstationId", default)]
    pub workstation_id: Option<String>,
    #[serde(default, rename = "type")]
    pub kind: Option<String>,
    #[serde(default)]
    pub status: Option<String>,
    #[serde(default)]
    pub balance: Option<MinorObject>,
    #[serde(default)]
    pub issuer: Option<String>,
    #[serde(default)]
    pub customer_id: Option<String>,
    #[serde(default)]
    pub number: Option<String>,
    #[serde(default)]
    pub pin: Option<String>,
    #[serde(default)]
    pub action: Option<String>,
    #[serde(default)]
    pub amount: Option<MinorObject>,
    #[serde(default)]
    pub external_transaction_id: Option<String>,
    #[serde(default)]
    pub external_payment_id: Option<String>,
    #[serde(default)]
    pub accounts: Option<Vec<Account>>,
}

/// A pre-loaded account of the payload.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Account {
    pub number: String,
    #[serde(default)]
    pub pin: Option<String>,
    #[serde(default, rename = "paymentProcessorId")]
    pub payment_processor_id: Option<String>,
}

/// An envelope as received (signature already checked).
#[derive(Debug, Clone)]
pub struct Envelope {
    pub tenant: String,
    pub action: SvAction,
    /// The payload, parsed; `number` already set from the path for a lookup.
    pub payload: Payload,
    pub callback_url: String,
    pub status_url: Option<String>,
    pub correlation_id: Option<String>,
    /// Of the payload's content: a repeated `requestId` must carry the same.
    pub fingerprint: String,
}

/// What the POS gets at once: the request ids it will hear back about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ack {
    /// One `(requestId, paymentProcessorId)` per operation; several with pre-loaded accounts.
    pub requests: Vec<(String, Option<String>)>,
    /// Pre-loaded accounts were sent: answer with the `results` array.
    pub batch: bool,
}

/// Validates an envelope, stores it and starts the work. Returns once the row is durable.
pub async fn accept(engine: &Engine, env: Envelope) -> Result<Ack, ExtError> {
    let p = &env.payload;
    if p.request_id.trim().is_empty() || p.request_id.len() > 100 {
        return Err(ExtError::Invalid("payload.requestId: 1 to 100 characters".into()));
    }
    callbacks::check_url(engine, "callbackUrl", &env.callback_url).await?;
    if let Some(status) = &env.status_url {
        callbacks::check_url(engine, "statusUrl", status).await?;
    }
    match env.action {
        SvAction::Create => {
            p.kind
                .as_deref()
                .filter(|k| ["GiftCard", "ReturnCard", "Promotional"].contains(k))
                .ok_or_else(|| ExtError::Invalid("payload.type must be GiftCard, ReturnCard or Promotional".into()))?;
            p.status
                .as_deref()
                .filter(|s| ["Active", "Inactive"].contains(s))
                .ok_or_else(|| ExtError::Invalid("payload.status must be Active or Inactive".into()))?;
            p.balance.as_ref().ok_or_else(|| ExtError::Invalid("payload.balance is required".into()))?;
        }
        SvAction::Lookup => {}
        SvAction::Process => match p.action.as_deref() {
            Some("Load" | "Redeem") if p.amount.is_none() => {
                return Err(ExtError::Invalid("payload.amount is required for Load and Redeem".into()));
            }
            Some("Load" | "Redeem") => {}
            Some("Cancel") if p.external_transaction_id.is_none() || p.external_payment_id.is_none() => {
                return Err(ExtError::Invalid(
                    "Cancel needs payload.external_transaction_id and payload.external_payment_id".into(),
                ));
            }
            Some("Cancel") => {}
            _ => return Err(ExtError::Invalid("payload.action must be Load, Redeem or Cancel".into())),
        },
    }
    let accounts = p.accounts.clone().filter(|a| !a.is_empty());
    if accounts.is_none() && p.number.as_deref().is_none_or(|n| n.trim().is_empty()) && env.action != SvAction::Create {
        return Err(ExtError::Invalid("payload.number is required".into()));
    }
    // One operation per pre-loaded account, each with its own request id `<requestId>:<n>`.
    let batch = accounts.is_some();
    let subs: Vec<(Payload, Option<String>)> = match accounts {
        None => vec![(p.clone(), None)],
        Some(list) => list
            .into_iter()
            .enumerate()
            .map(|(i, a)| {
                let mut sub = p.clone();
                sub.request_id = format!("{}:{}", p.request_id, i + 1);
                sub.number = Some(a.number);
                sub.pin = a.pin.or(sub.pin);
                sub.accounts = None;
                (sub, a.payment_processor_id)
            })
            .collect(),
    };
    let now = engine.now_ns();
    let tenant = tenants::find(engine, Some(&env.tenant))?;
    let cfg = config(engine)?.callbacks;
    let rows: Vec<repo::SvRequest> = subs
        .iter()
        .map(|(sub, _)| repo::SvRequest {
            tenant: env.tenant.clone(),
            request_id: sub.request_id.clone(),
            action: env.action.as_str().into(),
            fingerprint: env.fingerprint.clone(),
            payload: serde_json::to_string(sub).unwrap_or_default(),
            callback_url: Some(env.callback_url.clone()),
            status_url: env.status_url.clone(),
            correlation_id: env.correlation_id.clone(),
            state: "accepted".into(),
            result: None,
            status_sent: false,
            created_at: now,
        })
        .collect();
    let fresh = engine
        .ledger()
        .write(move |tx| {
            let mut fresh = Vec::new();
            for row in rows {
                match repo::sv_request(tx.sql(), &row.tenant, &row.request_id)? {
                    Some(old) if old.fingerprint != row.fingerprint => {
                        return Err(ExtError::Conflict(format!(
                            "requestId {:?} was already used for a different request.",
                            row.request_id
                        )));
                    }
                    Some(old) => {
                        // The same request again: once done, send the same result again.
                        if let (Some(result), Some(url)) = (&old.result, &old.callback_url) {
                            let correlation_id = row.correlation_id.as_deref().or(old.correlation_id.as_deref());
                            let c = callbacks::Callback { tenant: &tenant, url, body: result, correlation_id };
                            callbacks::enqueue(tx.sql(), tx.now(), &cfg, &c)?;
                        }
                    }
                    None => {
                        repo::insert_sv_request(tx.sql(), &row)?;
                        fresh.push(row);
                    }
                }
            }
            Ok::<_, ExtError>(fresh)
        })
        .await?;
    for row in fresh {
        let engine = engine.clone();
        tokio::spawn(async move {
            if let Err(e) = process(&engine, row).await {
                // The row stays `accepted`; the background worker tries again.
                tracing::warn!("stored value work: {e}");
            }
        });
    }
    Ok(Ack { requests: subs.into_iter().map(|(s, pp)| (s.request_id, pp)).collect(), batch })
}

/// The callback body: `{"requestId","result","error","data"}`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SvResult {
    #[serde(rename = "requestId")]
    pub request_id: String,
    pub result: String,
    pub error: Option<String>,
    pub data: Option<SvData>,
}

/// The card as the callback shows it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SvData {
    pub number: String,
    #[serde(rename = "type")]
    pub kind: String,
    pub status: String,
    pub balance: MinorObject,
    pub external_transaction_id: Option<String>,
    pub external_payment_id: Option<String>,
}

/// Works on every envelope still `accepted` (after a restart, or when a spawned task failed).
pub async fn process_accepted(engine: &Engine) -> Result<usize, ExtError> {
    let rows = engine.ledger().read_sql(|sql| Ok::<_, ExtError>(repo::sv_accepted(sql, 32)?))?;
    let n = rows.len();
    for row in rows {
        process(engine, row).await?;
    }
    Ok(n)
}

async fn process(engine: &Engine, row: repo::SvRequest) -> Result<(), ExtError> {
    let cfg = config(engine)?.callbacks;
    let tenant = tenants::find(engine, Some(&row.tenant))?;
    let now = engine.now_ns();
    let waited_ms = now.saturating_sub(row.created_at) / 1_000_000;
    if let Some(url) = row.status_url.clone().filter(|_| !row.status_sent && waited_ms >= cfg.status_after_ms as i64) {
        let body = serde_json::json!({"requestId": row.request_id, "status": "Processing"}).to_string();
        let (r, t, cfg) = (row.clone(), tenant.clone(), cfg.clone());
        engine
            .ledger()
            .write(move |tx| {
                if repo::mark_status_sent(tx.sql(), &r.tenant, &r.request_id)? {
                    let c = callbacks::Callback {
                        tenant: &t,
                        url: &url,
                        body: &body,
                        correlation_id: r.correlation_id.as_deref(),
                    };
                    callbacks::enqueue(tx.sql(), tx.now(), &cfg, &c)?;
                }
                Ok::<(), ExtError>(())
            })
            .await?;
    }
    let payload: Payload =
        serde_json::from_str(&row.payload).map_err(|e| ExtError::Internal(format!("stored payload: {e}")))?;
    let action = SvAction::parse(&row.action).ok_or_else(|| ExtError::Internal("stored action".into()))?;
    let (result, op) = work(engine, &row.tenant, action, &payload).await?;
    let body = serde_json::to_string(&result).map_err(|e| ExtError::Internal(e.to_string()))?;
    engine
        .ledger()
        .write(move |tx| {
            if let Some((number, kind, issuer, customer)) = &op.card_type {
                repo::insert_sv_card(tx.sql(), number, kind, issuer.as_deref(), customer.as_deref(), now)?;
            }
            if let Some((payment_id, number, action, px)) = &op.operation {
                repo::insert_sv_op(tx.sql(), payment_id, &row.tenant, number, action, px)?;
            }
            if repo::finish_sv_request(tx.sql(), &row.tenant, &row.request_id, &body)?
                && let Some(url) = &row.callback_url
            {
                let c = callbacks::Callback {
                    tenant: &tenant,
                    url,
                    body: &body,
                    correlation_id: row.correlation_id.as_deref(),
                };
                callbacks::enqueue(tx.sql(), tx.now(), &cfg, &c)?;
            }
            Ok::<(), ExtError>(())
        })
        .await
}

/// Rows the result's write adds besides the result.
#[derive(Default)]
struct Effects {
    /// (number, type, issuer, customer_id) of a card created here.
    card_type: Option<(String, String, Option<String>, Option<String>)>,
    /// (payment id, number, action, px) of a load or redeem, for a later Cancel.
    operation: Option<(String, String, String, String)>,
}

fn failure(request_id: &str, error: impl Into<String>) -> SvResult {
    SvResult { request_id: request_id.into(), result: "Failure".into(), error: Some(error.into()), data: None }
}

fn decline_text(d: &Decline) -> String {
    format!("{}: {}", d.code(), d.message())
}

fn setup(engine: &Engine) -> Result<Setup, ExtError> {
    Ok(Setup::from_engine(engine)?)
}

fn meta(setup: &Setup, tenant: &str, p: &Payload, ext: String) -> Meta {
    Meta {
        merchant_id: setup.merchant_id,
        store_code: setup.store_code(),
        terminal_id: p.workstation_id.clone().or_else(|| p.location_id.clone()).map(|w| format!("instore:{w}")),
        cashier: None,
        check_number: None,
        external_id: Some(ext),
        principal: format!("instore:{tenant}"),
        approver: None,
    }
}

/// The gift `externalTransactionId` of a stored-value request.
pub fn payment_id(tenant: &str, request_id: &str) -> String {
    format!("instore:{tenant}:{request_id}")
}

fn amount_of(o: &MinorObject, program_currency: Currency) -> Result<Money, String> {
    let m = Money::from_minor_object(o).map_err(|e| format!("invalid_amount: {e}"))?;
    if m.currency() != program_currency {
        return Err(format!(
            "currency_not_accepted: the store's gift cards are in {}, not {}",
            program_currency.code(),
            m.currency().code()
        ));
    }
    Ok(m)
}

fn status_of(state: CardState) -> &'static str {
    if state == CardState::Active { "Active" } else { "Inactive" }
}

/// The card's data after an operation, from the gift reply's balance and the card's row.
fn data_of(
    engine: &Engine,
    setup: &Setup,
    number: &str,
    balance: &str,
    ext: Option<(String, String)>,
) -> Result<SvData, ExtError> {
    let program = &setup.program;
    let balance = Money::parse(balance, program.currency).unwrap_or(Money::zero(program.currency));
    let n = number.to_string();
    let kind = engine.ledger().read_sql(|sql| Ok::<_, ExtError>(repo::sv_card_type(sql, &n)?))?;
    let state =
        engine.ledger().read_sql(|sql| cards::load_card(sql, number))?.map(|c| c.state).unwrap_or(CardState::Inactive);
    let (tx_id, pay_id) = ext.map_or((None, None), |(a, b)| (Some(a), Some(b)));
    Ok(SvData {
        number: number.into(),
        kind: kind.unwrap_or_else(|| "GiftCard".into()),
        status: status_of(state).into(),
        balance: balance.to_minor_object(),
        external_transaction_id: tx_id,
        external_payment_id: pay_id,
    })
}

async fn work(engine: &Engine, tenant: &str, action: SvAction, p: &Payload) -> Result<(SvResult, Effects), ExtError> {
    let setup = setup(engine)?;
    let rid = p.request_id.clone();
    let ext = payment_id(tenant, &rid);
    let number = p.number.clone().unwrap_or_default();
    let card =
        CardInfo { printed_card_number: Some(number.clone()), card_reg_code: p.pin.clone(), ..CardInfo::default() };
    let run = |r: Result<gift::Success, GiftError>| -> Result<Result<gift::Success, String>, ExtError> {
        match r {
            Ok(s) => Ok(Ok(s)),
            Err(GiftError::Declined(d)) => Ok(Err(decline_text(&d))),
            Err(GiftError::Internal(e)) => Err(ExtError::Internal(e)),
        }
    };
    let mut effects = Effects::default();
    let result = match action {
        SvAction::Create => {
            let balance = p.balance.clone().unwrap_or(MinorObject { amount: 0, precision: 2, currency: String::new() });
            let amount = match amount_of(&balance, setup.program.currency) {
                Ok(m) => m,
                Err(e) => return Ok((failure(&rid, e), effects)),
            };
            let active = p.status.as_deref() == Some("Active");
            let kind = p.kind.clone().unwrap_or_else(|| "GiftCard".into());
            if amount.minor() < 0 {
                return Ok((failure(&rid, "invalid_balance: a card cannot start below zero"), effects));
            }
            let m = meta(&setup, tenant, p, ext.clone());
            let reply = if amount.minor() > 0 {
                let sold = run(gift::execute(engine, m, Op::Sell { card: None, amount, tender: Tender::Card }).await)?;
                match sold {
                    // Inactive with an opening balance: issued with its value, then held until the
                    // store activates it (`/gift/activate.json`). Its number is known to nobody
                    // before this request's callback, so the moment it is active is harmless; a
                    // retry finds both steps done (each replays by its external id).
                    Ok(s) if !active => {
                        let hold = meta(&setup, tenant, p, format!("{ext}:inactive"));
                        let card = CardInfo {
                            printed_card_number: Some(s.printed_card_number.clone()),
                            ..CardInfo::default()
                        };
                        run(gift::execute(engine, hold, Op::Deactivate { card }).await)?
                    }
                    other => other,
                }
            } else {
                let number = register_for(engine, &setup, tenant, &rid).await?;
                if active {
                    let card = CardInfo { printed_card_number: Some(number.clone()), ..CardInfo::default() };
                    run(gift::execute(engine, m, Op::Activate { card }).await)?
                } else {
                    effects.card_type = Some((number.clone(), kind.clone(), p.issuer.clone(), p.customer_id.clone()));
                    let mut data = data_of(engine, &setup, &number, "0", None)?;
                    data.kind = kind;
                    return Ok((success(&rid, data), effects));
                }
            };
            match reply {
                Ok(s) => {
                    effects.card_type =
                        Some((s.printed_card_number.clone(), kind.clone(), p.issuer.clone(), p.customer_id.clone()));
                    let mut data = data_of(engine, &setup, &s.printed_card_number, &s.current_balance, None)?;
                    data.kind = kind;
                    success(&rid, data)
                }
                Err(e) => failure(&rid, e),
            }
        }
        SvAction::Lookup => {
            let m = meta(&setup, tenant, p, ext.clone());
            match run(gift::balance(engine, m, card).await)? {
                Ok(s) => success(&rid, data_of(engine, &setup, &number, &s.current_balance, None)?),
                Err(e) if e.starts_with("card_inactive") || e.starts_with("card_deactivated") => {
                    // Not usable yet (or blocked): its status and what it holds, unless a PIN guards
                    // that and cannot be checked on a card that is not active.
                    match idle_balance(engine, &setup, &number)? {
                        Some(b) => success(&rid, data_of(engine, &setup, &number, &b, None)?),
                        None => failure(&rid, e),
                    }
                }
                Err(e) => failure(&rid, e),
            }
        }
        SvAction::Process => {
            let m = meta(&setup, tenant, p, ext.clone());
            match p.action.as_deref() {
                Some(a @ ("Load" | "Redeem")) => {
                    let o =
                        p.amount.clone().unwrap_or(MinorObject { amount: 0, precision: 2, currency: String::new() });
                    let amount = match amount_of(&o, setup.program.currency) {
                        Ok(m) => m,
                        Err(e) => return Ok((failure(&rid, e), effects)),
                    };
                    let op = if a == "Load" {
                        Op::Reload { card, amount, tender: Tender::Card }
                    } else {
                        Op::Redeem { card, amount, tip: Money::zero(amount.currency()), allow_partial: false }
                    };
                    match run(gift::execute(engine, m, op).await)? {
                        Ok(s) => {
                            let px = s.px_transaction_id.to_string();
                            effects.operation = Some((ext.clone(), number.clone(), a.into(), px.clone()));
                            success(&rid, data_of(engine, &setup, &number, &s.current_balance, Some((px, ext)))?)
                        }
                        Err(e) => failure(&rid, e),
                    }
                }
                _ => {
                    let pay = p.external_payment_id.clone().unwrap_or_default();
                    let tx_id = p.external_transaction_id.clone().unwrap_or_default();
                    let t = tenant.to_string();
                    let pay_q = pay.clone();
                    let op = engine.ledger().read_sql(move |sql| Ok::<_, ExtError>(repo::sv_op(sql, &t, &pay_q)?))?;
                    match op {
                        Some((n, px)) if n == number && px == tx_id => {
                            let px_num = px.parse::<i64>().ok();
                            match run(gift::reverse(engine, m, px_num, Some(pay.clone())).await)? {
                                Ok(s) => success(
                                    &rid,
                                    data_of(engine, &setup, &number, &s.current_balance, Some((px, pay)))?,
                                ),
                                Err(e) => failure(&rid, e),
                            }
                        }
                        _ => failure(
                            &rid,
                            "transaction_not_found: no Load or Redeem of this card has these external ids",
                        ),
                    }
                }
            }
        }
    };
    Ok((result, effects))
}

/// The balance (major units text) of a card that is not active, when no PIN guards it.
fn idle_balance(engine: &Engine, setup: &Setup, number: &str) -> Result<Option<String>, ExtError> {
    let Some(card) = engine.ledger().read_sql(|sql| cards::load_card(sql, number))? else {
        return Ok(None);
    };
    if card.has_pin() {
        return Ok(None);
    }
    let program = &setup.program;
    let accounts = engine.ledger().lookup_accounts(&[program.account_of(number)])?;
    let minor = accounts.first().map_or(0, |a| i64::try_from(a.credit_balance()).unwrap_or(0));
    Ok(Some(Money::from_minor(minor, program.currency).to_plain_string()))
}

fn success(request_id: &str, data: SvData) -> SvResult {
    SvResult { request_id: request_id.into(), result: "Success".into(), error: None, data: Some(data) }
}

/// Registers a new inactive card for a create request: its number is drawn from a generator
/// seeded with the request, so working on the request again finds the same card.
async fn register_for(engine: &Engine, setup: &Setup, tenant: &str, request_id: &str) -> Result<String, ExtError> {
    let program = setup.program.clone();
    let seed = crate::engine::accounts::transfer_id(&format!("instore:sv:create:{tenant}:{request_id}"));
    engine
        .ledger()
        .write(move |tx| {
            let mut rng = rand::rngs::StdRng::seed_from_u64(seed as u64);
            for _ in 0..16 {
                let n = program.random_number(&mut rng);
                if cards::register(tx, &program, &n, true)? {
                    return Ok(n);
                }
                // Taken: by an earlier attempt at this very request when it is still an inactive
                // card nobody else created; otherwise draw the next number.
                let mine = repo::sv_card_type(tx.sql(), &n)?.is_none()
                    && cards::load_card(tx.sql(), &n)?.is_some_and(|c| c.state == CardState::Inactive);
                if mine {
                    return Ok(n);
                }
            }
            Err(ExtError::Internal("no free card number".into()))
        })
        .await
}

/// One line of a card's log (`storedvaluelog/{number}`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogEntry {
    /// Load, Redeem, Cancel, CashOut, Exchange, Refund, Tip.
    pub action: String,
    /// Signed: positive adds to the card.
    pub amount: Money,
    pub balance: Money,
    /// Nanoseconds since the Unix epoch.
    pub timestamp: u64,
}

/// The card's movements, oldest first (at most the 500 most recent pages' worth: 8190 rows).
pub fn log(engine: &Engine, number: &str) -> Result<Option<Vec<LogEntry>>, ExtError> {
    let setup = setup(engine)?;
    let program = &setup.program;
    let Ok(number) = program.check_number(number) else {
        return Ok(None);
    };
    if engine.ledger().read_sql(|sql| cards::load_card(sql, &number))?.is_none() {
        return Ok(None);
    }
    let account = program.account_of(&number);
    let page = engine.ledger().account_history(account, None, 8190)?;
    let cur = program.currency;
    let entries = page
        .items
        .into_iter()
        .map(|h| {
            let t = &h.transfer;
            let amount = i64::try_from(t.amount).unwrap_or(i64::MAX);
            let signed = if t.credit_account_id == account { amount } else { -amount };
            let balance = i64::try_from(i128::from(h.credits_posted) - i128::from(h.debits_posted)).unwrap_or(0);
            let action = match t.code {
                transfer_code::GIFT_SELL | transfer_code::GIFT_RELOAD => "Load",
                transfer_code::GIFT_REDEEM => "Redeem",
                transfer_code::GIFT_TIP => "Tip",
                transfer_code::GIFT_REVERSE => "Cancel",
                transfer_code::GIFT_CASH_OUT => "CashOut",
                transfer_code::GIFT_EXCHANGE => "Exchange",
                transfer_code::GIFT_REFUND => "Refund",
                _ => "Other",
            };
            LogEntry {
                action: action.into(),
                amount: Money::from_minor(signed, cur),
                balance: Money::from_minor(balance, cur),
                timestamp: t.timestamp,
            }
        })
        .collect();
    Ok(Some(entries))
}
