//! (skeleton) `till serve`.
use super::{CliResult, Global};
pub fn run(_g: &Global, _listen: &str) -> CliResult {
    Err("`till serve` is not built yet".into())
}
