//! (skeleton) `till user add`.
use super::{CliResult, Global};
pub fn add(_g: &Global, _number: u32, _name: &str, _role: &str, _pin: &str) -> CliResult {
    Err("`till user add` is not built yet".into())
}
