//! The `till` binary: parses the command line and hands over to [`till::cli`].

fn main() -> std::process::ExitCode {
    till::cli::main()
}
