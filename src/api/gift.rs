//! `/gift/*.json`: the gift service of `gift-service-api.txt`, plus the terminal operations of
//! `terminal-gift-cards.txt` (activate, deactivate, refund) in the same style.
//!
//! Every route needs `Authorization: Bearer <token>`. Replies are the seed's Success object (200)
//! or its Failure object with a 4xx status:
//!
//! | status | errorCode                                                                            |
//! |--------|--------------------------------------------------------------------------------------|
//! | 400    | `invalid_request` (missing, mistyped or too long field; bad, negative, zero or over-precise amount), `invalid_card_number`, `unsupported_card_identifier` |
//! | 401    | `unauthorized` (missing or wrong token)                                              |
//! | 403    | `invalid_pin` (wrong or missing `cardRegCode` on a card that has a PIN)              |
//! | 404    | `card_not_found`, `transaction_not_found`, `not_found` (no such route)               |
//! | 409    | `card_inactive`, `card_already_active`, `card_deactivated`, `card_closed`, `card_expired`, `duplicate_transaction_id`, `transaction_reversed`, `not_reversible` |
//! | 413    | `body_too_large`                                                                     |
//! | 422    | `unknown_merchant`, `unknown_store`, `insufficient_funds`, `amount_below_minimum`, `amount_above_maximum`, `balance_limit_exceeded`, `cash_out_not_allowed`, `nothing_to_cash_out`, `refund_exceeds_redeemed`, `phone_already_registered` |
//! | 423    | `card_locked` (a PIN cool-down: 3 wrong from this caller, or 10 on the card, 15 min) |
//!
//! Additions to the seed, all optional: `tender` (`cash` default, or `card`) on sell, reload and
//! cashOut; `allowPartial` on redeem; `externalTransactionId` also on exchange, activate,
//! deactivate and refund; refund's `pxTransactionId` names the redeem being refunded. A sell
//! without `cardInfo` (or with only `phoneNumber`) issues a new e-gift card.

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use axum::{Json, Router};
use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};

use super::AppState;
use super::access;
use super::auth::Principal;
use super::error::{GiftFailure, GiftJson};
use crate::engine::cards::{CardInfo, Program};
use crate::engine::gift::{self, Decline, GiftError, Meta, Op, Tender};
use crate::engine::roles::{self, Act};
use crate::money::{Money, MoneyError};
use crate::wire::error::FailureBody;
use crate::wire::gift::{
    Amount, BalanceRequest, CardInfoWire, CardRequest, CashOutRequest, ExchangeRequest, RedeemRequest, RefundRequest,
    ReloadRequest, ReverseRequest, SellRequest, Success, Tender as WireTender,
};

/// Checks the lengths of a CardInfo's fields; `field` names it in the message.
fn check_card(card: &CardInfoWire, field: &str) -> Result<(), GiftFailure> {
    let f = |name: &str| format!("{field}.{name}");
    max_len(&f("printedCardNumber"), &card.printed_card_number, 64)?;
    max_len(&f("trackInfo"), &card.track_info, 128)?;
    max_len(&f("barcode"), &card.barcode, 128)?;
    max_len(&f("phoneNumber"), &card.phone_number, 32)?;
    max_len(&f("appleNfcVasPayload"), &card.apple_nfc_vas_payload, 4096)?;
    max_len(&f("googleNfcVasPayload"), &card.google_nfc_vas_payload, 4096)?;
    max_len(&f("accountToken"), &card.account_token, 256)?;
    max_len(&f("cardRegCode"), &card.card_reg_code, 32)
}

/// The engine's CardInfo of a wire one; an identifier this till does not take is named, so the
/// engine declines it as `unsupported_card_identifier`.
fn card_domain(card: &CardInfoWire) -> CardInfo {
    let unsupported = if card.apple_nfc_vas_payload.is_some() {
        Some("appleNfcVasPayload")
    } else if card.google_nfc_vas_payload.is_some() {
        Some("googleNfcVasPayload")
    } else if card.account_token.is_some() {
        Some("accountToken")
    } else {
        None
    };
    CardInfo {
        printed_card_number: card.printed_card_number.clone(),
        track_info: card.track_info.clone(),
        barcode: card.barcode.clone(),
        phone_number: card.phone_number.clone(),
        unsupported,
        card_reg_code: card.card_reg_code.clone(),
    }
}

