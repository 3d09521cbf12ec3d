//! Bearer token authentication for every surface.
//!
//! Put [`Principal`] in a handler's arguments and the handler runs only for a live token
//! (`Authorization: Bearer <token>`); anything else is answered 401 in the shape of the surface the
//! path belongs to (the Failure object on `/gift`, `{"error":…}` elsewhere). Role checks are
//! explicit in the handler: `principal.require_role(&[Role::Manager])?`.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};

use super::AppState;
use super::error::{ApiError, GiftFailure};
pub use crate::engine::tokens::{Principal, Role};

/// Why a request was not let in.
#[derive(Debug)]
pub struct AuthRejection {
    gift: bool,
    status: StatusCode,
    code: &'static str,
    message: String,
}

impl IntoResponse for AuthRejection {
    fn into_response(self) -> Response {
        if self.gift {
            GiftFailure::new(self.status, self.code, self.message).into_response()
        } else {
            ApiError::new(self.status, self.code, self.message).into_response()
        }
    }
}

/// The token in an `Authorization: Bearer <token>` header, if there is one.
pub fn bearer_token(parts: &Parts) -> Option<&str> {
    let value = parts.headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.trim().split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then(|| token.trim()).filter(|t| !t.is_empty())
}

impl FromRequestParts<AppState> for Principal {
    type Rejection = AuthRejection;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let gift = parts.uri.path().starts_with("/gift");
        let reject = |status, code, message: &str| AuthRejection { gift, status, code, message: message.to_string() };
        let Some(token) = bearer_token(parts) else {
            return Err(reject(
                StatusCode::UNAUTHORIZED,
                "unauthorized",
                "Missing bearer token: send `Authorization: Bearer <token>`.",
            ));
        };
        // From memory when the token was checked moments ago, else on the blocking pool.
        match crate::engine::tokens::authenticate_async(&state.engine, token).await {
            Ok(Some(principal)) => {
                super::access::surface_guard(state, &parts.method, parts.uri.path(), &principal)
                    .map_err(|d| reject(d.status, d.code, &d.message))?;
                shift_guard(parts, state, &principal)
                    .await
                    .map_err(|(status, code, message)| reject(status, code, &message))?;
                Ok(principal)
            }
            Ok(None) => Err(reject(StatusCode::UNAUTHORIZED, "unauthorized", "The bearer token is not valid.")),
            Err(e) => {
                tracing::error!(error = %e, "token lookup failed");
                Err(reject(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "unavailable",
                    "The token could not be checked; try again.",
                ))
            }
        }
    }
}

/// Whether a request moves money at the till, so that a logged-in user needs an open shift for it.
/// Balance enquiries, reversals and invalidations stay open: a till must always be able to look and
/// to undo what is in doubt, also after the shift closed.
pub fn needs_open_shift(method: &axum::http::Method, path: &str) -> bool {
    if method != axum::http::Method::POST {
        return false;
    }
    if let Some(op) = path.strip_prefix("/gift/") {
        return !matches!(op, "balance.json" | "reverse.json");
    }
    // A spot order paid in cash at the till: cash into the drawer.
    if path.starts_with(crate::api::spots::till::CASH_PATH_PREFIX) {
        return true;
    }
    if let Some(rest) = path.strip_prefix("/v1/retail_orders") {
        return rest.is_empty() || rest == "/" || rest.ends_with("/actions/confirm");
    }
    false
}

/// The till's shift rule, in the one place every request's principal becomes known: a user's
/// money-moving request needs an open shift (see `engine::shifts::guard`). API clients (partner
/// systems, other tills' servers) are not bound to shifts.
async fn shift_guard(
    parts: &Parts,
    state: &AppState,
    principal: &Principal,
) -> Result<(), (StatusCode, &'static str, String)> {
    let Principal::User { number, role } = principal else { return Ok(()) };
    // A trainer on the practice ledger has no drawer to count (engine::roles).
    if *role == Role::Trainer && state.engine.is_practice() {
        return Ok(());
    }
    if !needs_open_shift(&parts.method, parts.uri.path()) {
        return Ok(());
    }
    let (number, role) = (*number, *role);
    let checked = state.engine.read_async(move |e| crate::engine::shifts::guard(e, number, role)).await;
    checked.map_err(|e| match e.kind {
        crate::engine::shifts::ErrorKind::Internal => {
            tracing::error!(error = %e, "shift check failed");
            (StatusCode::SERVICE_UNAVAILABLE, "unavailable", "The shift could not be checked; try again.".to_string())
        }
        _ => (StatusCode::CONFLICT, e.code, e.message),
    })
}

impl Principal {
    /// Ok when the caller is a logged-in user with one of `roles`; 403 otherwise (API clients too).
    pub fn require_role(&self, roles: &[Role]) -> Result<(), ApiError> {
        match self {
            Principal::User { role, .. } if roles.contains(role) => Ok(()),
            Principal::User { role, .. } => Err(ApiError::forbidden(format!(
                "This needs the role {}; you are signed in as {role}.",
                roles.iter().map(|r| r.as_str()).collect::<Vec<_>>().join(" or ")
            ))),
            Principal::Client { .. } => Err(ApiError::forbidden("This needs a signed-in user, not an API token.")),
        }
    }

    /// The user number and role of a logged-in user; 403 for API clients.
    pub fn require_user(&self) -> Result<(u32, Role), ApiError> {
        match self {
            Principal::User { number, role } => Ok((*number, *role)),
            Principal::Client { .. } => Err(ApiError::forbidden("This needs a signed-in user, not an API token.")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parts(auth: Option<&str>) -> Parts {
        let mut b = axum::http::Request::builder().uri("/gift/balance.json");
        if let Some(a) = auth {
            b = b.header(header::AUTHORIZATION, a);
        }
        b.body(()).unwrap().into_parts().0
    }

    #[test]
    fn bearer_tokens_are_read_case_insensitively() {
        assert_eq!(bearer_token(&parts(Some("Bearer till_x"))), Some("till_x"));
        assert_eq!(bearer_token(&parts(Some("bearer  till_x "))), Some("till_x"));
        assert_eq!(bearer_token(&parts(Some("Basic abc"))), None);
        assert_eq!(bearer_token(&parts(Some("Bearer "))), None);
        assert_eq!(bearer_token(&parts(None)), None);
    }

    #[test]
    fn roles_are_checked() {
        let m = Principal::User { number: 9001, role: Role::Manager };
        assert!(m.require_role(&[Role::Manager]).is_ok());
        let c = Principal::User { number: 1001, role: Role::Cashier };
        assert_eq!(c.require_role(&[Role::Manager]).unwrap_err().status, StatusCode::FORBIDDEN);
        let api = Principal::Client { name: "pos".into() };
        assert_eq!(api.require_user().unwrap_err().status, StatusCode::FORBIDDEN);
    }
}
