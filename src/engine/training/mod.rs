//! Training: scenarios a trainer runs for a trainee on the practice ledger, faults injected through
//! one seam only the practice engine has. Scoring (from what the practice ledger and journal
//! recorded) is still to come.
//!
//! | file          | owns                                                                  |
//! |---------------|-----------------------------------------------------------------------|
//! | `scenario.rs` | the scenario file's format (strict serde)                             |
//! | `check.rs`    | reading a file and saying what is wrong with it, by line and field    |
//! | `library.rs`  | the shipped scenarios and the trainer's own (`<data>/scenarios/`)     |
//! | `faults.rs`   | the fault seam: [`Faults`], armed per step, refused on a live engine  |

pub mod check;
pub mod faults;
pub mod library;
pub mod scenario;

pub use check::{Problem, parse};
pub use faults::{Faults, NotPractice, card_rule, faults};
pub use scenario::{Expect, Hosts, Scenario, Step};
