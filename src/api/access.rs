//! Roles on every surface: which routes a user's session may reach (a trainer works only on the
//! practice ledger), and the manager's approval of a cashier's action ([`approve`]), by the
//! manager's number and PIN sent with that one request. The rules themselves are
//! [`crate::engine::roles`].
//!
//! | header                  | carries                                                      |
//! |-------------------------|--------------------------------------------------------------|
//! | `X-Till-Approver`       | the approving manager's user number                           |
//! | `X-Till-Approver-Pin`   | that manager's PIN (counted like a login: five wrong ones lock) |

use axum::http::{HeaderMap, Method, StatusCode};

use super::AppState;
use super::error::{ApiError, GiftFailure};
use crate::engine::roles::{self, Act, Verdict};
use crate::engine::tokens::{Principal, Role};
use crate::engine::users::{self, LoginError};

pub const APPROVER_HEADER: &str = "x-till-approver";
pub const APPROVER_PIN_HEADER: &str = "x-till-approver-pin";

/// A refusal for lack of a role, in whichever surface's error shape.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Denied {
    pub status: StatusCode,
    pub code: &'static str,
    pub message: String,
}

impl Denied {
    fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Denied {
        Denied { status, code, message: message.into() }
    }
    fn training_only() -> Denied {
        Denied::new(
            StatusCode::FORBIDDEN,
            "training_only",
            "A trainer works on the practice ledger only: start the till with --training.",
        )
    }
}

impl From<Denied> for GiftFailure {
    fn from(d: Denied) -> GiftFailure {
        GiftFailure::new(d.status, d.code, d.message)
    }
}

impl From<Denied> for ApiError {
    fn from(d: Denied) -> ApiError {
        ApiError::new(d.status, d.code, d.message)
    }
}

/// The routes a trainer's session may reach on the live ledger: only its own session (to see who
/// it is and to log out). Everything else, reading included, is the store's business.
fn trainer_may_reach(method: &Method, path: &str) -> bool {
    path == "/till/v1/session" && (method == Method::GET || method == Method::DELETE)
}

/// The surface rule, checked for every authenticated request: a user session of a trainer reaches
/// nothing on the live ledger but its own session.
pub fn surface_guard(state: &AppState, method: &Method, path: &str, principal: &Principal) -> Result<(), Denied> {
    match principal {
        Principal::User { role, .. } if !roles::may_work(*role, state.engine.is_practice()) => {
            if trainer_may_reach(method, path) { Ok(()) } else { Err(Denied::training_only()) }
        }
        _ => Ok(()),
    }
}

/// Whether `principal` may do `act` here, and who approved it: `Ok(None)` when the caller's own
/// role suffices (or it is an API client, whose token is its authority), `Ok(Some(manager))` when
/// a cashier sent a manager's number and PIN that check out.
pub async fn approve(
    state: &AppState,
    principal: &Principal,
    headers: &HeaderMap,
    act: Act,
) -> Result<Option<u32>, Denied> {
    let Principal::User { number, role } = principal else {
        return Ok(None);
    };
    let practice = state.engine.is_practice();
    match roles::verdict(*role, act, practice) {
        Verdict::Allowed => Ok(None),
        Verdict::TrainingOnly => Err(Denied::training_only()),
        Verdict::NeedsManager => {
            let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok()).map(str::trim);
            let (Some(approver), Some(pin)) = (header(APPROVER_HEADER), header(APPROVER_PIN_HEADER)) else {
                return Err(Denied::new(
                    StatusCode::FORBIDDEN,
                    "needs_approval",
                    format!(
                        "A manager approves this ({}): the manager types their number and PIN at the till.",
                        act.as_str()
                    ),
                ));
            };
            let refused = || {
                Denied::new(
                    StatusCode::FORBIDDEN,
                    "approval_refused",
                    "That is not a manager's number and PIN (after 5 wrong PINs the manager is locked).",
                )
            };
            let approver: u32 = approver.parse().map_err(|_| refused())?;
            if approver == *number || users::check_pin(pin).is_err() {
                return Err(refused());
            }
            match users::login(&state.engine, approver, pin).await {
                Ok(u) if roles::verdict(u.role, act, practice) == Verdict::Allowed && u.role != Role::Cashier => {
                    tracing::info!(user = number, approver, act = act.as_str(), "approved by a manager");
                    Ok(Some(approver))
                }
                Ok(_) | Err(LoginError::Refused) => Err(refused()),
                Err(LoginError::Engine(e)) => {
                    tracing::error!(error = %e, "approval check failed");
                    Err(Denied::new(
                        StatusCode::SERVICE_UNAVAILABLE,
                        "unavailable",
                        "The approval could not be checked.",
                    ))
                }
            }
        }
    }
}
