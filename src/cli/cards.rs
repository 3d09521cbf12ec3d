//! (skeleton) `till cards generate`.
use super::{CliResult, Global};
pub fn generate(_g: &Global, _count: u32) -> CliResult {
    Err("`till cards generate` is not built yet".into())
}
