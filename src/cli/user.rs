//! `till user add --number N --name NAME --role ROLE --pin PIN`: creates a cashier, manager or
//! trainer. The PIN is stored hashed. `till user unlock --number N` lifts a lock after wrong PINs;
//! `till user list` shows every user; `disable`/`enable` take one out of service and back;
//! `reset --number N --pin PIN` gives a new PIN.

use std::process::ExitCode;

use super::{CliResult, Global, open_engine};
use crate::engine::user_admin;

pub fn add(g: &Global, number: u32, name: &str, role: &str, pin: &str) -> CliResult {
    let engine = open_engine(g)?;
    let user = crate::engine::users::add_user_blocking(&engine, number, name, role, pin)?;
    println!("user {} {} ({}) created", user.number, user.name, user.role);
    Ok(ExitCode::SUCCESS)
}

pub fn unlock(g: &Global, number: u32) -> CliResult {
    let engine = open_engine(g)?;
    if crate::engine::users::unlock_blocking(&engine, number)? {
        println!("user {number} unlocked");
        Ok(ExitCode::SUCCESS)
    } else {
        Err(format!("there is no user {number}").into())
    }
}

pub fn list(g: &Global) -> CliResult {
    let engine = open_engine(g)?;
    println!("{:>8}  {:<24}  {:<8}  state", "number", "name", "role");
    for u in user_admin::list_blocking(&engine)? {
        let state = if u.disabled {
            "disabled".to_string()
        } else if let Some(until) = u.locked_until {
            format!("locked until {} UTC (till user unlock)", super::token::utc(until))
        } else if u.failed_attempts > 0 {
            format!("active, {} wrong PIN(s)", u.failed_attempts)
        } else {
            "active".to_string()
        };
        println!("{:>8}  {:<24}  {:<8}  {state}", u.number, u.name, u.role);
    }
    Ok(ExitCode::SUCCESS)
}

pub fn set_disabled(g: &Global, number: u32, disabled: bool) -> CliResult {
    let engine = open_engine(g)?;
    if user_admin::set_disabled_blocking(&engine, number, disabled)? {
        println!("user {number} {}", if disabled { "disabled; their sessions ended" } else { "enabled" });
        Ok(ExitCode::SUCCESS)
    } else {
        Err(format!("there is no user {number}").into())
    }
}

pub fn reset(g: &Global, number: u32, pin: &str) -> CliResult {
    let engine = open_engine(g)?;
    if user_admin::reset_pin_blocking(&engine, number, pin)? {
        println!("user {number} has a new PIN");
        Ok(ExitCode::SUCCESS)
    } else {
        Err(format!("there is no user {number}").into())
    }
}
