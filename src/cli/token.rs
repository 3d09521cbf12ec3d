//! (skeleton) `till token create`.
use super::{CliResult, Global};
pub fn create(_g: &Global, _name: &str) -> CliResult {
    Err("`till token create` is not built yet".into())
}
