//! `/till/v1` sessions: who this till is, logging a user in with number and PIN (a session token
//! comes back), who am I, and logging out. Every other `/till/v1` route takes the session token
//! through [`Principal`] and checks the role it needs.

use std::time::Duration;

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::{get, post};
use axum::{Json, Router};

use crate::api::AppState;
use crate::api::auth::{Principal, Role};
use crate::api::error::{ApiError, ApiJson, ErrorBody};
use crate::engine::users::{self, LOCK_SECS, LoginError, MAX_ATTEMPTS};
use crate::engine::{terminals, tokens};
use crate::wire::till::{self as wire, LoginRequest, SessionReply, TerminalInfo, UserInfo};

/// How long a session lasts without logging in again (a long shift).
pub const SESSION_TTL: Duration = Duration::from_secs(12 * 60 * 60);

#[derive(utoipa::OpenApi)]
#[openapi(
    paths(terminal, login, whoami, logout),
    components(schemas(TerminalInfo, LoginRequest, SessionReply, UserInfo, wire::Role, ErrorBody))
)]
pub struct Doc;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/till/v1/terminal", get(terminal))
        .route("/till/v1/sessions", post(login))
        .route("/till/v1/session", get(whoami).delete(logout))
}

/// This till's merchant, store and terminal, for the screen before anyone logs in.
#[utoipa::path(get, path = "/till/v1/terminal", tag = "till",
    responses((status = 200, body = TerminalInfo)))]
pub async fn terminal(State(state): State<AppState>) -> Result<Json<TerminalInfo>, ApiError> {
    let engine = &state.engine;
    let store = engine.config().store.clone();
    let m = &engine.config().merchant;
    let demo_users = engine.read_async(users::has_demo_users).await.map_err(|e| ApiError::internal(&e))?;
    let setup = crate::engine::receipts::receipt_setup(engine.config()).map_err(|e| ApiError::internal(&e))?;
    Ok(Json(TerminalInfo {
        merchant: m.name.clone(),
        merchant_id: m.merchant_id,
        receipt_header: setup.header,
        receipt_footer: setup.footer,
        store_id: store.store_code(),
        terminal_id: store.terminal_id.into(),
        country: store.country,
        currency: m.currency.clone(),
        locale: m.locale.clone(),
        demo_users,
        gift_limits: crate::engine::gift::program(engine).ok().map(|p| wire::GiftLimits {
            min_load: p.min_load.to_plain_string(),
            max_load: p.max_load.to_plain_string(),
            max_balance: p.max_balance.to_plain_string(),
            cash_out: match p.cash_out {
                crate::engine::cards::CashOutRule::Never => "never",
                crate::engine::cards::CashOutRule::Always => "always",
                crate::engine::cards::CashOutRule::AtOrUnder => "at_or_under",
            }
            .to_string(),
            cash_out_threshold: p.cash_out_threshold.to_plain_string(),
        }),
    }))
}

/// The wire's role of the engine's.
fn wire_role(role: tokens::Role) -> wire::Role {
    match role {
        tokens::Role::Cashier => wire::Role::Cashier,
        tokens::Role::Manager => wire::Role::Manager,
        tokens::Role::Trainer => wire::Role::Trainer,
    }
}

/// Log in with user number and PIN.
#[utoipa::path(post, path = "/till/v1/sessions", tag = "till", request_body = LoginRequest,
    responses(
        (status = 201, body = SessionReply),
        (status = 400, description = "malformed body or a PIN that is not 4 to 8 digits (`invalid_request`)", body = ErrorBody),
        (status = 401, description = "wrong user number or PIN, or the user is locked after too many wrong PINs \
            (`wrong_pin`; deliberately one answer)", body = ErrorBody),
    ))]
pub async fn login(
    State(state): State<AppState>,
    ApiJson(req): ApiJson<LoginRequest>,
) -> Result<(StatusCode, Json<SessionReply>), ApiError> {
    if users::check_pin(&req.pin).is_err() {
        return Err(ApiError::bad_request("invalid_request", "A PIN has 4 to 8 digits."));
    }
    if let Some(t) = &req.terminal {
        terminals::check_id(t).map_err(|m| ApiError::bad_request("invalid_request", m))?;
    }
    let engine = &state.engine;
    let user = match users::login(engine, req.user, &req.pin).await {
        Ok(u) => u,
        Err(LoginError::Refused) => {
            // One answer for an unknown number, a wrong PIN and a locked user (see users::login).
            return Err(ApiError::new(
                StatusCode::UNAUTHORIZED,
                "wrong_pin",
                format!(
                    "Wrong user number or PIN. After {MAX_ATTEMPTS} wrong PINs in a row a user is locked for {} minutes \
                     (a manager can lift it: Users on the till, or till user unlock).",
                    LOCK_SECS / 60
                ),
            ));
        }
        Err(LoginError::Engine(e)) => return Err(ApiError::internal(&e)),
    };
    let token = tokens::create_session(engine, user.number, user.role, SESSION_TTL)
        .await
        .map_err(|e| ApiError::internal(&e))?;
    if let Some(t) = &req.terminal {
        terminals::register(engine, t, user.number).await.map_err(|e| ApiError::internal(&e))?;
    }
    tracing::info!(user = user.number, role = %user.role, terminal = req.terminal.as_deref(), "login");
    Ok((
        StatusCode::CREATED,
        Json(SessionReply {
            token,
            user: UserInfo { number: user.number, name: user.name, role: wire_role(user.role) },
            expires_in_secs: SESSION_TTL.as_secs(),
        }),
    ))
}

/// The logged-in user behind the session token.
#[utoipa::path(get, path = "/till/v1/session", tag = "till", security(("bearer" = [])),
    responses((status = 200, body = UserInfo), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn whoami(State(state): State<AppState>, principal: Principal) -> Result<Json<UserInfo>, ApiError> {
    let (number, role) = principal.require_user()?;
    principal.require_role(&[Role::Cashier, Role::Manager, Role::Trainer])?;
    let user = state
        .engine
        .read_async(move |e| users::get(e, number))
        .await
        .map_err(|e| ApiError::internal(&e))?
        .ok_or_else(|| ApiError::unauthorized("This user no longer exists."))?;
    Ok(Json(UserInfo { number, name: user.name, role: wire_role(role) }))
}

/// Log out: the session token stops working.
#[utoipa::path(delete, path = "/till/v1/session", tag = "till", security(("bearer" = [])),
    responses((status = 204), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn logout(
    State(state): State<AppState>,
    principal: Principal,
    headers: HeaderMap,
) -> Result<StatusCode, ApiError> {
    principal.require_user()?;
    let token = headers
        .get(axum::http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split_once(' ').map(|(_, t)| t.trim().to_string()))
        .unwrap_or_default();
    tokens::revoke(&state.engine, &token).await.map_err(|e| ApiError::internal(&e))?;
    Ok(StatusCode::NO_CONTENT)
}
