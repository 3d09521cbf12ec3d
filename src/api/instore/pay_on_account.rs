//! The pay-on-account extension: `payonaccount/process` (Create, Credit, Inquiry, Update),
//! `payonaccountlog` (POST: an order charged to an account) and `payonaccountlog/` (GET by
//! `account_number`). Amounts are the seed's string objects, in minor units.

use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::routing::{get, post};
use axum::{Json, Router};
use utoipa::OpenApi;

use super::{InstoreFailure, fingerprint, signature, string_amount};
use crate::api::AppState;
use crate::api::error::parse_object;
use crate::engine::extensions::pay_on_account::{self as poa, Charge, PoaLogRow, ProcessRequest};
use crate::money::{MinorObject, Money};
use crate::wire::instore::*;

type Result<T> = std::result::Result<Json<T>, InstoreFailure>;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/instore/payonaccount/process", post(process))
        .route("/instore/payonaccountlog", post(charge).get(log))
        .route("/instore/payonaccountlog/", get(log))
}

#[derive(OpenApi)]
#[openapi(
    paths(process, charge, log),
    components(schemas(
        StringAmount,
        PayOnAccountProcessRequest,
        PayOnAccountProcessReply,
        PayOnAccountLogRequest,
        PayOnAccountLogReply,
        PayOnAccountLogList
    ))
)]
pub struct Doc;

fn money(a: &StringAmount, field: &str) -> std::result::Result<Money, InstoreFailure> {
    let bad = |what: &str| InstoreFailure::invalid(format!("{field}.{what}"));
    let amount: i64 = a.amount.trim().parse().map_err(|_| bad("amount must be whole minor units, e.g. \"1220\""))?;
    let precision: u8 = a.precision.trim().parse().map_err(|_| bad("precision must be a small whole number"))?;
    let o = MinorObject { amount, precision, currency: a.currency.clone() };
    Money::from_minor_object(&o).map_err(|e| InstoreFailure::invalid(format!("{field}: {e}")))
}

#[utoipa::path(post, path = "/instore/payonaccount/process", tag = "instore", request_body = PayOnAccountProcessRequest,
    description = "Create (company, authorised users, credit limit), Credit (a payment in), Inquiry, Update. The \
        balance may fall to minus the credit limit and no further. Create is idempotent by account_number; Credit and \
        Update by the request's content.",
    responses((status = 200, body = PayOnAccountProcessReply), (status = "4XX", body = InstoreError)))]
async fn process(State(s): State<AppState>, headers: HeaderMap, body: Bytes) -> Result<PayOnAccountProcessReply> {
    let t = signature::plain(&s.engine, &headers, &body).await?;
    let r: PayOnAccountProcessRequest = parse_object(&body)?;
    let req = ProcessRequest {
        action: r.action.clone(),
        account_number: r.account_number.clone(),
        company_name: r.company_name.clone(),
        authorized_user_ids: r.authorized_user_ids.clone(),
        authorized_user_id: r.authorized_user_id.clone(),
        balance: r.balance.as_ref().map(|b| money(b, "balance")).transpose()?,
        credit_limit: r.credit_limit.as_ref().map(|b| money(b, "credit_limit")).transpose()?,
    };
    let line = poa::process(&s.engine, &t.id, req, &fingerprint(&body)).await?;
    let amounts = !line.currency.is_empty();
    Ok(Json(PayOnAccountProcessReply {
        action: line.action,
        account_number: line.account_number,
        company_name: line.company_name,
        authorized_user_ids: line.authorized_user_ids,
        authorized_user_id: line.authorized_user_id,
        balance: amounts.then(|| string_amount(line.balance, &line.currency)),
        credit_limit: amounts.then(|| string_amount(line.credit_limit, &line.currency)),
        status: line.status,
        error: line.error,
    }))
}

fn log_reply(l: PoaLogRow, error: Option<String>, balance: Option<StringAmount>) -> PayOnAccountLogReply {
    PayOnAccountLogReply {
        amount: string_amount(l.amount, &l.currency),
        action: l.action,
        account_number: l.account_number,
        company_name: l.company_name,
        authorized_user_id: l.authorized_user_id,
        session_id: l.session_id,
        order_id: l.order_id,
        status: l.status,
        error,
        balance,
    }
}

#[utoipa::path(post, path = "/instore/payonaccountlog", tag = "instore", request_body = PayOnAccountLogRequest,
    description = "Charges amount for order_id to the account: approved only for an authorised user within the \
        credit limit, declined otherwise, whatever status the request proposes. Idempotent by account_number + order_id.",
    responses((status = 200, body = PayOnAccountLogReply), (status = "4XX", body = InstoreError)))]
async fn charge(State(s): State<AppState>, headers: HeaderMap, body: Bytes) -> Result<PayOnAccountLogReply> {
    let t = signature::plain(&s.engine, &headers, &body).await?;
    let r: PayOnAccountLogRequest = parse_object(&body)?;
    let c = Charge {
        action: r.action.clone().unwrap_or_default(),
        account_number: r.account_number.clone(),
        company_name: r.company_name.clone(),
        authorized_user_id: r.authorized_user_id.clone(),
        amount: money(&r.amount, "amount")?,
        session_id: r.session_id.clone(),
        order_id: r.order_id.clone(),
    };
    let out = poa::charge(&s.engine, &t.id, c, &fingerprint(&body)).await?;
    let currency = out.log.currency.clone();
    let balance = out.balance.map(|b| string_amount(b, &currency));
    Ok(Json(log_reply(out.log, out.error, balance)))
}

#[utoipa::path(get, path = "/instore/payonaccountlog/", tag = "instore",
    params(("account_number" = String, Query)),
    description = "Ours: the account's log, oldest first. The signature covers JSON.stringify of the query parameters.",
    responses((status = 200, body = PayOnAccountLogList), (status = "4XX", body = InstoreError)))]
async fn log(
    State(s): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<Vec<(String, String)>>,
) -> Result<PayOnAccountLogList> {
    let t = signature::query(&s.engine, &headers, &q).await?;
    let number = q
        .iter()
        .find(|(k, _)| k == "account_number")
        .map(|(_, v)| v.clone())
        .ok_or_else(|| InstoreFailure::invalid("account_number is required"))?;
    let tenant = t.id.clone();
    let st = s
        .engine
        .read_async(move |e| poa::log(e, &tenant, &number))
        .await?
        .ok_or_else(|| InstoreFailure::not_found("no such account"))?;
    let cur = st.line.currency.clone();
    Ok(Json(PayOnAccountLogList {
        result: "Success".into(),
        account_number: st.line.account_number,
        company_name: st.line.company_name,
        balance: string_amount(st.balance, &cur),
        credit_limit: string_amount(st.line.credit_limit, &cur),
        logs: st.entries.into_iter().map(|l| log_reply(l, None, None)).collect(),
    }))
}
