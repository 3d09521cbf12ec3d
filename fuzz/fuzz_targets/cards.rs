//! The card and track parsers: track 1 / track 2 data, Luhn, and the card-info resolution of a
//! request (number, barcode, track, phone) never panic.
#![no_main]
use libfuzzer_sys::fuzz_target;

#[path = "../props.rs"]
mod props;

fuzz_target!(|data: &[u8]| props::cards(data));
