//! `/till/v1/shifts`: a cashier opens their shift with a counted float, records paid-ins,
//! paid-outs and no-sale openings, and closes with a blind count; a manager lists shifts and may
//! act on any shift (naming `shift_id`). The expected amount never appears before the close.

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;

use super::reports::{Format, engine_error, render, ts};
use crate::api::AppState;
use crate::api::auth::{Principal, Role};
use crate::api::error::{ApiError, ApiJson, ErrorBody};
use crate::engine::reports::sheet;
use crate::engine::shifts::{self, Approval, CountLine as DomainCount, Movement, Site};
use crate::engine::users;
use crate::money::{Money, denominations};
use crate::wire::reports as wire;

#[derive(utoipa::OpenApi)]
#[openapi(
    paths(denoms, current, open, paid_in, paid_out, no_sale, close, list, report),
    components(schemas(
        wire::CountLine,
        wire::Denominations,
        wire::OpenShift,
        wire::DrawerMovement,
        wire::ManagerApproval,
        wire::CloseShift,
        wire::DrawerEvent,
        wire::Shift,
        wire::CurrentShift,
        ErrorBody
    ))
)]
pub struct Doc;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/till/v1/shifts/denominations", get(denoms))
        .route("/till/v1/shifts/current", get(current))
        .route("/till/v1/shifts", get(list).post(open))
        .route("/till/v1/shifts/current/paid-in", post(paid_in))
        .route("/till/v1/shifts/current/paid-out", post(paid_out))
        .route("/till/v1/shifts/current/no-sale", post(no_sale))
        .route("/till/v1/shifts/current/close", post(close))
        .route("/till/v1/shifts/{id}/report", get(report))
}

const ANY_USER: &[Role] = &[Role::Cashier, Role::Manager, Role::Trainer];

fn counts(lines: &[wire::CountLine]) -> Vec<DomainCount> {
    lines.iter().map(|l| DomainCount { denomination: l.denomination, quantity: l.quantity }).collect()
}

fn wire_counts(lines: &[DomainCount]) -> Vec<wire::CountLine> {
    lines.iter().map(|l| wire::CountLine { denomination: l.denomination, quantity: l.quantity }).collect()
}

/// The wire form of a shift. A closed shift shows expected and over/short; an open one never does.
pub fn to_wire(s: shifts::Shift) -> wire::Shift {
    let closed = !s.open;
    wire::Shift {
        id: s.id,
        opened_at: ts(s.opened_at),
        closed_at: s.closed_at.map(ts),
        float_counts: wire_counts(&s.float_counts),
        counted_counts: wire_counts(&s.counted_counts),
        expected: s.expected.filter(|_| closed),
        over_short: s.over_short.filter(|_| closed),
        events: s
            .events
            .into_iter()
            .filter(|e| closed || !matches!(e.kind.as_str(), "over_short" | "drop"))
            .map(|e| wire::DrawerEvent { kind: e.kind, amount: e.amount, reason: e.reason, user: e.user, at: ts(e.at) })
            .collect(),
        store: s.store,
        terminal: s.terminal,
        cashier: s.cashier,
        cashier_name: s.cashier_name,
        currency: s.currency,
        open: s.open,
        business_day: s.business_day,
        float: s.float,
        counted: s.counted,
        approved_by: s.approved_by,
        note: s.note,
    }
}

/// The notes and coins of the store's currency.
#[utoipa::path(get, path = "/till/v1/shifts/denominations", tag = "till", security(("bearer" = [])),
    responses((status = 200, body = wire::Denominations), (status = 401, body = ErrorBody)))]
pub async fn denoms(
    State(state): State<AppState>,
    principal: Principal,
) -> Result<Json<wire::Denominations>, ApiError> {
    principal.require_role(ANY_USER)?;
    let site = Site::of(&state.engine).map_err(engine_error)?;
    let c = site.currency;
    Ok(Json(wire::Denominations {
        currency: c.code().into(),
        exponent: c.exponent(),
        denominations: denominations(c).to_vec(),
    }))
}

/// The caller's open shift, if any.
#[utoipa::path(get, path = "/till/v1/shifts/current", tag = "till", security(("bearer" = [])),
    responses((status = 200, body = wire::CurrentShift), (status = 401, body = ErrorBody)))]
