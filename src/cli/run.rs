//! `ibias run` and the demo.

use super::args::RunArgs;
use super::common::{experiment_from_args, note, stop_on_signal};
use super::{emit, CliResult};
use crate::data::generate::Generator;
use crate::experiment::Experiment;
use crate::optim::spec::Kind;
use crate::optim::OptimizerSpec;
use crate::scalar::Precision;
use crate::Error;
use std::path::Path;

pub fn run_cmd(a: &RunArgs) -> CliResult {
    let (e, label_note) = experiment_from_args(a)?;
    note(label_note.as_deref());
    execute(&e, a.json, a.csv.as_deref(), a.save_state.as_deref())
}

/// Runs an experiment and prints its report: warnings on stderr, the report (text or JSON)
/// on stdout, the trajectory to the `csv` file if given; the exit status is the outcome's.
pub fn execute(
    e: &Experiment,
    as_json: bool,
    csv: Option<&Path>,
    save_state: Option<&Path>,
) -> CliResult {
    stop_on_signal();
    for w in e.warnings() {
        super::diagnostic(&w);
    }
    let out = e.run()?;
    for w in &out.warnings {
        super::diagnostic(w);
    }
    if let Some(path) = csv {
        std::fs::write(path, out.csv()?).map_err(|err| {
            Error::param("csv", format!("cannot write {}: {err}", path.display()))
        })?;
    }
    if let (Some(path), Some(state)) = (save_state, &out.state) {
        std::fs::write(path, state.to_json()).map_err(|err| {
            Error::param(
                "save-state",
                format!("cannot write {}: {err}", path.display()),
            )
        })?;
    }
    if as_json {
        emit(&format!(
            "{}\n",
            serde_json::to_string_pretty(&out.json()).unwrap_or_default()
        ))?;
    } else {
        emit(&out.text())?;
    }
    Ok(out.exit_code())
}

/// The demo: Soudry et al. Fig. 1 data, exponential loss, GD at 128 bits to 10^6 steps.
pub fn demo() -> CliResult {
    let data = Generator::Fig1 { seed: 1 }.generate()?;
    // `--lr auto`: the largest power-of-two step satisfying the sufficient descent
    // condition of theory §8.1 from w(0) = 0 (no warning, provably monotone)
    let optimizer = OptimizerSpec::new(Kind::Gd);
    let e = Experiment {
        data_name: "fig1 (ibias gen fig1 --seed 1)".into(),
        optimizer,
        steps: 1_000_000,
        // double-double: the verdict digits of 128 bits in a few seconds (docs/speed.md)
        precision: Precision::Dd,
        progress: true,
        ..Experiment::new(data)
    };
    let code = execute(&e, false, None, None)?;
    super::emit(
        "# demo in double-double (106 bits); the same at 128-bit MPFR, about 30 times slower:\n\
         #   ibias gen fig1 --seed 1 > fig1.csv && ibias run --data fig1.csv --steps 1e6 --precision 128\n\
         # or certified (a proven radius around the exact-arithmetic iterate at every checkpoint):\n\
         #   ibias run --data fig1.csv --steps 1e6 --precision dd --certify\n",
    )?;
    Ok(code)
}
