//! The stored-value card extension: `storedvaluecard`, `storedvaluecard/{number}`,
//! `storedvaluecard_process` (webhook envelopes, acknowledged at once, the result POSTed to
//! `callbackUrl`) and `storedvaluelog/{number}` (a signed GET, answered directly).

use axum::body::Bytes;
use axum::extract::{Extension, Path, Query, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::de::DeserializeOwned;
use utoipa::OpenApi;

use super::{CorrelationId, InstoreFailure, minor_amount, signature};
use crate::api::AppState;
use crate::api::error::parse_object;
use crate::engine::extensions::stored_value::{self as sv, Envelope, Payload, SvAction};
use crate::wire::instore::*;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/instore/storedvaluecard", post(create))
        .route("/instore/storedvaluecard/{number}", post(lookup))
        .route("/instore/storedvaluecard_process", post(process))
        .route("/instore/storedvaluelog/{number}", get(log))
}

#[derive(OpenApi)]
#[openapi(
    paths(create, lookup, process, log),
    components(schemas(
        StoredValueEnvelope,
        StoredValueCardPayload,
        StoredValueLookupPayload,
        StoredValueProcessPayload,
        InjectedStoredValueAccount,
        StoredValueAck,
        StoredValueBatchAck,
        StoredValueBatchEntry,
        StoredValueCallback,
        StoredValueCardData,
        StoredValueStatus,
        StoredValueLogReply,
        StoredValueLogEntry
    ))
)]
pub struct Doc;

/// Verifies, parses the envelope and its payload (as `W`, for the field errors), and accepts it.
async fn accept<W: DeserializeOwned>(
    s: &AppState,
    headers: &HeaderMap,
    body: &[u8],
    correlation: &CorrelationId,
    action: SvAction,
    path_number: Option<String>,
) -> Result<Response, InstoreFailure> {
    let tenant = signature::envelope(&s.engine, headers, body).await?;
    let env: StoredValueEnvelope = parse_object(body)?;
    serde_json::from_value::<W>(env.payload.clone()).map_err(|e| InstoreFailure::invalid(format!("payload: {e}")))?;
    let mut payload: Payload =
        serde_json::from_value(env.payload.clone()).map_err(|e| InstoreFailure::invalid(format!("payload: {e}")))?;
    if let Some(rid) = &env.request_id
        && *rid != payload.request_id
    {
        return Err(InstoreFailure::invalid("requestId of the envelope and of the payload differ"));
    }
    if let Some(n) = path_number {
        match &payload.number {
            Some(p) if *p != n => return Err(InstoreFailure::invalid("payload.number differs from the path's")),
            _ => payload.number = Some(n),
        }
    }
    let fingerprint = crate::engine::extensions::fingerprint(env.payload.to_string().as_bytes());
    let ack = sv::accept(
        &s.engine,
        Envelope {
            tenant: tenant.id.clone(),
            action,
            payload,
            callback_url: env.callback_url,
            status_url: env.status_url,
            correlation_id: Some(correlation.0.clone()),
            fingerprint,
        },
    )
    .await?;
    Ok(if ack.batch {
        let results = ack
            .requests
            .into_iter()
            .map(|(request_id, payment_processor_id)| StoredValueBatchEntry { request_id, payment_processor_id })
            .collect();
        Json(StoredValueBatchAck { results }).into_response()
    } else {
        let request_id = ack.requests.into_iter().next().map(|r| r.0).unwrap_or_default();
        Json(StoredValueAck { request_id }).into_response()
    })
}

#[utoipa::path(post, path = "/instore/storedvaluecard", tag = "instore", request_body = StoredValueEnvelope,
    description = "Creates a gift card of the store's program (payload: StoredValueCardPayload): GiftCard, ReturnCard \
        or Promotional; Active or Inactive, either with an opening balance (ours: an Inactive card with a balance holds \
        it and is blocked until the store activates it at /gift/activate.json). Answered at once with {requestId}; \
        the result (StoredValueCallback, ours) is POSTed to callbackUrl with X-Signature (HMAC-SHA256 of the callback \
        body with the tenant's key), x-correlation-id and X-Till-Callback-Id (the same on every retry), from a durable \
        outbox, retried with backoff until a 2xx; statusUrl gets {requestId, status: Processing} for slow work.",
    responses((status = 200, body = StoredValueAck), (status = "4XX", body = InstoreError)))]
