//! The money parser: plain and localized amounts in every currency and locale never panic, and
//! whatever parses formats back to an amount that parses to the same value.
#![no_main]
use libfuzzer_sys::fuzz_target;

#[path = "../props.rs"]
mod props;

fuzz_target!(|data: &[u8]| props::money(data));
