//! `ibias run` and the demo.

use super::args::RunArgs;
use super::{emit, CliResult, Failure};
use implicit_bias::data::{
    format_rational, generate::Generator, parse_csv_reader, parse_rational, read_csv, Dataset,
};
use implicit_bias::fast::Dd;
use implicit_bias::loss::Loss;
use implicit_bias::objective::Objective;
use implicit_bias::optim::spec::Kind;
use implicit_bias::optim::{build, OptimizerSpec};
use implicit_bias::oracle::{self, MaxMargin, Norm, Outcome};
use implicit_bias::report;
use implicit_bias::run::{dense_checkpoints, run_at, RunOptions, Trajectory, MAX_STEPS};
use implicit_bias::scalar::{Precision, Scalar};
use implicit_bias::stepsize::check_step;
use implicit_bias::theory::{self, render, Conjecture, Judgement};
use implicit_bias::Error;
use rug::{Float, Rational};
use serde_json::json;
use std::path::Path;

/// A fully validated run request.
pub struct Spec {
    pub data: Dataset,
    pub data_name: String,
    pub loss: Loss,
    pub lr: Rational,
    pub steps: u64,
    pub precision: Precision,
    pub init: Vec<Rational>,
    pub base: u64,
    pub json: bool,
    pub command: String,
    /// The optimizer with its hyper-parameters (step size in `lr`).
    pub optimizer: OptimizerSpec,
    /// Seed of stochastic optimizers.
    pub seed: u64,
    /// Predictions replaced by the user's values (`--conjecture`).
    pub conjectures: Vec<Conjecture>,
}