/// The engine's tender of a wire one (`cash` when the request names none).
fn tender(t: Option<WireTender>) -> Tender {
    match t {
        None | Some(WireTender::Cash) => Tender::Cash,
        Some(WireTender::Card) => Tender::Card,
    }
}

/// The Success object as sent: the engine's result, field for field.
impl From<gift::Success> for Success {
    fn from(s: gift::Success) -> Success {
        Success {
            result: s.result,
            px_transaction_id: s.px_transaction_id,
            px_auth_code: s.px_auth_code,
            current_balance: s.current_balance,
            previous_balance: s.previous_balance,
            transaction_amount: s.transaction_amount,
            printed_card_number: s.printed_card_number,
            masked_card_number: s.masked_card_number,
            customer_name: s.customer_name,
            card_template_code: s.card_template_code,
            card_template_name: s.card_template_name,
            tier_code: s.tier_code,
            tier_name: s.tier_name,
            pos_messages: s.pos_messages,
        }
    }
}

fn max_len(name: &str, v: &Option<String>, max: usize) -> Result<(), GiftFailure> {
    match v {
        Some(s) if s.chars().count() > max => {
            Err(GiftFailure::invalid(format!("{name} is longer than {max} characters.")))
        }
        _ => Ok(()),
    }
}

/// Fields every request carries, checked the same way everywhere.
struct Common<'a> {
    merchant_id: i64,
    store_code: &'a str,
    check_number: &'a Option<String>,
    cashier: &'a Option<String>,
    terminal_id: &'a Option<String>,
    external_transaction_id: &'a Option<String>,
}

impl Common<'_> {
    fn meta(&self, principal: &Principal) -> Result<Meta, GiftFailure> {
        if self.store_code.trim().is_empty() {
            return Err(GiftFailure::invalid("storeCode must not be empty."));
        }
        max_len("storeCode", &Some(self.store_code.to_string()), 64)?;
        max_len("checkNumber", self.check_number, 255)?;
        max_len("cashier", self.cashier, 100)?;
        max_len("terminalId", self.terminal_id, 100)?;
        max_len("externalTransactionId", self.external_transaction_id, 128)?;
        if self.external_transaction_id.as_deref().is_some_and(|e| e.trim().is_empty()) {
            return Err(GiftFailure::invalid("externalTransactionId must not be empty when given."));
        }
        Ok(Meta {
            merchant_id: self.merchant_id,
            store_code: self.store_code.to_string(),
            terminal_id: self.terminal_id.clone(),
            cashier: self.cashier.clone(),
            check_number: self.check_number.clone(),
            external_id: self.external_transaction_id.clone(),
            principal: principal.label(),
            approver: None,
        })
    }
}

macro_rules! common {
    ($r:expr) => {
        Common {
            merchant_id: $r.merchant_id,
            store_code: &$r.store_code,
            check_number: &$r.check_number,
            cashier: &$r.cashier,
            terminal_id: &$r.terminal_id,
            external_transaction_id: &$r.external_transaction_id,
        }
    };
}

/// The HTTP status of each decline (the table in this module's docs).
pub fn decline_status(d: &Decline) -> StatusCode {
    StatusCode::from_u16(d.http_status()).unwrap_or(StatusCode::UNPROCESSABLE_ENTITY)
}

impl From<GiftError> for GiftFailure {
    fn from(e: GiftError) -> GiftFailure {
        match e {
            GiftError::Declined(d) => GiftFailure::new(decline_status(&d), d.code(), d.message()),
            GiftError::Internal(m) => GiftFailure::internal(&m),
        }
    }
}

impl From<Decline> for GiftFailure {
    fn from(d: Decline) -> GiftFailure {
        GiftFailure::new(decline_status(&d), d.code(), d.message())
    }
}

/// Reads an amount in the program's currency: plain decimal, not negative, not over-precise.
fn money(program: &Program, field: &str, a: &Amount) -> Result<Money, GiftFailure> {
    if a.0.chars().count() > 32 {
        return Err(GiftFailure::invalid(format!("{field} is not a decimal amount.")));
    }
    if a.0.trim() != a.0 {
        return Err(GiftFailure::invalid(format!("{field} must not have spaces around it; got {:?}.", a.0)));
    }
    let m = Money::parse(&a.0, program.currency).map_err(|e| {
        GiftFailure::invalid(match e {
            MoneyError::TooPrecise { allowed, currency, .. } => {
                format!("{field} has more than {allowed} decimals, which {currency} does not have.")
            }
            MoneyError::Overflow => format!("{field} is too large."),
            _ => format!("{field} must be a plain decimal amount such as \"25.00\"; got {:?}.", a.0),
        })
    })?;
    if m.is_negative() {
        return Err(GiftFailure::invalid(format!("{field} must not be negative.")));
    }
    Ok(m)
}

