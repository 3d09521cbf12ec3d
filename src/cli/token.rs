//! `till token create --name NAME`: prints a new API bearer token (stored hashed, shown once).
//! `till token list [--all]` lists them by id and name; `till token revoke --id N | --name NAME`
//! revokes them (a running server stops accepting one within seconds).

use std::process::ExitCode;

use super::{CliResult, Global, open_engine};
use crate::engine::api_tokens::{self, Which};

pub fn create(g: &Global, name: &str) -> CliResult {
    let engine = open_engine(g)?;
    let token = crate::engine::tokens::create_api_token_blocking(&engine, name)?;
    println!("{token}");
    Ok(ExitCode::SUCCESS)
}

pub fn list(g: &Global, all: bool) -> CliResult {
    let engine = open_engine(g)?;
    let tokens = api_tokens::list_blocking(&engine, all)?;
    println!("{:>6}  {:<24}  {:<20}  state", "id", "name", "created (UTC)");
    for t in &tokens {
        let state = match t.revoked_at {
            Some(at) => format!("revoked {}", utc(at)),
            None => "live".to_string(),
        };
        println!("{:>6}  {:<24}  {:<20}  {state}", t.id, t.name, utc(t.created_at));
    }
    if tokens.is_empty() {
        println!("(no API tokens{})", if all { "" } else { " live" });
    }
    Ok(ExitCode::SUCCESS)
}

pub fn revoke(g: &Global, id: Option<i64>, name: Option<String>) -> CliResult {
    let which = match (id, name) {
        (Some(id), _) => Which::Id(id),
        (None, Some(name)) => Which::Name(name),
        (None, None) => return Err("name the token: --id N (see till token list) or --name NAME".into()),
    };
    let engine = open_engine(g)?;
    match api_tokens::revoke_blocking(&engine, which.clone())? {
        0 => Err(match which {
            Which::Id(id) => format!("there is no live API token {id} (see till token list)"),
            Which::Name(n) => format!("there is no live API token named {n:?} (see till token list)"),
        }
        .into()),
        n => {
            println!("{n} API token{} revoked", if n == 1 { "" } else { "s" });
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// Unix seconds as `YYYY-MM-DD HH:MM:SS`.
pub(super) fn utc(secs: i64) -> String {
    match time::OffsetDateTime::from_unix_timestamp(secs) {
        Ok(t) => format!(
            "{:04}-{:02}-{:02} {:02}:{:02}:{:02}",
            t.year(),
            u8::from(t.month()),
            t.day(),
            t.hour(),
            t.minute(),
            t.second()
        ),
        Err(_) => secs.to_string(),
    }
}
