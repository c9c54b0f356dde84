//! `ibias`: the command-line front end. All logic lives in the library; its `cli` module
//! parses the arguments, runs the command and prints.

fn main() -> std::process::ExitCode {
    implicit_bias::cli::main()
}
