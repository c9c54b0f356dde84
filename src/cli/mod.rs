//! Command-line interface: argument parsing, dispatch on precision, output.
//!
//! Exit status: 0 established, 1 a checked claim failed, 2 bad input or usage, 3 inconclusive
//! (docs/cli.md).

mod args;
mod bench;
mod compare;
mod gen;
mod oracle;
mod run;

use clap::Parser;
use std::io::Write;
use std::process::ExitCode;

pub use args::{Cli, Command};

/// A CLI failure: printed as one line on stderr with the given exit code.
#[derive(Debug)]
pub struct Failure {
    pub code: u8,
    pub message: String,
}

impl From<implicit_bias::Error> for Failure {
    fn from(e: implicit_bias::Error) -> Self {
        Failure {
            code: 2,
            message: e.to_string(),
        }
    }
}

pub type CliResult = Result<u8, Failure>;

/// Writes to stdout, treating a closed pipe as success.
pub fn emit(text: &str) -> Result<(), Failure> {
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|_| out.flush()) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) => Err(Failure {
            code: 2,
            message: format!("cannot write output: {e}"),
        }),
    }
}

/// Writes one line to stderr, best effort: unlike `eprintln!`, a full or broken stderr is
/// not a panic (the exit status still tells the story).
pub fn diagnostic(line: &str) {
    let mut err = std::io::stderr().lock();
    let _ = writeln!(err, "{line}").and_then(|_| err.flush());
}

pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    let result = match cli.command {
        None => run::demo(),
        Some(Command::Demo) => run::demo(),
        Some(Command::Gen(a)) => gen::gen(&a),
        Some(Command::Run(a)) => run::run_cmd(&a),
        Some(Command::Compare(a)) => compare::compare_cmd(&a),
        Some(Command::Oracle(a)) => oracle::oracle_cmd(&a),
        Some(Command::Bench(a)) => bench::bench(&a),
    };
    match result {
        Ok(code) => ExitCode::from(code),
        Err(f) => {
            let line = f.message.replace('\n', " ");
            diagnostic(&format!("ibias: error: {line}"));
            ExitCode::from(f.code)
        }
    }
}