pub async fn current(
    State(state): State<AppState>,
    principal: Principal,
) -> Result<Json<wire::CurrentShift>, ApiError> {
    principal.require_role(ANY_USER)?;
    let (number, _) = principal.require_user()?;
    let shift = state.engine.read_async(move |e| shifts::current(e, number)).await.map_err(engine_error)?;
    Ok(Json(wire::CurrentShift { shift: shift.map(to_wire) }))
}

/// Opens the caller's shift on this till with its counted float.
#[utoipa::path(post, path = "/till/v1/shifts", tag = "till", security(("bearer" = [])), request_body = wire::OpenShift,
    responses((status = 201, body = wire::Shift), (status = 400, body = ErrorBody), (status = 409, description = "a shift is open on this till or for this cashier, or the day is closed", body = ErrorBody)))]
pub async fn open(
    State(state): State<AppState>,
    principal: Principal,
    ApiJson(req): ApiJson<wire::OpenShift>,
) -> Result<(StatusCode, Json<wire::Shift>), ApiError> {
    principal.require_role(ANY_USER)?;
    let (number, _) = principal.require_user()?;
    let user = state.engine.read_async(move |e| users::get(e, number)).await.map_err(|e| ApiError::internal(&e))?;
    let name = user.map(|u| u.name).unwrap_or_default();
    let req =
        shifts::OpenShift { terminal: req.terminal, cashier: number, cashier_name: name, float: counts(&req.float) };
    let s = shifts::open(&state.engine, req).await.map_err(engine_error)?;
    Ok((StatusCode::CREATED, Json(to_wire(s))))
}

async fn movement(
    state: AppState,
    principal: Principal,
    kind: Movement,
    req: wire::DrawerMovement,
) -> Result<Json<wire::Shift>, ApiError> {
    principal.require_role(ANY_USER)?;
    let (number, role) = principal.require_user()?;
    let site = Site::of(&state.engine).map_err(engine_error)?;
    let amount = match (kind, req.amount.as_deref()) {
        (Movement::NoSale, _) => Money::zero(site.currency),
        (_, Some(a)) => Money::parse(a, site.currency)
            .map_err(|e| ApiError::bad_request("invalid_amount", format!("amount: {e}")))?,
        (_, None) => return Err(ApiError::bad_request("invalid_amount", "amount is required, e.g. \"12.50\".")),
    };
    let s = shifts::movement(&state.engine, number, role, req.shift_id, kind, amount, req.reason)
        .await
        .map_err(engine_error)?;
    Ok(Json(to_wire(s)))
}

