//! The full-screen till.
//!
//! | file          | owns                                                                     |
//! |---------------|--------------------------------------------------------------------------|
//! | `app`         | state and the one update path: input, replies, ticks in; requests out    |
//! | `action`      | the `Action` enum keys map to                                            |
//! | `keymap`      | bindings; the footer and the help overlay are drawn from the same list   |
//! | `input`       | the resolver that tells scanner bursts and card swipes from typing       |
//! | `screens`     | one enum of screens (login, home, gift, retail, journal, settings, users, a manager's approval) |
//! | `widgets`     | status bar, footer, fields, dialogs, receipt preview                    |
//! | `theme`       | named styles; `NO_COLOR` gives a monochrome theme                        |
//! | `settings`    | the till's settings file in the platform config directory               |
//! | `model`       | view data the screens show                                               |
//! | `declines`    | the screen's words for an engine refusal code                            |
//! | `worker`      | carries out requests through `client` (and the local printer, settings)  |
//! | `users_calls` | the users screen's calls and a manager's approval at the till           |
//! | `run`         | the terminal, the event loop, starting the embedded engine              |

pub mod action;
pub mod app;
pub mod calls;
pub mod declines;
pub mod input;
pub mod keymap;
pub mod manager_calls;
pub mod model;
pub mod run;
pub mod screens;
pub mod settings;
pub mod spots_calls;
pub mod theme;
pub mod users_calls;
pub mod widgets;
pub mod worker;

pub use app::{App, Ctx, Msg, Overlay, Reply, Request};
pub use run::{EmbeddedEngine, Host, RunOptions, run};
