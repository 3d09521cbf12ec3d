//! (skeleton) `till products import`, `till codes import`, `till balance add`.
use super::{CliResult, Global};
use std::path::Path;
pub fn import_products(_g: &Global, _file: &Path) -> CliResult {
    Err("`till products import` is not built yet".into())
}
pub fn import_codes(_g: &Global, _product: &str, _file: &Path) -> CliResult {
    Err("`till codes import` is not built yet".into())
}
pub fn add_balance(_g: &Global, _amount: &str, _currency: &str) -> CliResult {
    Err("`till balance add` is not built yet".into())
}
