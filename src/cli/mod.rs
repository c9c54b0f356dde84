//! The `ibias` command line: argument parsing, dispatch on precision, output. Its one public
//! item is [`main`], which the binary calls; everything else is the binary's own.
//!
//! Exit status: 0 established, 1 a checked claim failed, 2 bad input or usage, 3 inconclusive,
//! 70 internal error (a panic, caught here and printed as one line; docs/cli.md).

mod args;
mod audit;
mod bench;
mod common;
mod compare;
mod flow;
mod gen;
mod oracle;
mod plot;
mod run;
mod sweep;

use clap::Parser;
use std::io::Write;
use std::process::ExitCode;

pub(crate) use args::{Cli, Command};

/// A CLI failure: printed as one line on stderr with the given exit code.
#[derive(Debug)]
pub(crate) struct Failure {
    pub(crate) code: u8,
    pub(crate) message: String,
}

impl From<crate::Error> for Failure {
    fn from(e: crate::Error) -> Self {
        Failure {
            code: 2,
            message: e.to_string(),
        }
    }
}

pub(crate) type CliResult = Result<u8, Failure>;

/// Writes to stdout, treating a closed pipe as success.
pub(crate) fn emit(text: &str) -> Result<(), Failure> {
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
pub(crate) fn diagnostic(line: &str) {
    let mut err = std::io::stderr().lock();
    let _ = writeln!(err, "{line}").and_then(|_| err.flush());
}

/// Exit status of an internal error: a panic that reached the edge (`EX_SOFTWARE` of
/// sysexits.h). No input should reach it; the test suites assert that none does.
pub(crate) const INTERNAL_ERROR: u8 = 70;

/// The message and place of the last panic, recorded by the hook for the one-line report.
static PANIC: std::sync::Mutex<Option<String>> = std::sync::Mutex::new(None);

/// Runs `ibias` on the process's arguments and returns its exit status (0 established, 1 a
/// claim failed, 2 bad input, 3 inconclusive, 70 internal error; docs/cli.md).
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
        Err(e) if !e.use_stderr() => {
            // --help, --version: printed as clap formats them, on stdout, exit 0
            let _ = e.print();
            return ExitCode::SUCCESS;
        }
        Err(e) => {
            diagnostic(&format!("ibias: error: {}", usage_error(&e)));
            return ExitCode::from(2);
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
        Some(Command::Audit(a)) => audit::audit_cmd(&a),
        Some(Command::Plot(a)) => plot::plot_cmd(&a),
        Some(Command::Flow(a)) => flow::flow_cmd(&a),
        Some(Command::Sweep(a)) => sweep::sweep_cmd(&a),
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

/// A command-line parse error as one line: clap's message (the first paragraph of its
/// report, lines joined), then its suggestions and the usage from the error's context, and
/// where the help is.
fn usage_error(e: &clap::Error) -> String {
    use clap::error::{ContextKind, ContextValue};
    let rendered = e.render().to_string();
    let message: Vec<&str> = rendered
        .trim_start()
        .lines()
        .map(str::trim)
        .take_while(|l| !l.is_empty())
        .collect();
    let message = message.join(" ");
    let message = message.strip_prefix("error:").unwrap_or(&message).trim();
    let mut line = if message.is_empty() {
        "invalid arguments".to_string()
    } else {
        message.to_string()
    };
    let one = |v: &ContextValue| match v {
        ContextValue::String(s) => vec![s.clone()],
        ContextValue::Strings(v) => v.clone(),
        ContextValue::StyledStr(s) => vec![s.to_string()],
        ContextValue::StyledStrs(v) => v.iter().map(ToString::to_string).collect(),
        _ => Vec::new(),
    };
    for (kind, value) in e.context() {
        let values = one(value);
        if values.is_empty() {
            continue;
        }
        let quoted = || {
            values
                .iter()
                .map(|v| format!("'{v}'"))
                .collect::<Vec<_>>()
                .join(" or ")
        };
        match kind {
            ContextKind::SuggestedArg
            | ContextKind::SuggestedSubcommand
            | ContextKind::SuggestedValue
            | ContextKind::SuggestedCommand => {
                line.push_str(&format!("; did you mean {}?", quoted()));
            }
            ContextKind::ValidValue => {
                line.push_str(&format!("; possible values: {}", values.join(", ")));
            }
            ContextKind::Suggested => {
                for tip in &values {
                    line.push_str(&format!("; tip: {}", tip.replace('\n', " ")));
                }
            }
            _ => {}
        }
    }
    if let Some(usage) = e.get(ContextKind::Usage) {
        let usage = usage.to_string();
        let usage = usage.trim().trim_start_matches("Usage:").trim();
        if !usage.is_empty() {
            line.push_str(&format!("; usage: {}", usage.replace('\n', " ")));
        }
    }
    line.push_str("; see --help");
    line
}
