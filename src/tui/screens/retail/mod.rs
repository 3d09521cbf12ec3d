//! Retail gift cards (the distributor's two-step order): find the product, pick the amount, scan
//! the card for POSA, create the order (the preliminary check), take the payment, confirm, print
//! the returned lines. Cancelling invalidates; a confirm with no answer is resolved by asking for
//! the order and then confirming or invalidating as its state requires.
//!
//! | file      | owns                                                                          |
//! |-----------|-------------------------------------------------------------------------------|
//! | `state`   | the screen's state: where the sale is ([`Step`]), the fields, the order        |
//! | `flow`    | keys, scans and typed amounts: what each does to the state, the call it asks for |
//! | `replies` | the dialog's answer, the resolver's ticks and the engine's replies            |
//! | `view`    | drawing the product list, the step's form and the sale with its receipt       |

mod flow;
mod replies;
mod state;
mod view;

pub use state::{Retail, Step};
