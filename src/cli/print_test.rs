//! (skeleton) `till print-test`.
use super::{CliResult, Global};
pub fn run(_g: &Global, _printer: Option<&str>, _locale: Option<&str>, _width: Option<u16>) -> CliResult {
    Err("`till print-test` is not built yet".into())
}