async fn create(
    State(s): State<AppState>,
    Extension(c): Extension<CorrelationId>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, InstoreFailure> {
    accept::<StoredValueCardPayload>(&s, &headers, &body, &c, SvAction::Create, None).await
}

#[utoipa::path(post, path = "/instore/storedvaluecard/{number}", tag = "instore", request_body = StoredValueEnvelope,
    params(("number" = String, Path, description = "The card number")),
    description = "Looks a card up (payload: StoredValueLookupPayload; the PIN is checked when the card has one). The \
        card's data goes to callbackUrl.",
    responses((status = 200, body = StoredValueAck), (status = "4XX", body = InstoreError)))]
async fn lookup(
    State(s): State<AppState>,
    Extension(c): Extension<CorrelationId>,
    Path(number): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, InstoreFailure> {
    accept::<StoredValueLookupPayload>(&s, &headers, &body, &c, SvAction::Lookup, Some(number)).await
}

#[utoipa::path(post, path = "/instore/storedvaluecard_process", tag = "instore", request_body = StoredValueEnvelope,
    description = "Load, Redeem or Cancel (payload: StoredValueProcessPayload). With accounts, one operation per \
        account and the {results: [...]} acknowledgement.",
    responses((status = 200, body = StoredValueAck), (status = "4XX", body = InstoreError)))]
async fn process(
    State(s): State<AppState>,
    Extension(c): Extension<CorrelationId>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, InstoreFailure> {
    accept::<StoredValueProcessPayload>(&s, &headers, &body, &c, SvAction::Process, None).await
}

fn rfc3339(ns: u64) -> String {
    let t = time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(ns)).unwrap_or(time::OffsetDateTime::UNIX_EPOCH);
    t.format(&time::format_description::well_known::Rfc3339).unwrap_or_default()
}

#[utoipa::path(get, path = "/instore/storedvaluelog/{number}", tag = "instore",
    params(("number" = String, Path, description = "The card number"),
        ("requestId" = String, Query), ("locationId" = String, Query), ("workstationId" = Option<String>, Query)),
    description = "The card's movements, oldest first (ours: answered directly). The signature covers \
        JSON.stringify of the query parameters in their order.",
    responses((status = 200, body = StoredValueLogReply), (status = "4XX", body = InstoreError)))]
async fn log(
    State(s): State<AppState>,
    headers: HeaderMap,
    Path(number): Path<String>,
    Query(q): Query<Vec<(String, String)>>,
) -> Result<Json<StoredValueLogReply>, InstoreFailure> {
    signature::query(&s.engine, &headers, &q).await?;
    let request_id = q
        .iter()
        .find(|(k, _)| k == "requestId")
        .map(|(_, v)| v.clone())
        .ok_or_else(|| InstoreFailure::invalid("requestId is required"))?;
    let n = number.clone();
    let entries = s.engine.read_async(move |e| sv::log(e, &n)).await?;
    let Some(entries) = entries else {
        return Ok(Json(StoredValueLogReply {
            request_id,
            result: "Failure".into(),
            error: Some("card_not_found: no such card".into()),
            number,
            log: vec![],
        }));
    };
    let log = entries
        .into_iter()
        .map(|e| StoredValueLogEntry {
            action: e.action,
            amount: minor_amount(e.amount.minor(), e.amount.currency().code()),
            balance: minor_amount(e.balance.minor(), e.balance.currency().code()),
            time: rfc3339(e.timestamp),
        })
        .collect();
    Ok(Json(StoredValueLogReply { request_id, result: "Success".into(), error: None, number, log }))
}
