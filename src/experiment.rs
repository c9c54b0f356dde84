//! One experiment end to end: data → exact oracle → optimizer run → predictions → verdicts →
//! report. This is what `ibias run` does, as a library call, so that a test of another crate
//! (or the pipeline fuzz target) runs exactly the user's pipeline.
//!
//! ```
//! use implicit_bias::data::generate::Generator;
//! use implicit_bias::experiment::Experiment;
//! use implicit_bias::scalar::Precision;
//! let mut e = Experiment::new(Generator::R1.generate()?);
//! e.steps = 1000;
//! e.precision = Precision::Dd;
//! let out = e.run()?;
//! assert!(matches!(out.exit_code(), 0 | 3)); // 1000 steps may be too few to judge
//! assert!(out.text().contains("# verdicts:"));
//! # Ok::<(), implicit_bias::Error>(())
//! ```

use crate::certify::Interval;
use crate::certify::{Certifier, IntervalEnclosure, Reference, INTERVAL_BITS};
use crate::data::{format_rational, ClassData, Dataset};
use crate::loss::Loss;
use crate::objective::Objective;
use crate::optim::spec::Kind;
use crate::optim::{build, OptimizerSpec};
use crate::optim::{Optimizer, State};
use crate::oracle::{self, MaxMargin, Norm, Outcome};
use crate::report;
use crate::report::json::{
    to_value, CertifyJson, DataJson, IntervalJson, NotCertifiedJson, RunHead, RunJson,
};
use crate::run::{Observer, RunOptions, RunStatus, Runner, Sample, Schedule, Trajectory};
use crate::saved::{DataId, Identity, SavedState};
use crate::scalar::{Dd, Precision, Scalar};
use crate::stepsize::check_step;
use crate::theory::{self, render, Conjecture, Judgement};
use crate::{Error, Result};
use rug::float::Round;
use rug::ops::{DivAssignRound, MulAssignRound};
use rug::{Assign, Float, Rational};
use serde_json::{json, Value};
use std::cmp::Ordering;

/// A validated request: what `ibias run` takes on its command line.
#[derive(Clone, Debug)]
pub struct Experiment {
    /// The data (with the bias column already appended when `bias` is set).
    pub data: Dataset,
    /// Where the data came from, for the report (a file name).
    pub data_name: String,
    /// Whether `data` carries an appended constant column (`--bias`), for the command echo.
    pub bias: bool,
    /// The column flags after `--data` in the command echo (`--label`, `--features`,
    /// `--labels`, each with a leading space; empty for the defaults).
    pub data_flags: String,
    /// The loss.
    pub loss: Loss,
    /// The optimizer and its hyper-parameters; its `lr` is the step used everywhere (when
    /// `None`, `--lr auto`: [`Experiment::lr`]).
    pub optimizer: OptimizerSpec,
    /// Steps to take.
    pub steps: u64,
    /// Working precision.
    pub precision: Precision,
    /// The start `w(0)` (length `data.dim()`).
    pub init: Vec<Rational>,
    /// The checkpoints of the printed table (`--base`, `--per-decade`, `--at`).
    pub schedule: Schedule,
    /// Seed of stochastic optimizers.
    pub seed: u64,
    /// Predictions replaced by the user's values (`--conjecture`; plain GD only).
    pub conjectures: Vec<Conjecture>,
    /// A progress bar on stderr for long runs.
    pub progress: bool,
    /// Certify the trajectory (`--certify`, plain GD only): enclosures of the exact-arithmetic
    /// iterate at the shown checkpoints (docs/theory/certify.md).
    pub certify: bool,
    /// Test-only: certify with a rounding bound of zero (unsound; the witness tests catch it).
    #[doc(hidden)]
    pub certify_zero_delta: bool,
    /// Certify every step by the interval enclosure, also where the a-priori bound of the
    /// double-double step applies (docs/theory/certify.md).
    #[doc(hidden)]
    pub certify_interval: bool,
    /// Test-only: the a-priori rounding bound divided by `2^20` (unsound; the tests catch it).
    #[doc(hidden)]
    pub certify_shrink: bool,
    /// K-class data (with the bias column when `bias` is set): `data` is then their lift
    /// and `loss` a loss of the lifted margins (docs/theory/multiclass.md).
    pub classes: Option<ClassData>,
    /// Continue from this saved state (`--resume`) to `steps` in all; `init` is then the
    /// state's `w(0)` and the optimizer's step the state's.
    pub resume: Option<SavedState>,
    /// Capture the state the run ends in (`Findings::state`, `--save-state`).
    pub save_state: bool,
}

/// What the theory checks of one run concluded, rendered.
#[derive(Clone, Debug)]
pub struct TheoryReport {
    /// Predictions, diagnostics, verdicts and the summary lines, as printed.
    pub text: String,
    /// The same as JSON (`theory` in `ibias run --json`).
    pub json: Value,
    /// What the run established.
    pub judgement: Judgement,
    /// What the certifier's derived enclosures are measured against: the exact max-margin
    /// answer and the predictions as the run computed them ([`predicted_reference`]).
    pub(crate) reference: Reference,
}

/// What [`Experiment::run`] found: the trajectory's status, the rendered report, the
/// judgement and the exit status `ibias run` gives it.
#[derive(Clone, Debug)]
pub struct Findings {
    /// The reproducing command.
    pub command: String,
    /// How the run ended.
    pub status: RunStatus,
    /// Steps actually taken.
    pub steps_taken: u64,
    /// Wall-clock time of the run, in seconds.
    pub(crate) elapsed_s: f64,
    /// The per-checkpoint table, as printed.
    pub(crate) table: String,
    /// The same checkpoints as JSON.
    pub(crate) checkpoints: Value,
    /// The theory checks (plain GD with a verified max-margin solution).
    pub theory: Option<TheoryReport>,
    /// Why the theory checks were not made, for a GD run that has none.
    pub skipped: Option<String>,
    /// Warnings raised during the run (already in the report's sense, for stderr).
    pub(crate) warnings: Vec<String>,
    /// The certification of the trajectory (`--certify`).
    pub certified: Option<Certifier>,
    /// `--certify` with an optimizer that is not certified: why (the run itself is made).
    pub(crate) not_certified: Option<String>,
    /// Another optimizer under `--certify`: the naive interval enclosure of its exact iterate
    /// ([`IntervalEnclosure`]), reported beside "not certified".
    pub(crate) interval: Option<IntervalEnclosure>,
    /// The state the run ended in, exact ([`Experiment::save_state`]).
    pub(crate) state: Option<SavedState>,
    header: String,
    meta: RunHead,
    code: u8,
}