fn program(state: &AppState) -> Result<Program, GiftFailure> {
    gift::program(&state.engine).map_err(GiftFailure::from)
}

type Reply = Result<Json<Success>, GiftFailure>;

fn log_outcome(op: &str, meta_store: &str, result: &Result<gift::Success, GiftError>) {
    match result {
        Ok(s) => {
            tracing::info!(op, store = meta_store, px = s.px_transaction_id, card = %s.masked_card_number, "gift ok")
        }
        Err(GiftError::Declined(d)) => tracing::info!(op, store = meta_store, code = d.code(), "gift declined"),
        Err(GiftError::Internal(_)) => {}
    }
}

async fn run(state: &AppState, meta: Meta, op: Op) -> Reply {
    let name = op.name();
    let store = meta.store_code.clone();
    let result = gift::execute(&state.engine, meta, op).await;
    log_outcome(name, &store, &result);
    result.map(|s| Json(Success::from(s))).map_err(GiftFailure::from)
}

#[utoipa::path(post, path = "/gift/sell.json", tag = "gift", request_body = SellRequest,
    description = "Activates an inactive card and loads it (or issues a new e-gift card when no card is given).",
    responses((status = 200, body = Success), (status = "4XX", body = FailureBody)),
    security(("bearer" = [])))]
async fn sell(State(state): State<AppState>, principal: Principal, GiftJson(r): GiftJson<SellRequest>) -> Reply {
    let meta = common!(r).meta(&principal)?;
    if let Some(c) = &r.card_info {
        check_card(c, "cardInfo")?;
    }
    let p = program(&state)?;
    let amount = money(&p, "amount", &r.amount)?;
    let card = r.card_info.as_ref().map(card_domain);
    run(&state, meta, Op::Sell { card, amount, tender: tender(r.tender) }).await
}

#[utoipa::path(post, path = "/gift/reload.json", tag = "gift", request_body = ReloadRequest,
    description = "Adds value to an active card.",
    responses((status = 200, body = Success), (status = "4XX", body = FailureBody)),
    security(("bearer" = [])))]
async fn reload(State(state): State<AppState>, principal: Principal, GiftJson(r): GiftJson<ReloadRequest>) -> Reply {
    let meta = common!(r).meta(&principal)?;
    check_card(&r.card_info, "cardInfo")?;
    let p = program(&state)?;
    let amount = money(&p, "amount", &r.amount)?;
    run(&state, meta, Op::Reload { card: card_domain(&r.card_info), amount, tender: tender(r.tender) }).await
}

#[utoipa::path(post, path = "/gift/balance.json", tag = "gift", request_body = BalanceRequest,
    description = "Retrieves the balance of a gift card. Changes nothing (a wrong PIN is counted).",
    responses((status = 200, body = Success), (status = "4XX", body = FailureBody)),
    security(("bearer" = [])))]
async fn balance(State(state): State<AppState>, principal: Principal, GiftJson(r): GiftJson<BalanceRequest>) -> Reply {
    let meta = common!(r).meta(&principal)?;
    check_card(&r.card_info, "cardInfo")?;
    let result = gift::balance(&state.engine, meta, card_domain(&r.card_info)).await;
    log_outcome("balance", &r.store_code, &result);
    result.map(|s| Json(Success::from(s))).map_err(GiftFailure::from)
}

#[utoipa::path(post, path = "/gift/redeem.json", tag = "gift", request_body = RedeemRequest,
    description = "Redeems amount + tip off a gift card; partially only with allowPartial.",
    responses((status = 200, body = Success), (status = "4XX", body = FailureBody)),
    security(("bearer" = [])))]
