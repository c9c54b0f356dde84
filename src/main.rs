//! `ibias`: the command-line front end. All logic lives in the library and `cli`.

mod cli;

fn main() -> std::process::ExitCode {
    cli::main()
}