impl Experiment {
    /// Plain GD on the exponential loss from `w(0) = 0`, 10^4 steps in f64, the defaults of
    /// `ibias run`.
    pub fn new(data: Dataset) -> Experiment {
        let init = vec![Rational::new(); data.dim()];
        Experiment {
            data,
            data_name: "<data>".into(),
            bias: false,
            data_flags: String::new(),
            loss: Loss::Exponential,
            optimizer: OptimizerSpec::new(Kind::Gd),
            steps: 10_000,
            precision: Precision::F64,
            init,
            schedule: Schedule::default(),
            seed: 0,
            conjectures: Vec::new(),
            progress: false,
            certify: false,
            certify_zero_delta: false,
            certify_interval: false,
            certify_shrink: false,
            classes: None,
            resume: None,
            save_state: false,
        }
    }

    /// The optimizer's spec with the step actually used ([`Experiment::lr`]).
    fn spec_used(&self) -> OptimizerSpec {
        let mut spec = self.optimizer.clone();
        spec.lr = Some(self.lr());
        spec
    }

    /// The objective, the optimizer (with the step used) and `w(0)` over `S` at `ctx`: one
    /// setup for the run and for its interval enclosure.
    fn setup<S: Scalar>(&self, ctx: S::Ctx) -> (Objective<S>, Box<dyn Optimizer<S>>, Vec<S>) {
        let obj = Objective::<S>::new(&self.data, self.loss, ctx);
        let opt = build::<S>(&self.spec_used(), ctx);
        let w0 = self.init.iter().map(|q| S::from_rational(q, ctx)).collect();
        (obj, opt, w0)
    }

    /// What a saved state of this experiment belongs to (the data, the loss, the optimizer
    /// with the step used, the precision, the seed).
    pub fn identity(&self) -> Identity {
        let spec = self.spec_used();
        Identity {
            data: DataId::of(&self.data),
            bias: self.bias,
            loss: self.loss.name().into(),
            optimizer: spec.to_arg(),
            precision: self.precision.to_arg(),
            seed: self.seed,
        }
    }

    /// Plain GD on the softmax cross-entropy of K-class data (already with the bias column
    /// for `--bias`) from `W(0) = 0`: the lifted data set, the other defaults of
    /// [`Experiment::new`].
    pub fn for_classes(classes: ClassData) -> Experiment {
        let loss = Loss::Logistic.for_classes(classes.classes());
        Experiment {
            loss,
            classes: Some(classes.clone()),
            ..Experiment::new(classes.lift())
        }
    }

    /// The step size: the optimizer's `lr`, or when it has none (`--lr auto`) the largest
    /// power of two meeting theory §8.1 on these data from `w(0)`
    /// ([`OptimizerSpec::with_default_lr`]; computed at each call).
    pub fn lr(&self) -> Rational {
        match &self.optimizer.lr {
            Some(lr) => lr.clone(),
            None => self
                .optimizer
                .with_default_lr(&self.data, self.loss, &self.init)
                .lr(),
        }
    }

    /// The command line that reproduces this experiment.
    pub fn command(&self) -> String {
        let mut s = self.optimizer.clone();
        s.lr = None;
        let mut opt = if s.kind == Kind::Gd {
            String::new()
        } else {
            format!(" --optimizer {}", s.to_arg())
        };
        if s.kind == Kind::Sgd && self.seed != 0 {
            opt.push_str(&format!(" --seed {}", self.seed));
        }
        format!(
            "ibias run --data {}{}{} --loss {} --lr {} --steps {} --precision {}{}{}{}{}{}",
            self.data_name,
            self.data_flags,
            opt,
            self.loss.name(),
            format_rational(&self.lr()),
            steps_text(self.steps),
            self.precision.to_arg(),
            self.schedule.to_args(),
            init_arg(&self.init),
            if self.bias { " --bias" } else { "" },
            if self.certify { " --certify" } else { "" },
            self.conjectures
                .iter()
                .map(|c| format!(" --conjecture {}", c.to_arg()))
                .collect::<String>()
        )
    }

    /// Why `--certify` does not certify this run's optimizer (`None`: plain GD, or no
    /// `--certify`): the radius recurrence needs a nonexpansive map of `w` alone.
    pub(crate) fn not_certified(&self) -> Option<String> {
        (self.certify && self.optimizer.kind != Kind::Gd).then(|| {
            format!(
                "not certified: the {} map is not nonexpansive in general (and carries a state \
                 besides w); --certify certifies plain GD (--optimizer gd)",
                self.optimizer.kind.name()
            )
        })
    }