async fn redeem(State(state): State<AppState>, principal: Principal, GiftJson(r): GiftJson<RedeemRequest>) -> Reply {
    let meta = common!(r).meta(&principal)?;
    check_card(&r.card_info, "cardInfo")?;
    let p = program(&state)?;
    let amount = money(&p, "amount", &r.amount)?;
    let tip = match &r.tip {
        Some(t) => money(&p, "tip", t)?,
        None => Money::zero(p.currency),
    };
    let op =
        Op::Redeem { card: card_domain(&r.card_info), amount, tip, allow_partial: r.allow_partial.unwrap_or(false) };
    run(&state, meta, op).await
}

#[utoipa::path(post, path = "/gift/reverse.json", tag = "gift", request_body = ReverseRequest,
    description = "Reverses a transaction by pxTransactionId or externalTransactionId. Reversing twice changes \
        nothing; reversing an unseen externalTransactionId answers transaction_not_found and blocks that id.",
    responses((status = 200, body = Success), (status = "4XX", body = FailureBody)),
    security(("bearer" = [])))]
async fn reverse(
    State(state): State<AppState>,
    principal: Principal,
    headers: HeaderMap,
    GiftJson(r): GiftJson<ReverseRequest>,
) -> Reply {
    let none = None;
    let mut meta = Common {
        merchant_id: r.merchant_id,
        store_code: &r.store_code,
        check_number: &r.check_number,
        cashier: &r.cashier,
        terminal_id: &r.terminal_id,
        external_transaction_id: &none,
    }
    .meta(&principal)?;
    max_len("externalTransactionId", &r.external_transaction_id, 128)?;
    if r.px_transaction_id.is_some_and(|p| p <= 0) {
        return Err(GiftFailure::invalid("pxTransactionId must be a positive integer."));
    }
    let ext = r.external_transaction_id.clone().filter(|e| !e.trim().is_empty());
    // A cashier undoes what was just done; an older operation needs a manager (engine::roles).
    let age = gift::age_secs(&state.engine, r.px_transaction_id, ext.clone()).await.map_err(GiftFailure::from)?;
    if let Some(act) = roles::reverse_act(age) {
        meta.approver = access::approve(&state, &principal, &headers, act).await?;
    }
    let result = gift::reverse(&state.engine, meta, r.px_transaction_id, ext).await;
    log_outcome("reverse", &r.store_code, &result);
    result.map(|s| Json(Success::from(s))).map_err(GiftFailure::from)
}

#[utoipa::path(post, path = "/gift/cashOut.json", tag = "gift", request_body = CashOutRequest,
    description = "Pays the whole balance out in cash, under the program's cash-out rule.",
    responses((status = 200, body = Success), (status = "4XX", body = FailureBody)),
    security(("bearer" = [])))]
async fn cash_out(
    State(state): State<AppState>,
    principal: Principal,
    headers: HeaderMap,
    GiftJson(r): GiftJson<CashOutRequest>,
) -> Reply {
    let mut meta = common!(r).meta(&principal)?;
    check_card(&r.card_info, "cardInfo")?;
    meta.approver = access::approve(&state, &principal, &headers, Act::CashOut).await?;
    run(&state, meta, Op::CashOut { card: card_domain(&r.card_info), tender: tender(r.tender) }).await
}

#[utoipa::path(post, path = "/gift/exchange.json", tag = "gift", request_body = ExchangeRequest,
    description = "Moves the whole balance to an inactive card and closes the old card.",
    responses((status = 200, body = Success), (status = "4XX", body = FailureBody)),
    security(("bearer" = [])))]
async fn exchange(
    State(state): State<AppState>,
    principal: Principal,
    GiftJson(r): GiftJson<ExchangeRequest>,
) -> Reply {
    let meta = common!(r).meta(&principal)?;
    check_card(&r.card_info, "cardInfo")?;
    check_card(&r.new_card_info, "newCardInfo")?;
    run(&state, meta, Op::Exchange { card: card_domain(&r.card_info), new_card: card_domain(&r.new_card_info) }).await
}

#[utoipa::path(post, path = "/gift/activate.json", tag = "gift", request_body = CardRequest,
    description = "Activates an inactive (or deactivated) card without loading it; also lifts a PIN lock.",
    responses((status = 200, body = Success), (status = "4XX", body = FailureBody)),
    security(("bearer" = [])))]
async fn activate(
    State(state): State<AppState>,
    principal: Principal,
    headers: HeaderMap,
    GiftJson(r): GiftJson<CardRequest>,
) -> Reply {
    let mut meta = common!(r).meta(&principal)?;
    check_card(&r.card_info, "cardInfo")?;
    meta.approver = access::approve(&state, &principal, &headers, Act::Activate).await?;
    run(&state, meta, Op::Activate { card: card_domain(&r.card_info) }).await
}

