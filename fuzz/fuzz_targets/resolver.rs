//! The input resolver: any sequence of key events at any spacing (scans, swipes, typing, chords)
//! never panics, and nothing stays held after a second of silence.
#![no_main]
use libfuzzer_sys::fuzz_target;

#[path = "../props.rs"]
mod props;

fuzz_target!(|data: &[u8]| props::resolver(data));