    /// Checks the request: `init` has the data's dimension, the checkpoints fit the run, and the
    /// conjectures apply (plain GD) and fit the data. Called by [`Experiment::run`].
    pub(crate) fn validate(&self) -> Result<()> {
        if self.init.len() != self.data.dim() {
            return Err(Error::param(
                "init",
                format!(
                    "{} values given but the data have d = {}{}",
                    self.init.len(),
                    self.data.dim(),
                    if self.bias {
                        " (including the bias column)"
                    } else {
                        ""
                    }
                ),
            ));
        }
        match (&self.classes, self.loss) {
            (Some(c), loss) => {
                if loss.group() != c.classes() - 1 && loss != Loss::Exponential {
                    return Err(Error::param(
                        "loss",
                        format!(
                            "K-class data ({} classes) take the softmax cross-entropy of {} \
                             classes or the exponential loss",
                            c.classes(),
                            c.classes()
                        ),
                    ));
                }
            }
            (None, Loss::Softmax { .. }) => {
                return Err(Error::param(
                    "loss",
                    "the softmax cross-entropy needs K-class data (K >= 3 label values)",
                ))
            }
            (None, _) => {}
        }
        self.schedule.points(self.steps)?;
        if self.steps > crate::run::MAX_STEPS {
            return Err(Error::param(
                "steps",
                format!(
                    "{} is more than the supported maximum 1e15",
                    steps_text(self.steps)
                ),
            ));
        }
        if self.certify && matches!(self.loss, Loss::Softmax { .. }) {
            return Err(Error::param(
                "certify",
                "not certified: the softmax cross-entropy of K-class data has no certified \
                 step yet (its weights and curvature bound are not enclosed); --certify takes \
                 the exponential or logistic loss",
            ));
        }
        if let Some(saved) = &self.resume {
            if self.certify {
                return Err(Error::param(
                    "resume",
                    "--certify encloses the trajectory from w(0); it cannot start from a saved state",
                ));
            }
            saved.check_identity(&self.identity(), "the state file")?;
            if saved.t > self.steps {
                return Err(Error::param(
                    "steps",
                    format!(
                        "the state file is at t = {}, beyond --steps {} (with --resume, --steps is the total horizon)",
                        saved.t,
                        steps_text(self.steps)
                    ),
                ));
            }
            if saved.init_exact()? != self.init {
                return Err(Error::param(
                    "init",
                    "the state file was saved by a run from another w(0); with --resume the start is the state's",
                ));
            }
        }
        if !self.conjectures.is_empty() && self.optimizer.kind != Kind::Gd {
            return Err(Error::param(
                "conjecture",
                "the theory checks (and so conjectures) are for plain GD (--optimizer gd)",
            ));
        }
        Ok(())
    }

    /// Warnings known before the run: a step that violates the sufficient descent condition
    /// of theory §8.1 (for the GD family).
    pub fn warnings(&self) -> Vec<String> {
        let w0f: Vec<f64> = self.init.iter().map(Rational::to_f64).collect();
        let gd_family = matches!(
            self.optimizer.kind,
            Kind::Gd | Kind::Momentum | Kind::Nesterov | Kind::Sgd
        );
        // `--lr auto` meets the condition by construction
        let given = self.optimizer.lr.as_ref().filter(|_| gd_family);
        given
            .and_then(|lr| check_step(&self.data, self.loss, lr, &w0f))
            .map(|w| vec![format!("ibias: warning: {w}")])
            .unwrap_or_default()
    }

    /// Runs the experiment. Bad input and non-separable data (with the Gordan witness) are
    /// errors; every numerical event of the run is a [`RunStatus`] in the outcome.
    pub fn run(&self) -> Result<Findings> {
        self.validate()?;
        let mut warnings = Vec::new();
        // the theory checks of docs/theory/sections.md §2 are stated for plain GD
        let mm = if let Some(c) = &self.classes {
            class_max_margin(c, &mut warnings)?
        } else if self.optimizer.kind == Kind::Gd {
            max_margin(&self.data, self.bias, &mut warnings)?
        } else {
            None
        };
        // conjectures are checked against the data before the run, so a bad one costs nothing;
        // the check needs the shapes of the predictions, not their digits, so f64 suffices. If
        // the predictions cannot be computed at all, the run's analysis says so (theory checks
        // skipped, exit 3) and no conjecture is judged.
        if let (Some(mm), false) = (&mm, self.conjectures.is_empty()) {
            match theory::predict::<f64>(&self.data, mm, self.loss, &self.lr(), &self.init, ()) {
                Ok(mut p) => {
                    for c in &self.conjectures {
                        p.conjecture(c)?;
                    }
                }
                Err(Error::Numerical(_)) => {}
                Err(e) => return Err(e),
            }
        }
        // the shown checkpoints, and the denser grid the analysis records
        let grid = (
            self.schedule.points(self.steps)?,
            self.schedule.dense(self.steps)?,
        );
        match self.precision {
            Precision::F64 => self.go::<f64>((), mm.as_ref(), &grid, warnings),
            Precision::Bits(b) => self.go::<Float>(b, mm.as_ref(), &grid, warnings),
            Precision::Dd => self.go::<Dd>((), mm.as_ref(), &grid, warnings),
        }
    }

    /// The objective and the run's trajectory at working context `ctx`, sampled on `dense`
    /// (the schedule's checkpoints and the powers of 2: the rate fits need them; the table
    /// shows the schedule's).
    ///
    /// # Errors
    /// A saved state ([`Experiment::resume`]) that does not fit this run.
    pub fn trajectory<S: Scalar>(
        &self,
        ctx: S::Ctx,
        dense: &[u64],
    ) -> Result<(Objective<S>, Trajectory<S>)> {
        self.trajectory_observed(ctx, dense, None)
    }

    /// [`Experiment::trajectory`] with an [`Observer`] of every step (the certifier).
    ///
    /// # Errors
    /// As [`Experiment::trajectory`].
    pub(crate) fn trajectory_observed<S: Scalar>(
        &self,
        ctx: S::Ctx,
        dense: &[u64],
        observer: Option<&mut dyn Observer<S>>,
    ) -> Result<(Objective<S>, Trajectory<S>)> {
        self.run_state(ctx, dense, observer)
            .map(|(obj, traj, _)| (obj, traj))
    }

