//! `/till/v1/reports`: X (the open period, changes nothing), Z (closes the business day; list and
//! reprint), gift card liability (and booking the breakage estimate on confirmation), settlements
//! (and recording a prepaid top-up). Manager role. `?format=csv` exports CSV, `?format=text` the
//! plain sheet; JSON by default.

use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;

use crate::api::AppState;
use crate::api::auth::{Principal, Role};
use crate::api::error::{ApiError, ApiJson, ErrorBody};
use crate::engine::reports::{self, XQuery, liability, settlement, sheet, z};
use crate::engine::shifts::{ErrorKind, ManagerError, Site};
use crate::money::{Locale, Money};
use crate::wire::reports as wire;

#[derive(utoipa::OpenApi)]
#[openapi(
    paths(x, close_z, list_z, get_z, get_liability, book_breakage, get_settlement, top_up),
    components(schemas(
        wire::Sheet,
        wire::SheetSection,
        wire::SheetRow,
        wire::SheetHour,
        wire::Report,
        wire::ZSummary,
        wire::BreakageConfirm,
        wire::Booked,
        wire::TopUp,
        wire::Prepaid,
        ErrorBody
    ))
)]
pub struct Doc;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/till/v1/reports/x", get(x))
        .route("/till/v1/reports/z", get(list_z).post(close_z))
        .route("/till/v1/reports/z/{number}", get(get_z))
        .route("/till/v1/reports/liability", get(get_liability))
        .route("/till/v1/reports/liability/breakage", post(book_breakage))
        .route("/till/v1/reports/settlement", get(get_settlement))
        .route("/till/v1/reports/settlement/top-up", post(top_up))
}

/// The engine's refusal as JSON.
pub fn engine_error(e: ManagerError) -> ApiError {
    let status = match e.kind {
        ErrorKind::Invalid => StatusCode::BAD_REQUEST,
        ErrorKind::NotFound => StatusCode::NOT_FOUND,
        ErrorKind::Conflict => StatusCode::CONFLICT,
        ErrorKind::Forbidden => StatusCode::FORBIDDEN,
        ErrorKind::Internal => return ApiError::internal(&e),
    };
    ApiError::new(status, e.code, e.message)
}

/// RFC 3339 of a ledger timestamp.
pub fn ts(ns: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(ns))
        .ok()
        .and_then(|t| t.format(&time::format_description::well_known::Rfc3339).ok())
        .unwrap_or_default()
}

/// `?format=json|csv|text`.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
pub struct Format {
    #[serde(default)]
    pub format: Option<String>,
}

/// The wire form of a sheet.
pub fn wire_sheet(s: &sheet::Sheet) -> wire::Sheet {
    wire::Sheet {
        kind: s.kind.clone(),
        title: s.title.clone(),
        currency: s.currency.clone(),
        store: s.store.clone(),
        number: s.number,
        at: ts(s.at_ns),
        duplicate: s.duplicate,
        sections: s
            .sections
            .iter()
            .map(|sec| wire::SheetSection {
                title: sec.title.clone(),
                rows: sec
                    .rows
                    .iter()
                    .map(|r| wire::SheetRow {
                        label: r.label.clone(),
                        count: r.count,
                        amount: r.amount,
                        text: r.text.clone(),
                    })
                    .collect(),
            })
            .collect(),
        hours: s.hours.iter().map(|h| wire::SheetHour { hour: h.hour, count: h.count, amount: h.amount }).collect(),
    }
}

/// Answers a report in the asked format.
pub fn render(s: &sheet::Sheet, data: serde_json::Value, f: &Format) -> Result<Response, ApiError> {
    match f.format.as_deref().unwrap_or("json") {
        "json" => Ok(Json(wire::Report { sheet: wire_sheet(s), data }).into_response()),
        "csv" => Ok(([(header::CONTENT_TYPE, "text/csv; charset=utf-8")], s.csv()).into_response()),
        "text" => Ok(([(header::CONTENT_TYPE, "text/plain; charset=utf-8")], s.text(Locale::EnUs, 48)).into_response()),
        other => Err(ApiError::bad_request("invalid_format", format!("format {other:?}: use json, csv or text"))),
    }
}

