//! The gift card screen: present a card (scan, swipe or type), see its panel, then sell, reload,
//! redeem (with tip and split tender), check, cash out, exchange, reverse, activate, deactivate or
//! refund. Everything that moves money is confirmed first; an answer that never came is resolved
//! by reversing with the operation's own id.
//!
//! | file    | owns                                                                          |
//! |---------|-------------------------------------------------------------------------------|
//! | `state` | the screen's state: where the cashier is ([`Step`]), the fields, the pending call |
//! | `checks` | what the program refuses before the tender step (load limits, cash-out rule) |
//! | `flow`  | keys, scans and typed amounts: what each does to the state, the call it asks for |
//! | `replies` | the dialog's answer, the resolver's ticks and the engine's replies            |
//! | `view`  | drawing the card panel, the step's form and the result with its receipt        |

mod checks;
mod flow;
mod replies;
mod state;
mod view;

pub use state::{Done, Gift, Split, Step};