    /// [`Experiment::trajectory_observed`], and the state the run ends in. From a saved
    /// state ([`Experiment::resume`]) the run starts at its `t` and records the checkpoints
    /// after it; the samples the state carries (version 2) come first, so the trajectory is
    /// the uninterrupted run's. A version-1 state carries none: the trajectory then starts
    /// at the state's `t` (recorded as the first sample).
    fn run_state<S: Scalar>(
        &self,
        ctx: S::Ctx,
        dense: &[u64],
        observer: Option<&mut dyn Observer<S>>,
    ) -> Result<(Objective<S>, Trajectory<S>, State<S>)> {
        let (obj, opt, w0) = self.setup::<S>(ctx);
        let opts = RunOptions {
            steps: self.steps,
            base: 10,
            progress: self.progress,
            seed: self.seed,
        };
        let mut runner = Runner::new(&obj, opt.as_ref(), &opts).observed(observer);
        let mut st = runner.start(w0);
        let mut history = Vec::new();
        let cps: Vec<u64> = match &self.resume {
            None => dense.to_vec(),
            Some(saved) => {
                saved.restore(&mut st, ctx, "the state file")?;
                history = saved.restore_samples(&obj, ctx, "the state file")?;
                let t0 = st.t;
                std::iter::once(t0)
                    .chain(dense.iter().copied().filter(|&t| t > t0))
                    .collect()
            }
        };
        let mut traj = runner.resume(&mut st, &cps);
        if !history.is_empty() {
            // the uninterrupted run's samples: those of this run's grid before the state's t
            // (the state's own run may have had other checkpoints), then this leg's; its
            // first sample, at the state's t, only where the grid has it or nothing follows
            let t0 = cps[0];
            let on_grid = |t: u64| dense.binary_search(&t).is_ok();
            let more = traj.samples.iter().any(|s| s.t > t0);
            let mut samples: Vec<Sample<S>> = history
                .into_iter()
                .filter(|s| s.t < t0 && on_grid(s.t))
                .collect();
            samples.extend(
                traj.samples
                    .into_iter()
                    .filter(|s| s.t > t0 || on_grid(s.t) || !more),
            );
            traj.samples = samples;
        }
        Ok((obj, traj, st))
    }

    /// The certifier of this run under `--certify` (plain GD; `None` otherwise), as `ibias
    /// run` and `ibias plot` build it: enclosures recorded at the steps `shown`, and at
    /// `dense` (the samples the verdicts read) without showing them; the a-priori rounding
    /// bound where it applies. Run it as the observer of `Experiment::trajectory_observed`
    /// on `dense`, then give it its reference with `Certifier::set_reference` (`ŵ` and
    /// `w_tilde_point`).
    pub fn certifier<S: Scalar>(
        &self,
        ctx: S::Ctx,
        shown: &[u64],
        dense: &[u64],
    ) -> Option<Certifier> {
        (self.certify && self.optimizer.kind == Kind::Gd).then(|| {
            let eta = self.lr();
            let mut c = Certifier::new::<S>(&self.data, self.loss, &eta, &self.init, ctx, shown);
            // the samples the verdicts read are enclosed too (not shown)
            c.also_enclose(dense);
            c.zero_delta = self.certify_zero_delta;
            if !self.certify_interval {
                // the runner's step is GradientDescent::new's (built from the spec, Kind::Gd)
                c.use_a_priori::<S>(&self.data, &eta, ctx, self.certify_shrink);
            }
            c
        })
    }

    /// The naive interval enclosure of this run's exact iterate ([`IntervalEnclosure`]) at
    /// the shown checkpoints, beside the computed trajectory `computed`.
    fn interval_enclosure<S: Scalar>(
        &self,
        shown: &[u64],
        computed: &Trajectory<S>,
    ) -> IntervalEnclosure {
        let bits = INTERVAL_BITS.max(self.precision.bits());
        let (obj, opt, w0) = self.setup::<Interval>(bits);
        IntervalEnclosure::run(&obj, opt.as_ref(), w0, self.seed, shown, computed)
    }