fn manager(p: &Principal) -> Result<u32, ApiError> {
    p.require_role(&[Role::Manager])?;
    Ok(p.require_user()?.0)
}

#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
pub struct XParams {
    pub store: Option<String>,
    pub terminal: Option<String>,
    pub shift: Option<i64>,
    /// A past business day, `YYYY-MM-DD`.
    pub date: Option<String>,
    pub format: Option<String>,
}

/// The X report: the open period (or a day) of the store, a terminal or a shift. Changes nothing.
#[utoipa::path(get, path = "/till/v1/reports/x", tag = "till", security(("bearer" = [])), params(XParams),
    responses((status = 200, body = wire::Report), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn x(
    State(state): State<AppState>,
    principal: Principal,
    Query(q): Query<XParams>,
) -> Result<Response, ApiError> {
    manager(&principal)?;
    let engine = state.engine.clone();
    let query = XQuery { store: q.store, terminal: q.terminal, shift: q.shift, date: q.date };
    let r = tokio::task::spawn_blocking(move || reports::x_report(&engine, query))
        .await
        .map_err(|e| ApiError::internal(&e))?;
    let r = r.map_err(engine_error)?;
    render(&sheet::x(&r), serde_json::to_value(&r).unwrap_or_default(), &Format { format: q.format })
}

#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
pub struct StoreParams {
    pub store: Option<String>,
    pub date: Option<String>,
    pub format: Option<String>,
}

/// Closes the business day with its Z report (every shift of the store must be closed).
#[utoipa::path(post, path = "/till/v1/reports/z", tag = "till", security(("bearer" = [])), params(StoreParams),
    responses((status = 201, body = wire::Report), (status = 403, body = ErrorBody), (status = 409, description = "`shifts_open` or `period_closed`", body = ErrorBody)))]
pub async fn close_z(
    State(state): State<AppState>,
    principal: Principal,
    Query(q): Query<StoreParams>,
) -> Result<Response, ApiError> {
    let number = manager(&principal)?;
    let r = z::close_day(&state.engine, number, q.store).await.map_err(engine_error)?;
    let mut resp = render(&sheet::z(&r), serde_json::to_value(&r).unwrap_or_default(), &Format { format: q.format })?;
    *resp.status_mut() = StatusCode::CREATED;
    Ok(resp)
}

/// The store's Z reports, newest first.
#[utoipa::path(get, path = "/till/v1/reports/z", tag = "till", security(("bearer" = [])), params(StoreParams),
    responses((status = 200, body = [wire::ZSummary]), (status = 403, body = ErrorBody)))]
pub async fn list_z(
    State(state): State<AppState>,
    principal: Principal,
    Query(q): Query<StoreParams>,
) -> Result<Json<Vec<wire::ZSummary>>, ApiError> {
    manager(&principal)?;
    let rows = z::list(&state.engine, q.store, 100).map_err(engine_error)?;
    Ok(Json(
        rows.into_iter()
            .map(|r| wire::ZSummary {
                number: r.body.number,
                business_day: r.body.business_day.clone(),
                closed_at: ts(r.body.to_ns),
                hash: r.hash.clone(),
                net: r.body.totals.gross.saturating_sub(r.body.totals.returns),
                currency: r.body.totals.currency.clone(),
            })
            .collect(),
    ))
}

/// A past Z (a reprint: marked DUPLICATE).
#[utoipa::path(get, path = "/till/v1/reports/z/{number}", tag = "till", security(("bearer" = [])), params(("number" = i64, Path), StoreParams),
    responses((status = 200, body = wire::Report), (status = 404, body = ErrorBody)))]
pub async fn get_z(
    State(state): State<AppState>,
    principal: Principal,
    Path(number): Path<i64>,
    Query(q): Query<StoreParams>,
) -> Result<Response, ApiError> {
    manager(&principal)?;
    let r = z::get(&state.engine, q.store, Some(number), None).map_err(engine_error)?;
    render(&sheet::z(&r), serde_json::to_value(&r).unwrap_or_default(), &Format { format: q.format })
}

