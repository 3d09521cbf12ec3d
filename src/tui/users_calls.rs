//! The calls of the users screen and of a manager's approval at the till, carried out by the
//! worker through the client: the user list, unlocking a user, approving an action (`settings`).

use crate::client::till::UserRow;
use crate::tui::model::CallError;
use crate::tui::worker::{Link, call_error};

/// A call to make. `approval`: the manager's number and PIN typed at this till, for this call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UsersCall {
    List,
    Unlock { number: u32, approval: Option<(String, String)> },
    Approve { act: &'static str, manager: String, pin: String },
}

/// Its outcome.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UsersReply {
    Users(Vec<UserRow>),
    Unlocked(UserRow),
    /// The engine checked the manager's number and PIN for `act`; `approver` is who approved.
    Approved {
        act: String,
        approver: Option<u32>,
    },
}

pub async fn perform(link: &Link, call: UsersCall) -> Result<UsersReply, CallError> {
    let c = link.client().await?;
    Ok(match call {
        UsersCall::List => UsersReply::Users(c.users().await.map_err(call_error)?),
        UsersCall::Unlock { number, approval } => {
            let c = match &approval {
                Some((m, p)) => c.with_approval(m, p),
                None => c,
            };
            UsersReply::Unlocked(c.unlock_user(number).await.map_err(call_error)?)
        }
        UsersCall::Approve { act, manager, pin } => {
            let r = c.with_approval(&manager, &pin).approve(act).await.map_err(call_error)?;
            UsersReply::Approved { act: r.act, approver: r.approver }
        }
    })
}