    fn go<S: Scalar>(
        &self,
        ctx: S::Ctx,
        mm: Option<&MaxMargin>,
        (shown, dense): &(Vec<u64>, Vec<u64>),
        mut warnings: Vec<String>,
    ) -> Result<Findings> {
        let eta = self.lr();
        let mut certifier = self.certifier::<S>(ctx, shown, dense);
        let (obj, traj, end) = self.run_state::<S>(
            ctx,
            dense,
            certifier.as_mut().map(|c| c as &mut dyn Observer<S>),
        )?;
        let state = if self.save_state {
            match SavedState::capture(self.identity(), &self.init, &end, &traj.samples) {
                Ok(s) => Some(s),
                Err(e) => {
                    warnings.push(format!("ibias: warning: {e}"));
                    None
                }
            }
        } else {
            None
        };
        let spec = self.spec_used();
        let mut rows = report::rows(&obj, &traj);
        rows.retain(|r| render::shown(r.t, shown, traj.steps));
        let mut skipped = None;
        // K-class data carry their SVM for the report's rows; the theory checks are GD's
        let gd_mm = mm.filter(|_| self.optimizer.kind == Kind::Gd);
        let theory = match gd_mm.map(|mm| {
            let gd = Gd {
                data: &self.data,
                mm,
                loss: self.loss,
                eta: &eta,
                init: &self.init,
                conjectures: &self.conjectures,
                shown,
                advice: theory::RUN_ADVICE,
            };
            theory_report_certified(&gd, &traj, ctx, certifier.as_ref())
        }) {
            Some(Ok(t)) => Some(t),
            Some(Err(e)) => {
                warnings.push(format!("ibias: warning: theory checks skipped: {e}"));
                skipped = Some(e.to_string());
                None
            }
            None if self.optimizer.kind == Kind::Gd => {
                skipped = Some("no verified max-margin solution (see the warning above)".into());
                None
            }
            None => None,
        };
        if let (Some(c), Some(mm)) = (certifier.as_mut(), gd_mm) {
            c.set_reference(
                theory
                    .as_ref()
                    .map_or_else(|| certify_reference(mm), |t| t.reference.clone()),
            );
        }
        // 0 established, 1 a claim failed, 3 inconclusive (docs/cli.md); a run without theory
        // checks (another optimizer) is judged by its status alone
        let code = match &theory {
            Some(t) => t.judgement.exit_code(),
            None if self.optimizer.kind == Kind::Gd => 3,
            None => match traj.status {
                RunStatus::Completed => 0,
                _ => 3,
            },
        };
        // certification asked for and not established to the end: inconclusive (a FAIL
        // stays a FAIL, as for an interrupted run)
        let code = match &certifier {
            Some(c) if c.stopped().is_some() && code == 0 => 3,
            _ => code,
        };
        // another optimizer runs as asked and says why it is not certified; certification
        // was asked for and not established: inconclusive
        let not_certified = self.not_certified();
        let interval = (not_certified.is_some() && self.resume.is_none())
            .then(|| self.interval_enclosure(shown, &traj));
        let code = if not_certified.is_some() && code == 0 {
            3
        } else {
            code
        };
        let mut code = code;
        let mut class_text = String::new();
        let mut class_json = Value::Null;
        if let Some(c) = &self.classes {
            let rule = theory::multiclass::InvariantRule::of(&self.optimizer, &eta, self.loss, c);
            // a rule without a bound: the deviation is reported against plain GD's
            let gd = theory::multiclass::StepModel::gd(c, self.loss, &eta);
            let model = rule.model().unwrap_or(&gd);
            let inv = theory::multiclass::invariant(c, model, &self.init, &traj, ctx);
            if rule.model().is_some() && !inv.holds() {
                code = 1;
            }
            (class_text, class_json) = class_report(c, mm, &inv, &rule, self.optimizer.kind);
        }
        let secs = traj.elapsed.as_secs_f64();
        let rate = if secs > 0.0 {
            traj.steps as f64 / secs
        } else {
            0.0
        };
        let command = self.command();
        let shape = match &self.classes {
            Some(c) => format!(
                "N = {}, d = {}, K = {} classes {}; lifted: {} points in dimension {}, w = vec(W)",
                c.len(),
                c.dim(),
                c.classes(),
                c.names().join(", "),
                self.data.len(),
                self.data.dim()
            ),
            None => format!("N = {}, d = {}", self.data.len(), self.data.dim()),
        };
        let loss_name = match self.loss {
            Loss::Softmax { .. } => "softmax (cross-entropy)",
            other => other.name(),
        };
        let mut header = format!(
            "# {}\n# data: {} ({}), loss {}, {}, {}, w(0) = ({})\n# status: {} ({} steps in {:.2} s, {:.0} steps/s)\n",
            command,
            self.data_name,
            shape,
            loss_name,
            if self.optimizer.kind == Kind::Gd {
                format!(
                    "GD with step {}{}",
                    format_rational(&eta),
                    if self.optimizer.lr.is_none() {
                        " (auto: the largest power of two meeting theory §8.1)"
                    } else {
                        ""
                    }
                )
            } else {
                spec.describe()
            },
            self.precision.label(),
            self.init
                .iter()
                .map(format_rational)
                .collect::<Vec<_>>()
                .join(", "),
            traj.status.describe(),
            traj.steps,
            secs,
            rate
        );
        header.push_str(&class_text);
        let meta = RunHead {
            data: DataJson {
                source: self.data_name.clone(),
                n: self.data.len(),
                d: self.data.dim(),
            },
            optimizer: spec.kind.name().to_string(),
            optimizer_spec: spec.to_arg(),
            loss: self.loss.name().to_string(),
            lr: format_rational(&eta),
            lr_auto: self.optimizer.lr.is_none(),
            precision: self.precision.label(),
            bits: self.precision.bits(),
            steps: self.steps,
            init: self.init.iter().map(format_rational).collect(),
            // K-class data only: the binary document keeps its documented fields
            classes: self.classes.is_some().then_some(class_json),
        };
        Ok(Findings {
            command,
            status: traj.status,
            steps_taken: traj.steps,
            elapsed_s: secs,
            table: report::render_table(&rows, 10),
            checkpoints: report::rows_json(&rows),
            theory,
            skipped,
            warnings,
            certified: certifier,
            not_certified,
            interval,
            state,
            header,
            meta,
            code,
        })
    }
}

impl Findings {
    /// The exit status of `ibias run`: 0 established, 1 a claim failed, 3 inconclusive
    /// (docs/cli.md).
    pub fn exit_code(&self) -> u8 {
        self.code
    }

    /// The human report, as `ibias run` prints it.
    pub fn text(&self) -> String {
        let mut out = self.header.clone();
        out.push_str(&self.table);
        if let Some(c) = &self.certified {
            out.push_str(&c.text());
        }
        if let Some(t) = &self.theory {
            out.push_str(&t.text);
        }
        if let Some(why) = &self.skipped {
            out.push_str(&format!("# inconclusive: theory checks skipped: {why}\n"));
        }
        if let Some(why) = &self.not_certified {
            out.push_str(&format!("# certification: {why}\n"));
            if let Some(iv) = &self.interval {
                let name = self.meta.optimizer.as_str();
                out.push_str(&iv.text(name));
            }
            out.push_str("# inconclusive: certification was asked for and is not established\n");
        }
        if let Some(s) = self.certified.as_ref().and_then(Certifier::stopped) {
            out.push_str(&format!(
                "# inconclusive: certification stopped at t={}: {}\n",
                s.at, s.why
            ));
        }
        out
    }

    /// The trajectory as CSV (`ibias run --csv`, columns in docs/cli.md): one row per shown
    /// checkpoint, a header row, plain numbers, no comment lines.
    pub fn csv(&self) -> Result<String> {
        csv_table(&self.json())
    }

    /// The JSON document of `ibias run --json` (fields in docs/cli.md).
    pub fn json(&self) -> Value {
        let (status_at, point) = match self.status {
            RunStatus::Completed => (None, None),
            RunStatus::Underflow { at, point } => (Some(at), Some(point + 1)),
            RunStatus::NonFinite { at }
            | RunStatus::Interrupted { at }
            | RunStatus::Undecided { at } => (Some(at), None),
        };
        let certify = match (&self.certified, &self.not_certified) {
            (_, Some(why)) => Some(to_value(&NotCertifiedJson {
                status: "not certified".into(),
                reason: why.clone(),
                interval: self.interval.as_ref().map(IntervalJson::of),
            })),
            (Some(c), None) => Some(to_value(&CertifyJson::of(c))),
            (None, None) => None,
        };
        to_value(&RunJson {
            command: self.command.clone(),
            head: self.meta.clone(),
            status: self.status.code().to_string(),
            status_at,
            status_point: point,
            steps_taken: self.steps_taken,
            elapsed_s: (self.elapsed_s * 1000.0).round() / 1000.0,
            checkpoints: self.checkpoints.clone(),
            theory: self.theory.as_ref().map(|t| t.json.clone()),
            inconclusive: self
                .skipped
                .as_ref()
                .map(|why| format!("theory checks skipped: {why}")),
            certify,
        })
    }
}