fn period(engine: &crate::engine::Engine, date: Option<&str>) -> Result<(i64, i64), ApiError> {
    match date {
        Some(d) => reports::day_window(d).map_err(engine_error),
        None => {
            let site = Site::of(engine).map_err(engine_error)?;
            let last = z::get(engine, Some(site.store), None, None).ok();
            Ok((last.map_or(0, |z| z.body.to_ns), reports::now_ns()))
        }
    }
}

/// Gift card liability: outstanding (equal to the ledger), movements since the last Z (or of a
/// day), ageing, the breakage estimate.
#[utoipa::path(get, path = "/till/v1/reports/liability", tag = "till", security(("bearer" = [])), params(StoreParams),
    responses((status = 200, body = wire::Report), (status = 403, body = ErrorBody)))]
pub async fn get_liability(
    State(state): State<AppState>,
    principal: Principal,
    Query(q): Query<StoreParams>,
) -> Result<Response, ApiError> {
    manager(&principal)?;
    let engine = state.engine.clone();
    let (from, to) = period(&engine, q.date.as_deref())?;
    let site = Site::of(&engine).map_err(engine_error)?;
    let l = tokio::task::spawn_blocking(move || liability::liability(&engine, from, to))
        .await
        .map_err(|e| ApiError::internal(&e))?;
    let l = l.map_err(engine_error)?;
    render(
        &sheet::liability(&l, &site.store),
        serde_json::to_value(&l).unwrap_or_default(),
        &Format { format: q.format },
    )
}

/// Books the breakage estimate (card → breakage) on the manager's confirmation of its amount.
#[utoipa::path(post, path = "/till/v1/reports/liability/breakage", tag = "till", security(("bearer" = [])), request_body = wire::BreakageConfirm,
    responses((status = 200, body = wire::Booked), (status = 409, description = "`estimate_changed` or `breakage_disabled`", body = ErrorBody)))]
pub async fn book_breakage(
    State(state): State<AppState>,
    principal: Principal,
    ApiJson(req): ApiJson<wire::BreakageConfirm>,
) -> Result<Json<wire::Booked>, ApiError> {
    let number = manager(&principal)?;
    let b = liability::book_breakage(&state.engine, number, req.amount).await.map_err(engine_error)?;
    Ok(Json(wire::Booked { count: b.count, amount: b.amount }))
}

/// The distributor settlement (a day, or all), the prepaid balance, card and wallet clearing.
#[utoipa::path(get, path = "/till/v1/reports/settlement", tag = "till", security(("bearer" = [])), params(StoreParams),
    responses((status = 200, body = wire::Report), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn get_settlement(
    State(state): State<AppState>,
    principal: Principal,
    Query(q): Query<StoreParams>,
) -> Result<Response, ApiError> {
    manager(&principal)?;
    let site = Site::of(&state.engine).map_err(engine_error)?;
    let s = settlement::settlement(&state.engine, q.date.clone(), q.store.clone()).map_err(engine_error)?;
    let store = q.store.clone().unwrap_or(site.store);
    render(
        &sheet::settlement(&s, &store, reports::now_ns()),
        serde_json::to_value(&s).unwrap_or_default(),
        &Format { format: q.format },
    )
}

/// Records a top-up of the prepaid balance with the distributor.
#[utoipa::path(post, path = "/till/v1/reports/settlement/top-up", tag = "till", security(("bearer" = [])), request_body = wire::TopUp,
    responses((status = 200, body = wire::Prepaid), (status = 400, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn top_up(
    State(state): State<AppState>,
    principal: Principal,
    ApiJson(req): ApiJson<wire::TopUp>,
) -> Result<Json<wire::Prepaid>, ApiError> {
    manager(&principal)?;
    let site = Site::of(&state.engine).map_err(engine_error)?;
    let amount = Money::parse(&req.amount, site.currency)
        .map_err(|e| ApiError::bad_request("invalid_amount", format!("amount: {e}")))?;
    let p = settlement::top_up(&state.engine, amount, &req.reference).await.map_err(engine_error)?;
    Ok(Json(wire::Prepaid { available: p.available, on_hold: p.on_hold, posted: p.posted }))
}