#[utoipa::path(post, path = "/gift/deactivate.json", tag = "gift", request_body = CardRequest,
    description = "Blocks a card; its balance is kept (still owed) until it is activated again.",
    responses((status = 200, body = Success), (status = "4XX", body = FailureBody)),
    security(("bearer" = [])))]
async fn deactivate(
    State(state): State<AppState>,
    principal: Principal,
    headers: HeaderMap,
    GiftJson(r): GiftJson<CardRequest>,
) -> Reply {
    let mut meta = common!(r).meta(&principal)?;
    check_card(&r.card_info, "cardInfo")?;
    meta.approver = access::approve(&state, &principal, &headers, Act::Deactivate).await?;
    run(&state, meta, Op::Deactivate { card: card_domain(&r.card_info) }).await
}

#[utoipa::path(post, path = "/gift/refund.json", tag = "gift", request_body = RefundRequest,
    description = "Returns money to the card against an earlier redeem (never more than it took).",
    responses((status = 200, body = Success), (status = "4XX", body = FailureBody)),
    security(("bearer" = [])))]
async fn refund(
    State(state): State<AppState>,
    principal: Principal,
    headers: HeaderMap,
    GiftJson(r): GiftJson<RefundRequest>,
) -> Reply {
    let mut meta = common!(r).meta(&principal)?;
    check_card(&r.card_info, "cardInfo")?;
    meta.approver = access::approve(&state, &principal, &headers, Act::Refund).await?;
    let p = program(&state)?;
    let amount = money(&p, "amount", &r.amount)?;
    let op = Op::Refund { card: card_domain(&r.card_info), amount, original_px: r.px_transaction_id };
    run(&state, meta, op).await
}

struct BearerScheme;

impl utoipa::Modify for BearerScheme {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme("bearer", SecurityScheme::Http(Http::new(HttpAuthScheme::Bearer)));
    }
}