/// Cash put into the drawer, with a reason.
#[utoipa::path(post, path = "/till/v1/shifts/current/paid-in", tag = "till", security(("bearer" = [])), request_body = wire::DrawerMovement,
    responses((status = 200, body = wire::Shift), (status = 400, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn paid_in(
    State(state): State<AppState>,
    principal: Principal,
    ApiJson(req): ApiJson<wire::DrawerMovement>,
) -> Result<Json<wire::Shift>, ApiError> {
    movement(state, principal, Movement::PaidIn, req).await
}

/// Cash taken out of the drawer, with a reason.
#[utoipa::path(post, path = "/till/v1/shifts/current/paid-out", tag = "till", security(("bearer" = [])), request_body = wire::DrawerMovement,
    responses((status = 200, body = wire::Shift), (status = 400, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn paid_out(
    State(state): State<AppState>,
    principal: Principal,
    ApiJson(req): ApiJson<wire::DrawerMovement>,
) -> Result<Json<wire::Shift>, ApiError> {
    movement(state, principal, Movement::PaidOut, req).await
}

/// The drawer opened without a sale, with a reason.
#[utoipa::path(post, path = "/till/v1/shifts/current/no-sale", tag = "till", security(("bearer" = [])), request_body = wire::DrawerMovement,
    responses((status = 200, body = wire::Shift), (status = 400, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn no_sale(
    State(state): State<AppState>,
    principal: Principal,
    ApiJson(req): ApiJson<wire::DrawerMovement>,
) -> Result<Json<wire::Shift>, ApiError> {
    movement(state, principal, Movement::NoSale, req).await
}

/// The blind close: the counted drawer. Outside the tolerance it needs a manager's approval
/// (number, PIN, note); the refusal names neither the expected amount nor the difference.
#[utoipa::path(post, path = "/till/v1/shifts/current/close", tag = "till", security(("bearer" = [])), request_body = wire::CloseShift,
    responses((status = 200, body = wire::Shift), (status = 400, body = ErrorBody),
        (status = 403, description = "`manager_approval_required`, or the approval's PIN is wrong / not a manager's", body = ErrorBody),
        (status = 409, body = ErrorBody)))]
pub async fn close(
    State(state): State<AppState>,
    principal: Principal,
    ApiJson(req): ApiJson<wire::CloseShift>,
) -> Result<Json<wire::Shift>, ApiError> {
    principal.require_role(ANY_USER)?;
    let (number, role) = principal.require_user()?;
    let approval = match req.approval {
        None => None,
        Some(a) => {
            // Its own code, so the till keeps the approval form open and says what was wrong.
            let refused =
                || ApiError::new(StatusCode::FORBIDDEN, "approval_refused", "The manager number or PIN is wrong.");
            if users::check_pin(&a.pin).is_err() {
                return Err(refused());
            }
            match users::login(&state.engine, a.manager, &a.pin).await {
                Ok(u) if u.role == Role::Manager => Some(Approval { manager: u.number, note: a.note }),
                Ok(_) => {
                    return Err(ApiError::new(
                        StatusCode::FORBIDDEN,
                        "approval_refused",
                        "Only a manager can approve this close.",
                    ));
                }
                Err(users::LoginError::Engine(e)) => return Err(ApiError::internal(&e)),
                Err(_) => return Err(refused()),
            }
        }
    };
    let s = shifts::close(&state.engine, number, role, req.shift_id, counts(&req.counted), approval)
        .await
        .map_err(engine_error)?;
    Ok(Json(to_wire(s)))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct ListQuery {
    #[serde(default)]
    pub limit: Option<i64>,
}

/// The store's recent shifts, newest first (manager).
#[utoipa::path(get, path = "/till/v1/shifts", tag = "till", security(("bearer" = [])), params(ListQuery),
    responses((status = 200, body = [wire::Shift]), (status = 403, body = ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    principal: Principal,
    Query(q): Query<ListQuery>,
) -> Result<Json<Vec<wire::Shift>>, ApiError> {
    principal.require_role(&[Role::Manager])?;
    let limit = q.limit.unwrap_or(50);
    let rows = state.engine.read_async(move |e| shifts::recent(e, limit)).await.map_err(engine_error)?;
    Ok(Json(rows.into_iter().map(to_wire).collect()))
}

/// A shift's report: the X of its window (manager), or a cashier's own closed shift's drawer sheet.
#[utoipa::path(get, path = "/till/v1/shifts/{id}/report", tag = "till", security(("bearer" = [])), params(("id" = i64, Path), Format),
    responses((status = 200, body = wire::Report), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn report(
    State(state): State<AppState>,
    principal: Principal,
    Path(id): Path<i64>,
    Query(f): Query<Format>,
) -> Result<Response, ApiError> {
    principal.require_role(ANY_USER)?;
    let (number, role) = principal.require_user()?;
    let s = state.engine.read_async(move |e| shifts::get(e, id)).await.map_err(engine_error)?;
    if role != Role::Manager {
        if s.cashier != number || s.open {
            return Err(ApiError::forbidden("A cashier sees only their own shift, once it is closed."));
        }
        let data = serde_json::to_value(to_wire(s.clone())).unwrap_or_default();
        return render(&state.engine, &f, data, || sheet::shift(&s));
    }
    let query = crate::engine::reports::XQuery { shift: Some(id), ..Default::default() };
    let x = state.engine.read_async(move |e| crate::engine::reports::x_report(e, query)).await.map_err(engine_error)?;
    render(&state.engine, &f, serde_json::to_value(&x).unwrap_or_default(), || {
        let mut sh = sheet::x(&x);
        sh.sections.splice(0..0, sheet::shift(&s).sections);
        sh
    })
}