/// A GD run's setting for the theory checks: the data and their verified max-margin
/// solution, the loss, the step, the start, the user's conjectures, the checkpoints shown.
#[derive(Clone, Copy, Debug)]
pub struct Gd<'a> {
    /// The data.
    pub(crate) data: &'a Dataset,
    /// Their exact, verified ℓ2 max-margin solution.
    pub(crate) mm: &'a MaxMargin,
    /// The loss.
    pub(crate) loss: Loss,
    /// The step `η`.
    pub(crate) eta: &'a Rational,
    /// The start `w(0)`.
    pub(crate) init: &'a [Rational],
    /// Predictions replaced by the user's values.
    pub(crate) conjectures: &'a [Conjecture],
    /// The checkpoints the printed diagnostics show.
    pub(crate) shown: &'a [u64],
    /// What to change when a core claim is open ([`theory::RUN_ADVICE`] for a run,
    /// [`theory::AUDIT_ADVICE`] for a logged trajectory).
    pub(crate) advice: &'a str,
}

/// Predictions, diagnostics and verdicts of a GD trajectory (theory §2), rendered as
/// `ibias run` prints them (`ibias audit` judges a logged trajectory with the same call).
///
/// # Errors
/// As [`theory::analyze_with`].
pub(crate) fn theory_report<S: Scalar>(
    gd: &Gd<'_>,
    traj: &Trajectory<S>,
    ctx: S::Ctx,
) -> Result<TheoryReport> {
    theory_report_certified(gd, traj, ctx, None)
}

/// What a certified GD run's derived enclosures are measured against
/// ([`Certifier::set_reference`]) without predictions: the exact `ŵ`, its support and `θ`
/// from the oracle's answer `mm`.
pub(crate) fn certify_reference(mm: &MaxMargin) -> Reference {
    Reference {
        w_hat: mm.cert.w.clone(),
        w_tilde: None,
        support: mm.cert.support.clone(),
        theta: mm.theta.clone(),
        alpha: None,
        c_l: None,
        w_tilde_span: None,
        span_rows: Vec::new(),
    }
}

/// `certify_reference` with the predictions `p`, each taken as the point the run computed
/// (its exact value): `w̃` (`w_tilde_point`), `α` and `C_L` (absent where not finite).
pub fn predicted_reference<S: Scalar>(
    mm: &MaxMargin,
    p: &theory::Prediction<S>,
    ctx: S::Ctx,
) -> Reference {
    Reference {
        w_tilde: w_tilde_point(p),
        alpha: exact_point(&p.alpha),
        c_l: p.c_l.value(ctx).and_then(|v| v.to_rational()),
        w_tilde_span: p.w_tilde_span.as_deref().and_then(exact_point),
        span_rows: p.span_rows.clone(),
        ..certify_reference(mm)
    }
}

/// The prediction's `w̃` as the exact point the certifier measures `‖ρ(t) − w̃‖` from
/// ([`Certifier::set_reference`]): the working-precision value, each coordinate exactly as
/// computed (`None` when there is no `w̃` or a coordinate is not finite).
pub(crate) fn w_tilde_point<S: Scalar>(p: &theory::Prediction<S>) -> Option<Vec<Rational>> {
    p.w_tilde.as_deref().and_then(exact_point)
}

/// The exact values of a computed vector (`None` if a coordinate is not finite).
fn exact_point<S: Scalar>(v: &[S]) -> Option<Vec<Rational>> {
    v.iter().map(Scalar::to_rational).collect()
}

/// [`theory_report`] of a certified trajectory (`--certify`): every verdict is also judged
/// on the certifier's enclosures (certified PASS / FAIL, or not certified and why).
///
/// # Errors
/// As [`theory::analyze_with`].
pub(crate) fn theory_report_certified<S: Scalar>(
    gd: &Gd<'_>,
    traj: &Trajectory<S>,
    ctx: S::Ctx,
    certified: Option<&Certifier>,
) -> Result<TheoryReport> {
    let a = theory::analyze_certified(
        gd.data,
        gd.mm,
        gd.loss,
        gd.eta,
        gd.init,
        traj,
        ctx,
        gd.conjectures,
        &|t| certified.and_then(|c| sample_moves::<S>(c, t, gd.mm, ctx)),
    )?;
    let reference = predicted_reference(gd.mm, &a.prediction, ctx);
    let stopped = match traj.status {
        RunStatus::Completed => None,
        s => Some(format!("{}: {}", s.describe(), s.advice())),
    };
    let judgement = a.assessment.judgement_with(stopped.as_deref(), gd.advice);
    // the constants again at 32 more bits: print only the digits both agree on. That second
    // computation only trims digits: if it fails, the constants keep the trusted digits of
    // the working precision, and the verdicts (which never read it) stand.
    let twin =
        theory::predict::<Float>(gd.data, gd.mm, gd.loss, gd.eta, gd.init, S::bits(ctx) + 32);
    let mut text = render::render_all(&a, render::Guard::Trusted, gd.shown, twin.as_ref().ok());
    if let Err(e) = &twin {
        text.push_str(&format!(
            "# note: the constants at {} bits (to trim digits) failed: {e}\n",
            S::bits(ctx) + 32
        ));
    }
    text.push_str(&render::render_summary(&a, &judgement));
    let json = render::analysis_json(&a, &judgement);
    Ok(TheoryReport {
        text,
        json,
        judgement,
        reference,
    })
}

