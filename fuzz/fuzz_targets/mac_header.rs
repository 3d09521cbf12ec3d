//! The MAC `Authorization` header parser: never panics, and whatever it accepts writes back to a
//! header that parses to the same fields.
#![no_main]
use libfuzzer_sys::fuzz_target;

#[path = "../props.rs"]
mod props;

fuzz_target!(|data: &[u8]| props::mac_header(data));
