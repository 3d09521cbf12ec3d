//! `/till/v1/reports`: X (the open period, changes nothing), Z (closes the business day; list and
//! reprint), gift card liability (and booking the breakage estimate on confirmation), settlements
//! (and recording a prepaid top-up). Manager role. `?format=csv` exports CSV, `?format=text` the
//! plain sheet; JSON by default. `?lang=en|de` words the sheet and `?locale=de-DE|…` sets the CSV's
//! separators and the text's amounts; both default to the store's locale (and its language).

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
use crate::i18n::Lang;
use crate::money::{Locale, Money};
use crate::wire::reports as wire;

use super::sheet_words::{csv, text};
pub use super::sheet_words::{ts, wire_sheet};

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

/// `?format=json|csv|text&lang=en|de&locale=de-DE`.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
pub struct Format {
    #[serde(default)]
    pub format: Option<String>,
    /// The sheet's language: `en` or `de` (default: the language of `locale`).
    #[serde(default)]
    pub lang: Option<String>,
    /// The number format of CSV and text: `de-DE`, `en-GB`… (default: the store's locale).
    #[serde(default)]
    pub locale: Option<String>,
}

impl Format {
    pub fn of(format: Option<String>, lang: Option<String>, locale: Option<String>) -> Format {
        Format { format, lang, locale }
    }

    /// The language and number format asked for, else the store's.
    pub fn speech(&self, engine: &crate::engine::Engine) -> Result<(Lang, Locale), ApiError> {
        let locale = match &self.locale {
            Some(tag) => Locale::parse(tag).map_err(|e| ApiError::bad_request("invalid_locale", e.to_string()))?,
            None => Locale::parse(&engine.config().merchant.locale).unwrap_or(Locale::EnUs),
        };
        let lang = match &self.lang {
            Some(tag) => Lang::parse(tag)
                .ok_or_else(|| ApiError::bad_request("invalid_lang", format!("lang {tag:?}: use en or de")))?,
            None => Lang::for_locale(locale),
        };
        Ok((lang, locale))
    }
}

/// Answers a report in the asked format, its sheet made by `build` in the asked language.
pub fn render(
    engine: &crate::engine::Engine,
    f: &Format,
    data: serde_json::Value,
    build: impl FnOnce() -> sheet::Sheet,
) -> Result<Response, ApiError> {
    let (lang, locale) = f.speech(engine)?;
    crate::i18n::with(lang, locale, || {
        let s = wire_sheet(&build());
        match f.format.as_deref().unwrap_or("json") {
            "json" => Ok(Json(wire::Report { sheet: s, data }).into_response()),
            "csv" => Ok(([(header::CONTENT_TYPE, "text/csv; charset=utf-8")], csv(&s, locale)).into_response()),
            "text" => Ok(([(header::CONTENT_TYPE, "text/plain; charset=utf-8")], text(&s, locale, 48)).into_response()),
            other => Err(ApiError::bad_request("invalid_format", format!("format {other:?}: use json, csv or text"))),
        }
    })
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
    pub lang: Option<String>,
    pub locale: Option<String>,
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
    let query = XQuery { store: q.store, terminal: q.terminal, shift: q.shift, date: q.date };
    let r = state.engine.read_async(move |e| reports::x_report(e, query)).await.map_err(engine_error)?;
    let f = Format::of(q.format, q.lang, q.locale);
    render(&state.engine, &f, serde_json::to_value(&r).unwrap_or_default(), || sheet::x(&r))
}

#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
pub struct StoreParams {
    pub store: Option<String>,
    pub date: Option<String>,
    pub format: Option<String>,
    pub lang: Option<String>,
    pub locale: Option<String>,
}

impl StoreParams {
    fn format(&self) -> Format {
        Format::of(self.format.clone(), self.lang.clone(), self.locale.clone())
    }
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
    let f = q.format();
    // Checked before the day is closed: a typo in `lang` must not cost the Z its answer.
    f.speech(&state.engine)?;
    let r = z::close_day(&state.engine, number, q.store).await.map_err(engine_error)?;
    let mut resp = render(&state.engine, &f, serde_json::to_value(&r).unwrap_or_default(), || sheet::z(&r))?;
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
    let rows = state.engine.read_async(move |e| z::list(e, q.store, 100)).await.map_err(engine_error)?;
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
    let f = q.format();
    let store = q.store.clone();
    let r = state.engine.read_async(move |e| z::get(e, store, Some(number), None)).await.map_err(engine_error)?;
    render(&state.engine, &f, serde_json::to_value(&r).unwrap_or_default(), || sheet::z(&r))
}

async fn period(engine: &crate::engine::Engine, date: Option<&str>) -> Result<(i64, i64), ApiError> {
    match date {
        Some(d) => reports::day_window(d).map_err(engine_error),
        None => {
            let site = Site::of(engine).map_err(engine_error)?;
            let last = engine.read_async(move |e| z::get(e, Some(site.store), None, None)).await.ok();
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
    let (from, to) = period(&state.engine, q.date.as_deref()).await?;
    let site = Site::of(&state.engine).map_err(engine_error)?;
    let l = state.engine.read_async(move |e| liability::liability(e, from, to)).await.map_err(engine_error)?;
    render(&state.engine, &q.format(), serde_json::to_value(&l).unwrap_or_default(), || {
        sheet::liability(&l, &site.store)
    })
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
    let (date, store) = (q.date.clone(), q.store.clone());
    let s = state.engine.read_async(move |e| settlement::settlement(e, date, store)).await.map_err(engine_error)?;
    let store = q.store.clone().unwrap_or(site.store);
    render(&state.engine, &q.format(), serde_json::to_value(&s).unwrap_or_default(), || {
        sheet::settlement(&s, &store, reports::now_ns())
    })
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
    let (p, already_recorded) =
        settlement::top_up(&state.engine, amount, &req.reference).await.map_err(engine_error)?;
    Ok(Json(wire::Prepaid { available: p.available, on_hold: p.on_hold, posted: p.posted, already_recorded }))
}
