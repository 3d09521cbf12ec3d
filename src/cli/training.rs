//! `till training check FILE`: validates a scenario file, printing every problem by line and
//! field (exit 1), or one OK line with what the scenario holds (exit 0).

use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

use super::CliResult;
use crate::engine::training;

/// Checks one scenario file; the report goes to `out` (stdout for the command).
pub fn check(file: &Path, out: &mut dyn Write) -> CliResult {
    let text = std::fs::read_to_string(file).map_err(|e| format!("cannot read {}: {e}", file.display()))?;
    match training::parse(&text) {
        Ok(s) => {
            let faults = s.steps.iter().filter(|st| st.hosts != training::Hosts::default()).count();
            writeln!(
                out,
                "OK {}: \"{}\", {} step(s), {} with simulated faults",
                file.display(),
                s.title,
                s.steps.len(),
                faults
            )?;
            Ok(ExitCode::SUCCESS)
        }
        Err(problems) => {
            for p in &problems {
                writeln!(out, "{}: {p}", file.display())?;
            }
            writeln!(out, "{}: {} problem(s); the scenario cannot be started", file.display(), problems.len())?;
            Ok(ExitCode::FAILURE)
        }
    }
}
