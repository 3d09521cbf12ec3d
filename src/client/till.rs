//! Client calls for `/till/v1` sessions: terminal info, login, who am I, logout.

use reqwest::Method;

use super::{Client, ClientError};
pub use crate::wire::till::{
    ApprovalReply, ApprovalRequest, LoginRequest, Role, SessionReply, TerminalInfo, UserInfo, UserRow,
};

impl Client {
    /// `GET /till/v1/terminal`: who and where this till is (no login needed).
    pub async fn terminal_info(&self) -> Result<TerminalInfo, ClientError> {
        self.get_json("/till/v1/terminal").await
    }

    /// `POST /till/v1/sessions`: logs a user in. The reply's token is for [`Client::with_token`].
    /// `terminal`: the till's terminal id, registered with the engine.
    pub async fn login(&self, user: u32, pin: &str, terminal: Option<&str>) -> Result<SessionReply, ClientError> {
        let req = LoginRequest { user, pin: pin.to_string(), terminal: terminal.map(str::to_string) };
        self.post_json("/till/v1/sessions", &req).await
    }

    /// `GET /till/v1/session`: the user this client's token belongs to.
    pub async fn whoami(&self) -> Result<UserInfo, ClientError> {
        self.get_json("/till/v1/session").await
    }

    /// `DELETE /till/v1/session`: ends this client's session.
    pub async fn logout(&self) -> Result<(), ClientError> {
        self.send_raw::<()>(Method::DELETE, "/till/v1/session", None, &[]).await.map(|_| ())
    }

    /// `GET /till/v1/users`: every user, with who is locked.
    pub async fn users(&self) -> Result<Vec<UserRow>, ClientError> {
        self.get_json("/till/v1/users").await
    }

    /// `POST /till/v1/users/{number}/unlock`: lifts a lock (a manager, or with a manager's
    /// approval: [`Client::with_approval`]).
    pub async fn unlock_user(&self, number: u32) -> Result<UserRow, ClientError> {
        self.post_json(&format!("/till/v1/users/{number}/unlock"), &serde_json::json!({})).await
    }

    /// `POST /till/v1/approvals`: a manager's approval of `act` (`settings`), checked and audited
    /// by the engine; the reply names the approver.
    pub async fn approve(&self, act: &str) -> Result<ApprovalReply, ClientError> {
        self.post_json("/till/v1/approvals", &ApprovalRequest { act: act.to_string() }).await
    }
}