#[derive(utoipa::OpenApi)]
#[openapi(
    paths(sell, reload, balance, redeem, reverse, cash_out, exchange, activate, deactivate, refund),
    components(schemas(Success, FailureBody, CardInfoWire, WireTender)),
    modifiers(&BearerScheme),
    tags((name = "gift", description = "The gift service (gift-service-api.txt) and terminal gift operations."))
)]
pub struct Doc;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/gift/sell.json", post(sell))
        .route("/gift/reload.json", post(reload))
        .route("/gift/balance.json", post(balance))
        .route("/gift/redeem.json", post(redeem))
        .route("/gift/reverse.json", post(reverse))
        .route("/gift/cashOut.json", post(cash_out))
        .route("/gift/exchange.json", post(exchange))
        .route("/gift/activate.json", post(activate))
        .route("/gift/deactivate.json", post(deactivate))
        .route("/gift/refund.json", post(refund))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money_is_strict() {
        let p = Program::from_config(&Default::default(), "EUR").unwrap();
        assert_eq!(money(&p, "amount", &Amount("25.5".into())).unwrap().minor(), 2550);
        assert!(money(&p, "amount", &Amount("25.005".into())).unwrap_err().message.contains("decimals"));
        assert!(money(&p, "amount", &Amount("-1".into())).unwrap_err().message.contains("negative"));
        assert!(money(&p, "amount", &Amount("1e3".into())).is_err());
    }

    /// Every decline kind, built so that a new kind cannot be added without this list noticing:
    /// the `match` below has no wildcard, so the compiler names a missing kind.
    fn every_decline() -> Vec<Decline> {
        let m = String::new;
        let all = vec![
            Decline::Invalid(m()),
            Decline::InvalidCardNumber(m()),
            Decline::UnsupportedIdentifier(m()),
            Decline::UnknownMerchant(m()),
            Decline::UnknownStore(m()),
            Decline::CardNotFound(m()),
            Decline::TransactionNotFound(m()),
            Decline::InvalidPin(m()),
            Decline::CardLocked(m()),
            Decline::CardInactive(m()),
            Decline::CardAlreadyActive(m()),
            Decline::CardDeactivated(m()),
            Decline::CardClosed(m()),
            Decline::CardExpired(m()),
            Decline::DuplicateTransactionId(m()),
            Decline::TransactionReversed(m()),
            Decline::NotReversible(m()),
            Decline::InsufficientFunds(m()),
            Decline::AmountBelowMinimum(m()),
            Decline::AmountAboveMaximum(m()),
            Decline::BalanceLimitExceeded(m()),
            Decline::CashOutNotAllowed(m()),
            Decline::NothingToCashOut(m()),
            Decline::RefundExceedsRedeemed(m()),
            Decline::PhoneAlreadyRegistered(m()),
        ];
        for d in &all {
            match d {
                Decline::Invalid(_)
                | Decline::InvalidCardNumber(_)
                | Decline::UnsupportedIdentifier(_)
                | Decline::UnknownMerchant(_)
                | Decline::UnknownStore(_)
                | Decline::CardNotFound(_)
                | Decline::TransactionNotFound(_)
                | Decline::InvalidPin(_)
                | Decline::CardLocked(_)
                | Decline::CardInactive(_)
                | Decline::CardAlreadyActive(_)
                | Decline::CardDeactivated(_)
                | Decline::CardClosed(_)
                | Decline::CardExpired(_)
                | Decline::DuplicateTransactionId(_)
                | Decline::TransactionReversed(_)
                | Decline::NotReversible(_)
                | Decline::InsufficientFunds(_)
                | Decline::AmountBelowMinimum(_)
                | Decline::AmountAboveMaximum(_)
                | Decline::BalanceLimitExceeded(_)
                | Decline::CashOutNotAllowed(_)
                | Decline::NothingToCashOut(_)
                | Decline::RefundExceedsRedeemed(_)
                | Decline::PhoneAlreadyRegistered(_) => {}
            }
        }
        all
    }

    /// The status table in this module's docs, read as `errorCode → status`: the contract a
    /// partner codes against.
    fn documented_statuses() -> std::collections::HashMap<String, u16> {
        let mut table = std::collections::HashMap::new();
        for line in include_str!("gift.rs").lines() {
            let Some(row) = line.strip_prefix("//! | ") else { continue };
            let Some((status, codes)) = row.split_once('|') else { continue };
            let Ok(status) = status.trim().parse::<u16>() else { continue };
            // Codes are the backticked words; parentheses hold explanations.
            for code in codes.split('`').skip(1).step_by(2) {
                table.insert(code.to_string(), status);
            }
        }
        table
    }

    #[test]
    fn huge_and_exponent_numbers_are_a_clean_400() {
        let p = Program::from_config(&Default::default(), "EUR").unwrap();
        for body in [
            r#"{"merchantId":1,"storeCode":"A1234","cardInfo":{"printedCardNumber":"1"},"amount":1e400}"#,
            r#"{"merchantId":1,"storeCode":"A1234","cardInfo":{"printedCardNumber":"1"},"amount":1E2}"#,
            r#"{"merchantId":1,"storeCode":"A1234","cardInfo":{"printedCardNumber":"1"},"amount":123456789012345678901234567890}"#,
        ] {
            let r: RedeemRequest = super::super::error::parse_object(body.as_bytes()).unwrap();
            let e = money(&p, "amount", &r.amount).unwrap_err();
            assert_eq!((e.status, e.code.as_str()), (StatusCode::BAD_REQUEST, "invalid_request"), "{body}");
        }
        // Exact decimals survive: no f64 in between.
        let r: RedeemRequest = super::super::error::parse_object(
            br#"{"merchantId":1,"storeCode":"A1234","cardInfo":{"printedCardNumber":"1"},"amount":19.99}"#,
        )
        .unwrap();
        assert_eq!(money(&p, "amount", &r.amount).unwrap().minor(), 1999);
    }

    #[test]
    fn every_decline_has_the_status_the_docs_promise() {
        let table = documented_statuses();
        assert!(table.len() > 20, "the status table was not found in the module docs: {table:?}");
        let mut codes = std::collections::HashSet::new();
        for d in every_decline() {
            let code = d.code();
            assert!(codes.insert(code), "two kinds share the code {code}");
            let status = decline_status(&d);
            assert!(status.is_client_error(), "{code}: {status}");
            assert_eq!(
                table.get(code).copied(),
                Some(status.as_u16()),
                "{code} answers {status}, the docs' table says {:?}",
                table.get(code)
            );
        }
    }
}
