//! The parsers and helpers the subcommands share: reading `--data` through the column flags,
//! the command echo, the label note, and the validated step count, start, step size,
//! optimizer and `ibias run` experiment. Every subcommand file imports them from here and
//! none imports another.

use super::args::{DataArgs, HyperArgs, RunArgs};
use crate::data::{self, parse_rational, parse_table_reader, Columns, Delimiter, Loaded, Selected};
use crate::experiment::Experiment;
use crate::loss::Loss;
use crate::optim::OptimizerSpec;
use crate::run::{Schedule, MAX_STEPS};
use crate::saved::SavedState;
use crate::scalar::Precision;
use crate::theory::Conjecture;
use crate::Error;
use rug::Rational;
use std::path::Path;

/// The column selection of `--label`, `--features`, `--labels`.
fn columns(a: &DataArgs) -> Result<Columns, Error> {
    Columns::parse(
        a.label.as_deref(),
        a.features.as_deref(),
        a.labels.as_deref(),
    )
}

/// Reads `--data` (a file by its extension, or CSV/TSV on stdin for `-`) through the column
/// flags, binary or K-class.
pub(super) fn load_any(a: &DataArgs) -> Result<Loaded, Error> {
    let columns = columns(a)?;
    if a.data == Path::new("-") {
        parse_table_reader(std::io::stdin().lock(), "<stdin>", Delimiter::Sniff)?
            .select_any(&columns)
    } else {
        data::load_any(&a.data, &columns)
    }
}

/// Reads `--data` as [`load_any`] for a subcommand that takes binary data only: K-class data
/// are refused with a line naming the subcommand.
pub(super) fn load(a: &DataArgs, command: &str) -> Result<Selected, Error> {
    match load_any(a)? {
        Loaded::Binary(s) => Ok(s),
        Loaded::Classes(c) => Err(Error::Data(format!(
            "{}: {} classes ({}): `ibias {command}` takes binary data only; K-class data are \
             read by `ibias oracle`, `run`, `compare`, `flow`, `sweep` and `plot`",
            a.data.display(),
            c.classes(),
            c.names().join(", ")
        ))),
    }
}

/// `--data F` and the column flags as typed, for a command echo.
pub(super) fn data_echo(a: &DataArgs) -> String {
    format!(
        "--data {}{}",
        a.data.display(),
        columns(a).map(|c| c.to_args()).unwrap_or_default()
    )
}

/// The column flags as typed (each with a leading space), for a command echo.
pub(super) fn columns_echo(a: &DataArgs) -> Result<String, Error> {
    Ok(columns(a)?.to_args())
}

/// Prints the note of a label mapping (`--labels`), if any, on stderr.
pub(super) fn note(note: Option<&str>) {
    if let Some(n) = note {
        super::diagnostic(&format!("ibias: note: {n}"));
    }
}

/// Parses a step count such as `1e6` or `1000000`.
pub fn parse_steps(s: &str) -> Result<u64, Error> {
    let q = parse_rational(s).map_err(|_| {
        Error::param(
            "steps",
            format!("{s:?} is not a number of steps such as 1e6"),
        )
    })?;
    if *q.denom() != 1 || q < 0 {
        return Err(Error::param(
            "steps",
            format!("{s:?} is not a non-negative whole number"),
        ));
    }
    match q.numer().to_u64() {
        Some(v) if v <= MAX_STEPS => Ok(v),
        _ => Err(Error::param(
            "steps",
            format!("{s} is more than the supported maximum 1e15"),
        )),
    }
}

/// Parses `--init a,b,...` (exact numbers; the length is checked by the caller), or the
/// origin of dimension `d` when it is not given.
pub fn parse_init(text: Option<&str>, d: usize) -> Result<Vec<Rational>, Error> {
    match text {
        None => Ok(vec![Rational::new(); d]),
        Some(s) => s
            .split(',')
            .map(|f| parse_rational(f).map_err(|e| Error::param("init", e.to_string())))
            .collect(),
    }
}

/// Parses and validates a step size: `auto` (`None`: the data's step, theory §8.1) or an
/// exact `0 < η ≤ 1e6`.
pub fn parse_lr(s: &str) -> Result<Option<Rational>, Error> {
    if s == "auto" {
        return Ok(None);
    }
    parse_step(s).map(Some)
}

fn parse_step(s: &str) -> Result<Rational, Error> {
    let q = parse_rational(s).map_err(|e| Error::param("lr", e.to_string()))?;
    if q <= 0 {
        return Err(Error::param("lr", format!("{s} must be > 0")));
    }
    if q > 1_000_000 {
        return Err(Error::param("lr", format!("{s} is absurdly large (> 1e6)")));
    }
    Ok(q)
}

