//! Command-line interface: argument parsing, dispatch on precision, output.
//!
//! Exit status: 0 established, 1 a checked claim failed, 2 bad input or usage, 3 inconclusive,
//! 70 internal error (a panic, caught here and printed as one line; docs/cli.md).

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

/// Exit status of an internal error: a panic that reached the edge (`EX_SOFTWARE` of
/// sysexits.h). No input should reach it; the test suites assert that none does.
pub const INTERNAL_ERROR: u8 = 70;

/// The message and place of the last panic, recorded by the hook for the one-line report.
static PANIC: std::sync::Mutex<Option<String>> = std::sync::Mutex::new(None);

pub fn main() -> ExitCode {
    // a panic is reported as one line, after the command's own output, not as a backtrace
    std::panic::set_hook(Box::new(|info| {
        let what = info
            .payload()
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| info.payload().downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "panic".into());
        let place = info
            .location()
            .map(|l| format!(" at {}:{}", l.file(), l.line()))
            .unwrap_or_default();
        if let Ok(mut p) = PANIC.lock() {
            *p = Some(format!("{what}{place}"));
        }
    }));
    match std::panic::catch_unwind(dispatch) {
        Ok(code) => code,
        Err(_) => {
            let what = PANIC
                .lock()
                .ok()
                .and_then(|mut p| p.take())
                .unwrap_or_else(|| "panic".into());
            let command = std::env::args().collect::<Vec<_>>().join(" ");
            diagnostic(&format!(
                "ibias: internal error: {} (please report, with this command: {command})",
                what.replace('\n', " ")
            ));
            ExitCode::from(INTERNAL_ERROR)
        }
    }
}

fn dispatch() -> ExitCode {
    if std::env::var_os("IBIAS_TEST_PANIC").is_some() {
        // lets the test suite check the edge itself (tests/bad_input.rs)
        panic!("requested by IBIAS_TEST_PANIC");
    }
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