/// Under `--certify`: the bounds of how far each quantity the verdicts read at checkpoint `t` lies from its
/// value at the computed iterate, for the exact-arithmetic iterate (docs/theory/certify.md,
/// "Verdicts on enclosures"), in the working scalar: each computed upward in MPFR,
/// converted to f64 upward, and doubled (the conversion into a narrower `S` rounds to
/// nearest). `None` where `t` was not enclosed.
fn sample_moves<S: Scalar>(
    cert: &Certifier,
    t: u64,
    mm: &MaxMargin,
    ctx: S::Ctx,
) -> Option<theory::SampleMoves<S>> {
    let w_hat = &mm.cert.w;
    let e = cert.enclosure_at(t)?;
    // the shares' enclosures need only the exact answer (support and θ)
    let derived = cert.derived_with(e, &certify_reference(mm));
    let p = cert.prec();
    let to_s = |x: &Float| {
        let mut v = S::from_f64(x.to_f64_round(Round::Up), ctx);
        v.mul_f64(2.0);
        v
    };
    let width = |v: &Interval| Float::with_val_round(p, &v.hi - &v.lo, Round::Up).0;
    let tf = Float::with_val(64, t); // exact: t < 2^64
    let mut eta_t = Float::with_val_round(p, cert.eta_upper() * &tf, Round::Up).0;
    if eta_t.is_sign_negative() {
        eta_t.assign(0);
    }
    let weights: Vec<S> = e
        .weights
        .iter()
        .map(|q| to_s(&Float::with_val_round(p, width(q) * &eta_t, Round::Up).0))
        .collect();
    // ηt·M·r/‖ŵ‖ with ‖ŵ‖ rounded down
    let mut nh = Rational::new();
    for q in w_hat {
        nh += Rational::from(q * q);
    }
    let mut nh = Float::with_val_round(p, &nh, Round::Down).0;
    nh.sqrt_round(Round::Down);
    let grad = (nh.cmp0() == Some(Ordering::Greater)).then(|| {
        let mut g = Float::with_val_round(p, &eta_t * &e.curvature, Round::Up).0;
        g.mul_assign_round(&e.radius, Round::Up);
        g.div_assign_round(&nh, Round::Up);
        to_s(&g)
    });
    Some(theory::SampleMoves {
        w: to_s(&e.radius),
        t_loss: e.t_loss.as_ref().map(|v| to_s(&width(v))),
        eta_t_weights: Some(weights),
        grad,
        share_loss: derived.share_loss.as_ref().map(|v| to_s(&width(v))),
        share_loss_scaled: derived.share_loss_scaled.as_ref().map(|v| to_s(&width(v))),
        share_grad_scaled: derived.share_grad_scaled.as_ref().map(|v| to_s(&width(v))),
    })
}

/// The trajectory as a tidy table, one row per shown checkpoint (`ibias run --csv`): the
/// checkpoints of the JSON document (`w`, `ln_loss`, `norm`, ...) and, for GD, its theory
/// diagnostics at the same step, in decimals with the guaranteed digits; an empty cell where
/// the JSON has null. Columns: `t`, `w1..wd`, `ln_loss`, `norm`, `dir_err`, `min_margin`,
/// `norm_over_ln_t`, `t_loss`, then the other diagnostics under their JSON names.
fn csv_table(doc: &Value) -> Result<String> {
    let empty = Vec::new();
    let cps = doc["checkpoints"].as_array().unwrap_or(&empty);
    let diags = doc["theory"]["diagnostics"].as_array().unwrap_or(&empty);
    let d = doc["data"]["d"].as_u64().unwrap_or(0) as usize;
    let core = [
        "ln_loss",
        "norm",
        "dir_err",
        "min_margin",
        "norm_over_ln_t",
        "t_loss",
    ];
    let others: Vec<&String> = diags
        .first()
        .and_then(Value::as_object)
        .map(|m| {
            m.keys()
                .filter(|k| *k != "t" && !core.contains(&k.as_str()))
                .collect()
        })
        .unwrap_or_default();
    let cell = crate::report::csv_cell;
    let mut head = vec!["t".to_string()];
    head.extend((1..=d).map(|i| format!("w{i}")));
    head.extend(core.iter().map(|c| c.to_string()));
    head.extend(others.iter().map(|c| c.to_string()));
    let mut rows = Vec::with_capacity(cps.len());
    for c in cps {
        let t = &c["t"];
        let diag = diags.iter().find(|g| g["t"] == *t).unwrap_or(&Value::Null);
        let mut row = vec![cell(t)];
        row.extend((0..d).map(|i| cell(&c["w"][i])));
        for k in core {
            row.push(if k == "dir_err" {
                cell(&diag[k])
            } else {
                cell(&c[k])
            });
        }
        row.extend(others.iter().map(|k| cell(&diag[k.as_str()])));
        rows.push(row);
    }
    crate::report::csv_text(&head, &rows)
}

/// `1e6` for a power of ten from 100 on, the decimal number otherwise.
pub(crate) fn steps_text(steps: u64) -> String {
    let mut k = 0;
    let mut p = 1u64;
    while p < steps {
        p = p.saturating_mul(10);
        k += 1;
    }
    if p == steps && k >= 2 {
        format!("1e{k}")
    } else {
        steps.to_string()
    }
}

/// ` --init a,b,...` as a command echo writes it, or nothing for the origin.
pub(crate) fn init_arg(init: &[Rational]) -> String {
    if init.iter().all(|q| *q == 0) {
        return String::new();
    }
    format!(
        " --init {}",
        init.iter()
            .map(format_rational)
            .collect::<Vec<_>>()
            .join(",")
    )
}

/// The exact ℓ2 max-margin solution the theory checks compare against, verified by the
/// independent checker. Not separable: an error with the Gordan witness. If the oracle cannot
/// answer, the run proceeds without theory checks (a warning says why).
pub fn max_margin(
    data: &Dataset,
    biased: bool,
    warnings: &mut Vec<String>,
) -> Result<Option<MaxMargin>> {
    match oracle::solve(data, Norm::L2) {
        Ok(Outcome::Separable(mm)) => match crate::cert::check(data, &mm.cert) {
            Ok(()) => Ok(Some(*mm)),
            Err(v) => {
                warnings.push(format!("ibias: warning: theory checks skipped: the oracle's certificate failed the independent check ({v})"));
                Ok(None)
            }
        },
        Ok(Outcome::NotSeparable(w)) => Err(Error::NotSeparable {
            message: format!(
                "Gordan witness alpha = ({}) with sum alpha_n y_n x_n = 0{}",
                w.alpha
                    .iter()
                    .map(format_rational)
                    .collect::<Vec<_>>()
                    .join(", "),
                oracle::bias_hint(data, biased)
            ),
            witness: w.alpha,
        }),
        Err(e) => {
            warnings.push(format!("ibias: warning: theory checks skipped: {e}"));
            Ok(None)
        }
    }
}

