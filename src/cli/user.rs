//! `till user add --number N --name NAME --role ROLE --pin PIN`: creates a cashier, manager or
//! trainer. The PIN is stored hashed. `till user unlock --number N` lifts a lock after wrong PINs.

use std::process::ExitCode;

use super::{CliResult, Global, open_engine};

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