pub(super) fn load(path: &Path) -> Result<Dataset, Error> {
    if path == Path::new("-") {
        parse_csv_reader(std::io::stdin().lock(), "<stdin>")
    } else {
        read_csv(path)
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

/// Parses and validates a step size: exact, 0 < η ≤ 1e6.
pub fn parse_lr(s: &str) -> Result<Rational, Error> {
    let q = parse_rational(s).map_err(|e| Error::param("lr", e.to_string()))?;
    if q <= 0 {
        return Err(Error::param("lr", format!("{s} must be > 0")));
    }
    if q > 1_000_000 {
        return Err(Error::param("lr", format!("{s} is absurdly large (> 1e6)")));
    }
    Ok(q)
}

impl Spec {
    pub fn from_args(a: &RunArgs) -> Result<Spec, Error> {
        let mut data = load(&a.data)?;
        if a.bias {
            data = data.with_bias();
        }
        let loss = Loss::parse(&a.loss)?;
        let lr = parse_lr(&a.lr)?;
        let optimizer = super::compare::optimizer_from_flags(&a.optimizer, &a.hyper, &lr)?;
        // the step of the optimizer spec (`gd:lr=1/512`) is the step used everywhere
        let lr = optimizer.lr.clone().unwrap_or(lr);
        let conjectures = a
            .conjecture
            .iter()
            .map(|c| Conjecture::parse(c))
            .collect::<Result<Vec<_>, _>>()?;
        if !conjectures.is_empty() && optimizer.kind != Kind::Gd {
            return Err(Error::param(
                "conjecture",
                "the theory checks (and so conjectures) are for plain GD (--optimizer gd)",
            ));
        }
        let steps = parse_steps(&a.steps)?;
        let precision = Precision::parse(&a.precision)?;
        let init = match &a.init {
            None => vec![Rational::new(); data.dim()],
            Some(s) => {
                let v = s
                    .split(',')
                    .map(|f| parse_rational(f).map_err(|e| Error::param("init", e.to_string())))
                    .collect::<Result<Vec<_>, _>>()?;
                if v.len() != data.dim() {
                    return Err(Error::param(
                        "init",
                        format!(
                            "{} values given but the data have d = {}{}",
                            v.len(),
                            data.dim(),
                            if a.bias {
                                " (including the bias column)"
                            } else {
                                ""
                            }
                        ),
                    ));
                }
                v
            }
        };
        if !(2..=1_000_000).contains(&a.base) {
            return Err(Error::param(
                "base",
                "checkpoint base must be in 2..=1000000",
            ));
        }
        Ok(Spec {
            data,
            data_name: a.data.display().to_string(),
            loss,
            lr: lr.clone(),
            steps,
            precision,
            init,
            base: a.base,
            json: a.json,
            seed: a.hyper.seed,
            command: format!(
                "ibias run --data {}{} --loss {} --lr {} --steps {} --precision {}{}{}{}",
                a.data.display(),
                super::compare::optimizer_flag(&optimizer, a.hyper.seed),
                a.loss,
                format_rational(&lr),
                a.steps,
                a.precision,
                a.init
                    .as_ref()
                    .map(|s| format!(" --init {s}"))
                    .unwrap_or_default(),
                if a.bias { " --bias" } else { "" },
                conjectures
                    .iter()
                    .map(|c| format!(" --conjecture {}", c.to_arg()))
                    .collect::<String>()
            ),
            conjectures,
            optimizer,
        })
    }
}

pub fn run_cmd(a: &RunArgs) -> CliResult {
    let spec = Spec::from_args(a)?;
    execute(&spec)
}

pub fn execute(spec: &Spec) -> CliResult {
    let w0f: Vec<f64> = spec.init.iter().map(Rational::to_f64).collect();
    let gd_family = matches!(
        spec.optimizer.kind,
        Kind::Gd | Kind::Momentum | Kind::Nesterov | Kind::Sgd
    );
    if let Some(w) = check_step(&spec.data, spec.loss, &spec.lr, &w0f).filter(|_| gd_family) {
        super::diagnostic(&format!("ibias: warning: {w}"));
    }
    // the theory checks of docs/theory/sections.md §2 are stated for plain GD
    let mm = if spec.optimizer.kind == Kind::Gd {
        max_margin(&spec.data)?
    } else {
        None
    };
    // conjectures are checked against the data before the run, so a bad one costs nothing
    if let (Some(mm), false) = (&mm, spec.conjectures.is_empty()) {
        let mut p = theory::predict::<Float>(&spec.data, mm, spec.loss, &spec.lr, &spec.init, 64)?;
        for c in &spec.conjectures {
            p.conjecture(c)?;
        }
    }
    match spec.precision {
        Precision::F64 => go::<f64>(spec, (), mm.as_ref()),
        Precision::Bits(b) => go::<Float>(spec, b, mm.as_ref()),
        Precision::Dd => go::<Dd>(spec, (), mm.as_ref()),
    }
}

/// The exact ℓ2 max-margin solution the theory checks compare against, verified by the
/// independent checker. Not separable: exit 2 with the Gordan witness. If the oracle cannot
/// answer, the run proceeds without theory checks (a warning says why).
fn max_margin(data: &Dataset) -> Result<Option<MaxMargin>, Failure> {
    match oracle::solve(data, Norm::L2) {
        Ok(Outcome::Separable(mm)) => match implicit_bias::cert::check(data, &mm.cert) {
            Ok(()) => Ok(Some(*mm)),
            Err(v) => {
                eprintln!("ibias: warning: theory checks skipped: the oracle's certificate failed the independent check ({v})");
                Ok(None)
            }
        },
        Ok(Outcome::NotSeparable(w)) => Err(Error::NotSeparable(format!(
            "Gordan witness alpha = ({}) with sum alpha_n y_n x_n = 0",
            w.alpha
                .iter()
                .map(format_rational)
                .collect::<Vec<_>>()
                .join(", ")
        ))
        .into()),
        Err(e) => {
            eprintln!("ibias: warning: theory checks skipped: {e}");
            Ok(None)
        }
    }
}

/// Predictions, diagnostics and verdicts of a GD run with step `eta` (theory §2), as text,
/// JSON, and what the run established.
fn theory_report<S: Scalar>(
    spec: &Spec,
    mm: &MaxMargin,
    eta: &Rational,
    traj: &Trajectory<S>,
    ctx: S::Ctx,
) -> Result<(String, serde_json::Value, Judgement), Failure> {
    let a = theory::analyze_with(
        &spec.data,
        mm,
        spec.loss,
        eta,
        &spec.init,
        traj,
        ctx,
        &spec.conjectures,
    )?;
    let stopped = match traj.status {
        implicit_bias::run::Status::Completed => None,
        s => Some(s.describe()),
    };
    let judgement = a.assessment.judgement(stopped.as_deref());
    // the constants again at 32 more bits: print only the digits both agree on
    let reference = theory::predict::<Float>(
        &spec.data,
        mm,
        spec.loss,
        eta,
        &spec.init,
        S::bits(ctx) + 32,
    )?;
    let mut text = render::render_all(&a, render::Guard::Trusted, spec.base, Some(&reference));
    text.push_str(&render::render_summary(&a, &judgement));
    let mut json = render::analysis_json(&a);
    json["judgement"] = match &judgement {
        Judgement::Holds => "holds".into(),
        Judgement::Fails(_) => "fails".into(),
        Judgement::Inconclusive(_) => "inconclusive".into(),
    };
    json["inconclusive"] = match &judgement {
        Judgement::Inconclusive(why) => why.clone().into(),
        _ => serde_json::Value::Null,
    };
    Ok((text, json, judgement))
}

fn go<S: Scalar>(spec: &Spec, ctx: S::Ctx, mm: Option<&MaxMargin>) -> CliResult {
    let obj = Objective::<S>::new(&spec.data, spec.loss, ctx);
    let opt = build::<S>(&spec.optimizer, ctx);
    let w0: Vec<S> = spec.init.iter().map(|q| S::from_rational(q, ctx)).collect();
    let opts = RunOptions {
        steps: spec.steps,
        base: spec.base,
        progress: true,
        seed: spec.seed,
    };
    // a dense grid (powers of 2 and of the base) for the rate fits; the table shows the base
    let traj = run_at(
        &obj,
        opt.as_ref(),
        w0,
        &dense_checkpoints(spec.steps, spec.base),
        &opts,
    );
    let mut rows = report::rows(&obj, &traj);
    rows.retain(|r| render::shown(r.t, spec.base, traj.steps));
    let mut skipped: Option<String> = None;
    let theory = match mm.map(|mm| theory_report(spec, mm, &spec.lr, &traj, ctx)) {
        Some(Ok(t)) => Some(t),
        Some(Err(f)) => {
            eprintln!("ibias: warning: theory checks skipped: {}", f.message);
            skipped = Some(f.message);
            None
        }
        None if spec.optimizer.kind == Kind::Gd => {
            skipped = Some("no verified max-margin solution (see the warning above)".into());
            None
        }
        None => None,
    };
    // 0 established, 1 a claim failed, 3 inconclusive (docs/cli.md); a run without theory
    // checks (another optimizer) is judged by its status alone
    let code = match &theory {
        Some((_, _, j)) => j.exit_code(),
        None if spec.optimizer.kind == Kind::Gd => 3,
        None => match traj.status {
            implicit_bias::run::Status::Completed => 0,
            _ => 3,
        },
    };
    let secs = traj.elapsed.as_secs_f64();
    let rate = if secs > 0.0 {
        traj.steps as f64 / secs
    } else {
        0.0
    };
    if spec.json {
        let (status_at, point) = match traj.status {
            implicit_bias::run::Status::Completed => (None, None),
            implicit_bias::run::Status::Underflow { at, point } => (Some(at), Some(point + 1)),
            implicit_bias::run::Status::NonFinite { at } => (Some(at), None),
        };
        let doc = json!({
            "command": spec.command,
            "data": {"source": spec.data_name, "n": spec.data.len(), "d": spec.data.dim()},
            "optimizer": spec.optimizer.kind.name(),
            "optimizer_spec": spec.optimizer.to_arg(),
            "loss": spec.loss.name(),
            "lr": format_rational(&spec.lr),
            "precision": spec.precision.label(),
            "bits": spec.precision.bits(),
            "steps": spec.steps,
            "init": spec.init.iter().map(format_rational).collect::<Vec<_>>(),
            "status": traj.status.code(),
            "status_at": status_at,
            "status_point": point,
            "steps_taken": traj.steps,
            "elapsed_s": (secs * 1000.0).round() / 1000.0,
            "checkpoints": report::rows_json(&rows),
            "theory": theory.as_ref().map(|t| t.1.clone()),
            "inconclusive": skipped.as_ref().map(|why| format!("theory checks skipped: {why}")),
        });
        emit(&format!(
            "{}\n",
            serde_json::to_string_pretty(&doc).unwrap_or_default()
        ))?;
    } else {
        let mut out = String::new();
        out.push_str(&format!("# {}\n", spec.command));
        out.push_str(&format!(
            "# data: {} (N = {}, d = {}), loss {}, {}, {}, w(0) = ({})\n",
            spec.data_name,
            spec.data.len(),
            spec.data.dim(),
            spec.loss.name(),
            if spec.optimizer.kind == Kind::Gd {
                format!("GD with step {}", format_rational(&spec.lr))
            } else {
                spec.optimizer.describe()
            },
            spec.precision.label(),
            spec.init
                .iter()
                .map(format_rational)
                .collect::<Vec<_>>()
                .join(", ")
        ));
        out.push_str(&format!(
            "# status: {} ({} steps in {:.2} s, {:.0} steps/s)\n",
            traj.status.describe(),
            traj.steps,
            secs,
            rate
        ));
        out.push_str(&report::render_table(&rows, 10));
        if let Some((text, _, _)) = &theory {
            out.push_str(text);
        }
        if let Some(why) = &skipped {
            out.push_str(&format!("# inconclusive: theory checks skipped: {why}\n"));
        }
        emit(&out)?;
    }
    Ok(code)
}

/// The demo: Soudry et al. Fig. 1 data, exponential loss, GD at 128 bits to 10^6 steps.
pub fn demo() -> CliResult {
    let data = Generator::Fig1 { seed: 1 }.generate()?;
    // The largest power-of-two step satisfying the sufficient descent condition of
    // theory §8.1 from w(0) = 0 (no warning, provably monotone).
    let mut lr = Rational::from(1);
    let zero = vec![0.0; data.dim()];
    while check_step(&data, Loss::Exponential, &lr, &zero).is_some() {
        lr /= 2;
    }
    let optimizer = OptimizerSpec {
        lr: Some(lr.clone()),
        ..OptimizerSpec::new(Kind::Gd)
    };
    let spec = Spec {
        init: vec![Rational::new(); data.dim()],
        data,
        data_name: "fig1 (ibias gen fig1 --seed 1)".into(),
        loss: Loss::Exponential,
        lr,
        steps: 1_000_000,
        precision: Precision::Bits(128),
        base: 10,
        json: false,
        command: "ibias demo".into(),
        optimizer,
        seed: 0,
        conjectures: Vec::new(),
    };
    if spec.data.is_empty() {
        return Err(Failure {
            code: 2,
            message: "empty demo data".into(),
        });
    }
    execute(&spec)
}
