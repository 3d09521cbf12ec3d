//! (skeleton) `till verify`.
use super::{CliResult, Global};
pub fn run(_g: &Global) -> CliResult {
    Err("`till verify` is not built yet".into())
}