/// The checkpoint schedule of `--base`, `--per-decade` or `--at` (`ibias run`, `ibias flow`).
pub fn schedule(base: &str, per_decade: Option<&str>, at: Option<&str>) -> Result<Schedule, Error> {
    match (per_decade, at) {
        (Some(k), _) => Schedule::parse_per_decade(k),
        (None, Some(list)) => list
            .split(',')
            .map(|t| parse_steps(t.trim()).map_err(|e| Error::param("at", e.to_string())))
            .collect::<Result<Vec<_>, _>>()
            .map(Schedule::At),
        (None, None) => Schedule::parse_base(base),
    }
}

/// The validated experiment of `ibias run`, and the data's note (a label mapping).
pub fn experiment_from_args(a: &RunArgs) -> Result<(Experiment, Option<String>), Error> {
    let (base, note) = match load_any(&a.input)? {
        Loaded::Binary(selected) => {
            let mut data = selected.data;
            if a.gd.bias {
                data = data.with_bias();
            }
            (Experiment::new(data), selected.note)
        }
        Loaded::Classes(c) => {
            let c = if a.gd.bias { c.with_bias() } else { c };
            (Experiment::for_classes(c), None)
        }
    };
    let data = &base.data;
    let classes = base.classes.as_ref().map(|c| c.classes()).unwrap_or(2);
    // the default: the exponential loss, and on K-class data the softmax cross-entropy
    let loss = match &a.gd.loss {
        Some(s) => Loss::parse(s)?.for_classes(classes),
        None => Loss::Exponential.default_for(classes),
    };
    let lr = parse_lr(&a.gd.lr)?;
    // the step of the optimizer spec (`gd:lr=1/512`) is the step used everywhere
    let optimizer = optimizer_from_flags(&a.optimizer, &a.hyper, lr.as_ref())?;
    let conjectures = a
        .conjecture
        .iter()
        .map(|c| Conjecture::parse(c))
        .collect::<Result<Vec<_>, _>>()?;
    let steps = parse_steps(&a.gd.steps)?;
    let precision = Precision::parse(&a.gd.precision)?;
    let mut init = parse_init(a.gd.init.as_deref(), data.dim())?;
    let mut optimizer = optimizer;
    let resume = match &a.resume {
        None => None,
        Some(path) => {
            if a.gd.init.is_some() {
                return Err(Error::param(
                    "init",
                    "--init and --resume: a resumed run starts where the state file is",
                ));
            }
            let text = std::fs::read_to_string(path).map_err(|err| {
                Error::param("resume", format!("cannot read {}: {err}", path.display()))
            })?;
            let saved = SavedState::parse(&text, &path.display().to_string())?;
            init = saved.init_exact()?;
            // `--lr auto` takes the step the state was run with, never a new pick
            if optimizer.lr.is_none() {
                optimizer.lr = saved.lr();
            }
            Some(saved)
        }
    };
    let e = Experiment {
        data_name: a.input.data.display().to_string(),
        data_flags: columns_echo(&a.input)?,
        bias: a.gd.bias,
        loss,
        optimizer,
        steps,
        precision,
        init,
        schedule: schedule(
            &a.schedule.base,
            a.schedule.per_decade.as_deref(),
            a.schedule.at.as_deref(),
        )?,
        seed: a.hyper.seed,
        conjectures,
        progress: true,
        certify: a.certify,
        resume,
        save_state: a.save_state.is_some(),
        ..base.clone()
    };
    e.validate()?;
    Ok((e, note))
}

/// The optimizer of `ibias run`: `name` (possibly `name:key=value...`), the hyper-parameter
/// flags, and the step size `lr`.
pub fn optimizer_from_flags(
    name: &str,
    h: &HyperArgs,
    lr: Option<&Rational>,
) -> Result<OptimizerSpec, Error> {
    let mut spec = OptimizerSpec::parse(name)?;
    let flags = [
        ("beta", &h.beta),
        ("beta2", &h.beta2),
        ("eps", &h.eps),
        ("decay", &h.lr_decay),
        ("wd", &h.weight_decay),
        ("batch", &h.batch),
    ];
    for (k, v) in flags {
        if let Some(v) = v {
            spec.set(k, Some(v))?;
        }
    }
    if h.replacement {
        spec.set("replacement", None)?;
    }
    if spec.lr.is_none() {
        spec.lr = lr.cloned();
    }
    Ok(spec)
}

/// SIGINT, SIGTERM (and SIGHUP): the first stops the run at its next step, and the report of
/// what was computed is printed as usual (status `interrupted`); a second ends the process at
/// once with exit status 130. Best effort: without a handler the signal ends the process.
pub fn stop_on_signal() {
    let _ = ctrlc::set_handler(|| {
        if crate::run::stop_requested() {
            std::process::exit(130);
        }
        crate::run::request_stop();
    });
}
