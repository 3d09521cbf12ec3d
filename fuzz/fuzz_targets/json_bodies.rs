//! JSON request bodies: every surface's request types read through the API's own body readers
//! (`parse_object`, `parse_json`: strict types, numbers never through f64) never panic on any
//! bytes, whatever the nesting, the numbers or the encoding.
#![no_main]
use libfuzzer_sys::fuzz_target;

#[path = "../props.rs"]
mod props;

fuzz_target!(|data: &[u8]| props::json_bodies(data));
