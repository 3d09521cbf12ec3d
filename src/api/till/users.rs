//! `/till/v1` users and approvals at the till: the list of users (who is locked), unlocking a
//! locked user (a manager, or a cashier with a manager's number and PIN sent with that one
//! request), and a manager's approval of an action the till itself carries out (the settings).
//! Both are audited in [`crate::engine::approvals`] with the approver.

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::routing::{get, post};
use axum::{Json, Router};

use crate::api::AppState;
use crate::api::access;
use crate::api::auth::Principal;
use crate::api::error::{ApiError, ApiJson, ErrorBody};
use crate::engine::roles::Act;
use crate::engine::tokens::Role as EngineRole;
use crate::engine::{EngineError, approvals, user_admin, users};
use crate::wire::till::{self as wire, ApprovalReply, ApprovalRequest, UserRow};

#[derive(utoipa::OpenApi)]
#[openapi(paths(list, unlock, approve), components(schemas(UserRow, ApprovalRequest, ApprovalReply)))]
pub struct Doc;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/till/v1/users", get(list))
        .route("/till/v1/users/{number}/unlock", post(unlock))
        .route("/till/v1/approvals", post(approve))
}

fn wire_row(u: user_admin::UserRow) -> UserRow {
    let role = match EngineRole::parse(&u.role) {
        Some(EngineRole::Manager) => wire::Role::Manager,
        Some(EngineRole::Trainer) => wire::Role::Trainer,
        _ => wire::Role::Cashier,
    };
    UserRow {
        number: u.number,
        name: u.name,
        role,
        locked: u.locked_until.is_some(),
        locked_until: u.locked_until,
        failed_attempts: u.failed_attempts,
        disabled: u.disabled,
    }
}

async fn rows(state: &AppState) -> Result<Vec<user_admin::UserRow>, ApiError> {
    state.engine.read_async(user_admin::list_blocking).await.map_err(|e: EngineError| ApiError::internal(&e))
}

/// Every user of the till, by number, with who is locked: what the unlock screen lists.
#[utoipa::path(get, path = "/till/v1/users", tag = "till", security(("bearer" = [])),
    responses((status = 200, body = Vec<UserRow>), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn list(State(state): State<AppState>, principal: Principal) -> Result<Json<Vec<UserRow>>, ApiError> {
    principal.require_user()?;
    Ok(Json(rows(&state).await?.into_iter().map(wire_row).collect()))
}

/// Lifts a user's lock after wrong PINs: a manager's, or a cashier's with the manager's number
/// and PIN (`X-Till-Approver`, `X-Till-Approver-Pin`). Audited with the approver.
#[utoipa::path(post, path = "/till/v1/users/{number}/unlock", tag = "till", security(("bearer" = [])),
    params(("number" = u32, Path, description = "The locked user's number")),
    responses((status = 200, body = UserRow), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn unlock(
    State(state): State<AppState>,
    principal: Principal,
    headers: HeaderMap,
    Path(number): Path<u32>,
) -> Result<Json<UserRow>, ApiError> {
    let (me, _) = principal.require_user()?;
    let approver = access::approve(&state, &principal, &headers, Act::UnlockUser).await?;
    let engine = state.engine.clone();
    let found = tokio::task::spawn_blocking(move || users::unlock_blocking(&engine, number))
        .await
        .map_err(|e| ApiError::internal(&e))?
        .map_err(|e| ApiError::internal(&e))?;
    if !found {
        return Err(ApiError::new(StatusCode::NOT_FOUND, "user_not_found", format!("There is no user {number}.")));
    }
    approvals::record(&state.engine, Act::UnlockUser, me, approver, &format!("user:{number}"))
        .await
        .map_err(|e| ApiError::internal(&e))?;
    tracing::info!(user = me, unlocked = number, approver, "user unlocked");
    let row = rows(&state).await?.into_iter().find(|u| u.number == number);
    row.map(|u| Json(wire_row(u))).ok_or_else(|| ApiError::not_found(format!("There is no user {number}.")))
}

/// A manager's approval of an action the till carries out itself (`settings`: entering the
/// till's settings). The answer names the approver; the approval is audited.
#[utoipa::path(post, path = "/till/v1/approvals", tag = "till", security(("bearer" = [])), request_body = ApprovalRequest,
    responses((status = 200, body = ApprovalReply), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn approve(
    State(state): State<AppState>,
    principal: Principal,
    headers: HeaderMap,
    ApiJson(req): ApiJson<ApprovalRequest>,
) -> Result<Json<ApprovalReply>, ApiError> {
    let (me, _) = principal.require_user()?;
    // Only what the till does locally; every other act is approved with the call that does it.
    let act = match Act::parse(&req.act) {
        Some(Act::Settings) => Act::Settings,
        _ => return Err(ApiError::bad_request("invalid_request", "Only `settings` is approved on its own.")),
    };
    let approver = access::approve(&state, &principal, &headers, act).await?;
    approvals::record(&state.engine, act, me, approver, "").await.map_err(|e| ApiError::internal(&e))?;
    Ok(Json(ApprovalReply { act: act.as_str().to_string(), approver }))
}