/// The exact K-class SVM the theory checks compare against: the lifted ℓ2 solution, verified
/// by the independent checker on the lifted points ([`oracle::classes::solve`]). Not
/// separable: an error with the Gordan witness on the lifted points.
pub fn class_max_margin(
    classes: &ClassData,
    warnings: &mut Vec<String>,
) -> Result<Option<MaxMargin>> {
    match oracle::classes::solve(classes) {
        Ok(oracle::classes::ClassOutcome::Separable(cm)) => Ok(Some(cm.lifted)),
        Ok(oracle::classes::ClassOutcome::NotSeparable(beta)) => Err(Error::NotSeparable {
            message: format!(
                "no W has (w_y - w_k).x_n >= 1 for all n and k != y_n: Gordan witness \
                 beta_(n,k) = ({}) with sum beta_(n,k) (e_(y_n) - e_k) (x) x_n = 0",
                pair_list(&beta, classes)
            ),
            witness: classes.lifted_weights(&beta),
        }),
        Err(e) => {
            warnings.push(format!("ibias: warning: theory checks skipped: {e}"));
            Ok(None)
        }
    }
}

/// `(point, class): value` entries, points 1-based, classes by name.
pub(crate) fn pair_list(entries: &[((usize, usize), Rational)], classes: &ClassData) -> String {
    pair_items(entries, classes, &format_rational).join(", ")
}

/// The entries of [`pair_list`], each value written by `number`.
pub(crate) fn pair_items(
    entries: &[((usize, usize), Rational)],
    classes: &ClassData,
    number: &dyn Fn(&Rational) -> String,
) -> Vec<String> {
    entries
        .iter()
        .map(|((n, k), v)| format!("({}, {}): {}", n + 1, classes.names()[*k], number(v)))
        .collect()
}

/// The K-class lines of the report (Ŵ by rows, ‖Ŵ‖²_F, the support pairs, the invariant)
/// and the same as JSON.
fn class_report(
    c: &ClassData,
    mm: Option<&MaxMargin>,
    inv: &theory::multiclass::Invariant,
    rule: &theory::multiclass::InvariantRule,
    kind: Kind,
) -> (String, Value) {
    use theory::multiclass::InvariantRule;
    let mut text = String::new();
    let mut doc = json!({
        "k": c.classes(),
        "names": c.names(),
        "invariant": {
            // decimal strings, as every measured value of the document (a JSON number
            // would not survive every parser's round trip)
            "drift": crate::scalar::format_sig_f64(inv.drift, 3),
            "bound": crate::scalar::format_sig_f64(inv.bound, 3),
            "at": inv.at,
            // a verdict where the optimizer's step has a rounding bound (InvariantRule::Judged);
            // otherwise whether the deviation stayed within plain GD's bound, reported
            // (docs/cli.md)
            "holds": inv.holds(),
            "judged": rule.model().is_some(),
        },
    });
    if let Some(mm) = mm {
        let rows = c.rows(&mm.cert.w);
        for (name, r) in c.names().iter().zip(&rows) {
            text.push_str(&format!(
                "# K-class SVM: w_{name} = ({})\n",
                r.iter().map(format_rational).collect::<Vec<_>>().join(", ")
            ));
        }
        let support: Vec<(usize, usize)> = mm.cert.support.iter().map(|&i| c.pair(i)).collect();
        text.push_str(&format!(
            "# K-class SVM: |W|_F^2 = {}; support (point, class): {}; dual unique: {}\n",
            format_rational(&mm.cert.value),
            support
                .iter()
                .map(|(n, k)| format!("({}, {})", n + 1, c.names()[*k]))
                .collect::<Vec<_>>()
                .join(", "),
            if mm.unique { "yes" } else { "no" }
        ));
        doc["w_rows"] = json!(rows
            .iter()
            .map(|r| r.iter().map(format_rational).collect::<Vec<_>>())
            .collect::<Vec<_>>());
        doc["norm_sq"] = json!(format_rational(&mm.cert.value));
        doc["support"] = json!(support
            .iter()
            .map(|(n, k)| json!([n + 1, c.names()[*k]]))
            .collect::<Vec<_>>());
    }
    text.push_str(&match rule {
        InvariantRule::Judged(_) => format!(
            "# invariant sum_k w_k(t) = sum_k w_k(0) (docs/theory/multiclass.md §M3): {} (max deviation {:.3e} at t = {}, rounding bound {:.3e})\n",
            if inv.holds() { "PASS" } else { "FAIL" },
            inv.drift,
            inv.at,
            inv.bound
        ),
        InvariantRule::Exact(why) => format!(
            "# invariant sum_k w_k(t) = sum_k w_k(0) (docs/theory/multiclass.md §M3): not judged for {} (kept in exact arithmetic, every step a combination of gradients; {why}): deviation {:.3e} at t = {}\n",
            kind.name(),
            inv.largest,
            inv.largest_at
        ),
        InvariantRule::Free => format!(
            "# sum_k w_k(t) (docs/theory/multiclass.md §M3): not an invariant of {} (its step is not a combination of gradients): moved by {:.3e} at t = {}\n",
            kind.name(),
            inv.largest,
            inv.largest_at
        ),
    });
    (text, doc)
}

#[cfg(test)]
mod tests {
    use super::steps_text;

    #[test]
    fn steps_are_written_as_typed() {
        assert_eq!(steps_text(10_000), "1e4");
        assert_eq!(steps_text(100), "1e2");
        assert_eq!(steps_text(10), "10");
        assert_eq!(steps_text(1234), "1234");
        assert_eq!(steps_text(0), "0");
        assert_eq!(steps_text(1), "1");
    }
}
