//! `till token create --name NAME`: prints a new API bearer token (stored hashed, shown once).

use std::process::ExitCode;

use super::{CliResult, Global, open_engine};

pub fn create(g: &Global, name: &str) -> CliResult {
    let engine = open_engine(g)?;
    let token = crate::engine::tokens::create_api_token_blocking(&engine, name)?;
    println!("{token}");
    Ok(ExitCode::SUCCESS)
}
