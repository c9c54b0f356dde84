//! `ibias audit`: a trajectory logged by another program (PyTorch, NumPy, ...) judged by the
//! same theory checks as `ibias run`, and checked to be the method it claims to be.
//!
//! * The log ([`crate::data::trajectory`]) is read exactly and rounded into the working
//!   scalar; its samples at the powers of 2 and of the base (the logged step at or below each)
//!   become a [`Trajectory`], which `crate::experiment::theory_report` judges: the same
//!   predictions, diagnostics, verdicts, judgement and rendering as `ibias run`.
//! * The method check (`check_steps`): for every logged pair `t, t+1`, the logged step
//!   `Δw = w(t+1) − w(t)` against the exact GD update `η·(−∇L(w(t)))` evaluated at 256 bits
//!   from the logged `w(t)`: the step it implies, how far it departs, and whether that
//!   departure exceeds what the log's rounding allows (the bound in docs/cli.md, "ibias
//!   audit"). Low-precision logs also get the step at which the update falls below half a
//!   unit in the last place of every coordinate (the float32/float64 freeze). Gaps of the
//!   log (logged steps more than one apart) are replayed from their logged start by exact GD
//!   and judged against a bound of the producer's accumulated rounding (`GapCheck`), so a
//!   sparse log is checked too. Heavy-ball momentum and Nesterov (`--optimizer`) are checked
//!   on logged triples, their velocity being the logged `Δw(t)`.
//! * Another optimizer than GD (`Audit::optimizer`) is judged by its predicted limit with
//!   the rule of `ibias compare` on the logged iterates at `T`, `T/10` and `T/100`
//!   ([`Audit::limit`]).
//!
//! ```
//! use implicit_bias::audit::Audit;
//! use implicit_bias::data::{generate::Generator, trajectory::Logged};
//! use rug::Rational;
//! // R1: x = (1, 0), y = +1; one GD step from the origin with η = 1: w(1) = (1, 0)
//! let data = Generator::R1.generate()?;
//! let log = Logged { source: "<log>".into(), t: vec![0, 1],
//!     w: vec![vec![Rational::new(), Rational::new()], vec![Rational::from(1), Rational::new()]] };
//! let mut a = Audit::new(data, log);
//! a.lr = Rational::from(1);
//! let out = a.run()?;
//! assert_eq!(out.steps.pairs, 1);
//! assert_eq!(out.steps.departing, 0); // w(1) = w(0) + 1·e^0·(1, 0) exactly
//! # Ok::<(), implicit_bias::Error>(())
//! ```

use crate::certify;
use crate::compare::{self, CompareRow, Legs};
use crate::data::trajectory::{LogFormat, Logged};
use crate::data::{format_rational, Dataset};
use crate::experiment::{max_margin, theory_report, Gd, TheoryReport};
use crate::loss::Loss;
use crate::objective::Objective;
use crate::optim::spec::Kind;
use crate::optim::{GradientDescent, OptimizerSpec, State};
use crate::report;
use crate::run::{
    dense_checkpoints, Observer, RunOptions, RunStatus, Runner, Sample, Trajectory, MAX_STEPS,
};
use crate::scalar::{Dd, Precision, Scalar};
use crate::theory::limits::Answers;
use crate::theory::{render, Conjecture, Judgement, Status};
use crate::{Error, Result};
use rug::float::Round;
use rug::{Float, Rational};
use serde_json::{json, Value};
use std::time::Duration;

/// Bits of the method check's arithmetic.
pub(crate) const CHECK_BITS: u32 = 256;

/// A validated request: what `ibias audit` takes on its command line.
#[derive(Clone, Debug)]
pub struct Audit {
    /// The data (with the bias column already appended when `bias` is set).
    pub(crate) data: Dataset,
    /// Where the data came from, for the report.
    pub(crate) data_name: String,
    /// The column flags after `--data` in the command echo (each with a leading space).
    pub(crate) data_flags: String,
    /// Whether `data` carries an appended constant column (`--bias`).
    pub(crate) bias: bool,
    /// The loss the log claims to minimize (the sum over points).
    pub(crate) loss: Loss,
    /// The step the log claims.
    pub lr: Rational,
    /// The method the log claims (`gd` by default; its `lr` is [`Audit::lr`]). Plain GD is
    /// judged by the theory checks of `ibias run`; another built-in optimizer by its
    /// predicted limit with the rule of `ibias compare`. The method check covers GD, heavy-ball
    /// momentum and Nesterov ([`check_steps`]).
    pub(crate) optimizer: OptimizerSpec,
    /// The logged trajectory.
    pub(crate) log: Logged,
    /// The log's number format; `None`: detected from the values ([`LogFormat::detect`]).
    pub(crate) format: Option<LogFormat>,
    /// Working precision of the theory checks; `None`: the log's own ([`default_precision`]).
    pub(crate) precision: Option<Precision>,
    /// `w(0)` when the log has no row at `t = 0`.
    pub(crate) init: Option<Vec<Rational>>,
    /// Checkpoint base of the printed tables.
    pub(crate) base: u64,
    /// Predictions replaced by the user's values.
    pub(crate) conjectures: Vec<Conjecture>,
}

/// The method check of a log: its consecutive pairs against the exact GD update.
#[derive(Clone, Debug)]
pub struct StepCheck {
    /// Logged pairs `t, t+1`.
    pub pairs: usize,
    /// Pairs whose exact update exceeds the rounding bound in some coordinate (the check can
    /// see a wrong step there).
    pub(crate) resolved: usize,
    /// Pairs that depart from the exact update by more than the rounding bound.
    pub departing: usize,
    /// The largest `max_i |Δw_i − η(−∇L)_i|/bound_i` and its `t`.
    pub(crate) worst_ratio: Option<(u64, f64)>,
    /// The largest `‖Δw − η(−∇L)‖/‖η∇L‖` over resolved pairs and its `t`.
    pub(crate) worst_relative: Option<(u64, f64)>,
    /// The step each resolved pair implies, `⟨Δw, −∇L⟩/‖∇L‖²`, with its `t`.
    pub(crate) implied: Vec<(u64, f64)>,
    /// The first pair at which the logged iterate stops moving though the update is not 0.
    pub(crate) frozen_at: Option<u64>,
    /// Binary float logs: the first logged `t` from which the exact update is below half a
    /// unit in the last place of every coordinate.
    pub(crate) below_rounding_from: Option<u64>,
    /// The replay of the logged gaps `t_k, t_{k+1}` with `t_{k+1} − t_k > 1` ([`GapCheck`]).
    pub(crate) gaps: GapCheck,
    /// PASS (resolved pairs or gaps, none departing), FAIL (one departs), n/a (none resolved).
    pub(crate) status: Status,
    /// The method checked, as printed (`GD`, `heavy-ball momentum (β = 9/10)`, ...).
    pub(crate) method: String,
    /// What the check left out and why (another optimizer's memory, gaps of a momentum log).
    pub(crate) note: Option<String>,
}

/// The method check of a sparse log: each gap `t_k < t_{k+1}` (more than one step apart)
/// replayed from the logged `w(t_k)` with exact GD at [`CHECK_BITS`] bits, `t_{k+1} − t_k`
/// steps, against the logged `w(t_{k+1})`, with the bound of [`replay_gap`].
#[derive(Clone, Debug, Default)]
pub(crate) struct GapCheck {
    /// Gaps replayed.
    pub(crate) replayed: usize,
    /// Gaps left out: beyond [`REPLAY_BUDGET`] in all, or where the replay or its bound is
    /// not finite.
    pub(crate) skipped: usize,
    /// Replayed gaps whose exact motion `‖x(t_{k+1}) − w(t_k)‖` exceeds the bound.
    pub(crate) resolved: usize,
    /// Replayed gaps whose logged end departs from the replay by more than the bound.
    pub(crate) departing: usize,
    /// The largest `‖w(t_{k+1}) − x(t_{k+1})‖/bound` and its `t_{k+1}`.
    pub(crate) worst_ratio: Option<(u64, f64)>,
}

/// The gap check's budget: replayed steps times `N·d` in all (the replay runs at
/// [`CHECK_BITS`] bits, about a second per 2^23 on one core); a gap beyond what is left is
/// skipped and counted, and the later ones are still tried.
pub(crate) const REPLAY_BUDGET: u64 = 1 << 23;

impl StepCheck {
    /// The median implied step.
    pub(crate) fn median_implied(&self) -> Option<f64> {
        let mut v: Vec<f64> = self.implied.iter().map(|p| p.1).collect();
        v.sort_by(f64::total_cmp);
        v.get(v.len() / 2).copied()
    }
}

/// Another optimizer's predicted limit judged on a log ([`Audit::limit`]).
#[derive(Clone, Debug)]
pub struct LoggedLimit {
    /// The exact ℓ1, ℓ2, ℓ∞ answers (each certificate checked).
    pub(crate) answers: Answers,
    /// The evidence, as `ibias compare` prints it.
    pub(crate) row: CompareRow,
    /// What it established.
    pub(crate) judgement: Judgement,
}

/// What [`Audit::run`] found.
#[derive(Clone, Debug)]
pub struct AuditFindings {
    /// The reproducing command.
    pub(crate) command: String,
    /// The log's number format (given or detected).
    pub(crate) format: LogFormat,
    /// The working precision of the theory checks.
    pub(crate) precision: Precision,
    /// The logged steps judged by the theory checks.
    pub(crate) judged: Vec<u64>,
    /// The method check.
    pub steps: StepCheck,
    /// The theory checks (with a verified max-margin solution).
    pub(crate) theory: Option<TheoryReport>,
    /// Why the theory checks were not made.
    pub(crate) skipped: Option<String>,
    /// Another optimizer than GD: its predicted limit judged on the log ([`Audit::limit`]).
    pub(crate) limit: Option<LoggedLimit>,
    /// Warnings for stderr.
    pub(crate) warnings: Vec<String>,
    header: String,
    table: String,
    checkpoints: Value,
    w0: Vec<Rational>,
    code: u8,
}

/// The working precision that matches a log's format: 24 MPFR bits for float32, f64 for
/// float64, `⌈3.33·K⌉` bits for K-digit decimals, 128 bits for exact logs.
pub(crate) fn default_precision(format: LogFormat) -> Precision {
    match format {
        LogFormat::Float32 => Precision::Bits(24),
        LogFormat::Float64 => Precision::F64,
        LogFormat::Decimal(k) => {
            Precision::Bits(((f64::from(k) * std::f64::consts::LOG2_10).ceil() as u32).max(2))
        }
        LogFormat::Exact => Precision::Bits(128),
    }
}

impl Audit {
    /// GD on the exponential loss with step 1/8, the defaults of `ibias audit`.
    pub fn new(data: Dataset, log: Logged) -> Audit {
        Audit {
            data,
            data_name: "<data>".into(),
            data_flags: String::new(),
            bias: false,
            loss: Loss::Exponential,
            lr: Rational::from((1, 8)),
            optimizer: OptimizerSpec::new(Kind::Gd),
            log,
            format: None,
            precision: None,
            init: None,
            base: 10,
            conjectures: Vec::new(),
        }
    }

    /// The command line that reproduces this audit.
    pub fn command(&self) -> String {
        let list = |v: &[Rational]| v.iter().map(format_rational).collect::<Vec<_>>().join(",");
        format!(
            "ibias audit --data {}{} --trajectory {} --loss {}{} --lr {}{}{}{}{}{}",
            self.data_name,
            self.data_flags,
            self.log.source,
            self.loss.name(),
            if self.optimizer.kind == Kind::Gd {
                String::new()
            } else {
                let mut spec = self.optimizer.clone();
                spec.lr = None;
                format!(" --optimizer {}", spec.to_arg())
            },
            format_rational(&self.lr),
            self.format
                .map(|f| format!(" --log-format {}", f.to_arg()))
                .unwrap_or_default(),
            self.precision
                .map(|p| format!(" --precision {}", p.to_arg()))
                .unwrap_or_default(),
            self.init
                .as_ref()
                .map(|v| format!(" --init {}", list(v)))
                .unwrap_or_default(),
            if self.bias { " --bias" } else { "" },
            self.conjectures
                .iter()
                .map(|c| format!(" --conjecture {}", c.to_arg()))
                .collect::<String>()
        )
    }

    /// The claimed method with its step ([`Audit::lr`]).
    pub fn claimed(&self) -> OptimizerSpec {
        let mut spec = self.optimizer.clone();
        spec.lr = Some(self.lr.clone());
        spec
    }

    /// `w(0)`: the logged row at `t = 0`, else `--init`. Errors: neither, both and
    /// different, a wrong length.
    pub fn start(&self) -> Result<Vec<Rational>> {
        let logged = (self.log.t.first() == Some(&0)).then(|| self.log.w[0].clone());
        match (logged, &self.init) {
            (Some(w), None) => Ok(w),
            (None, Some(w)) if w.len() == self.data.dim() => Ok(w.clone()),
            (_, Some(w)) if w.len() != self.data.dim() => Err(Error::param(
                "init",
                format!(
                    "{} values given but the data have d = {}",
                    w.len(),
                    self.data.dim()
                ),
            )),
            (Some(w), Some(i)) if w == *i => Ok(w),
            (Some(_), Some(_)) => Err(Error::param(
                "init",
                "differs from the logged row at t = 0 (drop --init, or fix the log)",
            )),
            (None, _) => Err(Error::param(
                "init",
                format!(
                    "{} has no row at t = 0 and the predictions need w(0): give it with --init",
                    self.log.source
                ),
            )),
        }
    }

    /// Checks the request: the log's dimension and steps, the base, `w(0)`.
    pub(crate) fn validate(&self) -> Result<()> {
        if let Some(bad) = self.log.w.iter().position(|w| w.len() != self.data.dim()) {
            return Err(Error::Data(format!(
                "{}: the iterate at t = {} has {} coordinates but the data have d = {}",
                self.log.source,
                self.log.t[bad],
                self.log.w[bad].len(),
                self.data.dim()
            )));
        }
        if self.log.t.is_empty() || self.log.t.len() != self.log.w.len() {
            return Err(Error::Data(format!(
                "{}: no logged iterates",
                self.log.source
            )));
        }
        if let Some(&last) = self.log.t.last().filter(|&&t| t > MAX_STEPS) {
            return Err(Error::Data(format!(
                "{}: t = {last} is more than the supported maximum 1e15",
                self.log.source
            )));
        }
        if !(2..=1_000_000).contains(&self.base) {
            return Err(Error::param(
                "base",
                "checkpoint base must be in 2..=1000000",
            ));
        }
        if self.lr <= 0 {
            return Err(Error::param("lr", "must be > 0"));
        }
        if self.optimizer.kind != Kind::Gd && !self.conjectures.is_empty() {
            return Err(Error::param(
                "conjecture",
                format!(
                    "the conjectures replace predictions of plain GD's theory checks; a {} log is judged by its predicted limit (drop --conjecture or --optimizer)",
                    self.optimizer.kind.name()
                ),
            ));
        }
        self.start().map(|_| ())
    }

    /// Runs the audit. Bad input and non-separable data are errors.
    pub fn run(&self) -> Result<AuditFindings> {
        self.validate()?;
        let w0 = self.start()?;
        let mut warnings = Vec::new();
        let mm = max_margin(&self.data, self.bias, &mut warnings)?;
        let format = self
            .format
            .unwrap_or_else(|| LogFormat::detect(self.log.w.iter().flatten()));
        let precision = self.precision.unwrap_or_else(|| default_precision(format));
        let steps = check_steps(&self.data, self.loss, &self.claimed(), &self.log, format);
        let mut out = match precision {
            Precision::F64 => self.go::<f64>((), mm.as_ref(), &w0),
            Precision::Bits(b) => self.go::<Float>(b, mm.as_ref(), &w0),
            Precision::Dd => self.go::<Dd>((), mm.as_ref(), &w0),
        };
        warnings.append(&mut out.warnings);
        let limit = if self.optimizer.kind == Kind::Gd {
            None
        } else {
            Some(self.limit()?)
        };
        let code = match (&out.theory, &limit, steps.status) {
            (_, _, Status::Fail) => 1,
            (_, Some(l), _) => l.judgement.exit_code(),
            (Some(t), None, _) => t.judgement.exit_code(),
            (None, None, _) => 3,
        };
        let header = format!(
            "# {}\n# data: {} (N = {}, d = {}), loss {}, claimed: {} on the summed loss\n# trajectory: {}: {} rows, t = {}..{}, values {}; judged at {} on {} logged steps (at or below each power of 2 and of {})\n# w(0) = ({}){}\n",
            self.command(),
            self.data_name,
            self.data.len(),
            self.data.dim(),
            self.loss.name(),
            if self.optimizer.kind == Kind::Gd {
                format!("GD with step {}", format_rational(&self.lr))
            } else {
                self.claimed().describe()
            },
            self.log.source,
            self.log.t.len(),
            self.log.t[0],
            self.log.t[self.log.t.len() - 1],
            format.describe(),
            precision.label(),
            out.judged.len(),
            self.base,
            w0.iter().map(format_rational).collect::<Vec<_>>().join(", "),
            if self.log.t[0] == 0 {
                " (the logged row t = 0)"
            } else {
                " (--init)"
            },
        );
        Ok(AuditFindings {
            command: self.command(),
            format,
            precision,
            judged: out.judged,
            steps,
            theory: out.theory,
            skipped: out.skipped,
            limit,
            warnings,
            header,
            table: out.table,
            checkpoints: out.checkpoints,
            w0,
            code,
        })
    }

    /// Another optimizer's predicted limit ([`OptimizerSpec::prediction`]) judged on the log
    /// by the rule of `ibias compare` (docs/optimizers.md): the secants between the logged
    /// iterates at `T` (the last row), at or below `⌊T/10⌋` and at or below `⌊T/100⌋`.
    /// Errors: data without the exact answers (not separable).
    pub fn limit(&self) -> Result<LoggedLimit> {
        let answers = Answers::from_oracle(&self.data)?;
        let bits = CHECK_BITS;
        let obj = Objective::<Float>::new(&self.data, self.loss, bits);
        let t = &self.log.t;
        let last = t[t.len() - 1];
        // the row at or below g (the first row when every logged t is above it)
        let at = |g: u64| t.partition_point(|&s| s <= g).saturating_sub(1);
        let to_f = |k: usize| -> Vec<Float> {
            self.log.w[k]
                .iter()
                .map(|q| Float::with_val(bits, q))
                .collect()
        };
        let mut state = State::new(&obj, to_f(t.len() - 1), 0);
        state.t = last;
        let k1 = at(last / 10);
        let legs = Legs {
            state,
            w_prev2: to_f(at(last / 100)),
            w_prev: to_f(k1),
            precond_prev: None,
            t_prev: t[k1],
            status: RunStatus::Completed,
            elapsed: 0.0,
        };
        let row = compare::judge_logged(&self.data, &obj, &answers, &self.claimed(), &legs, bits);
        let judgement = compare::judgement(std::slice::from_ref(&row));
        Ok(LoggedLimit {
            answers,
            row,
            judgement,
        })
    }

    /// The logged iterates judged: at or below each power of 2 and of the base.
    fn judged_indices(&self) -> Vec<usize> {
        let t = &self.log.t;
        let last = t[t.len() - 1];
        let mut out: Vec<usize> = Vec::new();
        for g in dense_checkpoints(last, self.base) {
            let k = t.partition_point(|&s| s <= g);
            if k > 0 && out.last() != Some(&(k - 1)) {
                out.push(k - 1);
            }
        }
        out
    }

    fn go<S: Scalar>(
        &self,
        ctx: S::Ctx,
        mm: Option<&crate::oracle::MaxMargin>,
        w0: &[Rational],
    ) -> Run {
        let obj = Objective::<S>::new(&self.data, self.loss, ctx);
        let idx = self.judged_indices();
        let samples: Vec<Sample<S>> = idx
            .iter()
            .map(|&i| {
                let w: Vec<S> = self.log.w[i]
                    .iter()
                    .map(|q| S::from_rational(q, ctx))
                    .collect();
                let ln_loss = obj.ln_loss(&w);
                Sample {
                    t: self.log.t[i],
                    w,
                    ln_loss,
                }
            })
            .collect();
        let last = self.log.t[self.log.t.len() - 1];
        let traj = Trajectory {
            samples,
            status: RunStatus::Completed,
            steps: last,
            elapsed: Duration::ZERO,
        };
        let shown = crate::run::checkpoints(last, self.base);
        let mut rows = report::rows(&obj, &traj);
        rows.retain(|r| render::shown(r.t, &shown, last));
        let mut warnings = Vec::new();
        let mut skipped = None;
        let theory = match mm.filter(|_| self.optimizer.kind == Kind::Gd) {
            Some(mm) => {
                let gd = Gd {
                    data: &self.data,
                    mm,
                    loss: self.loss,
                    eta: &self.lr,
                    init: w0,
                    conjectures: &self.conjectures,
                    shown: &shown,
                    advice: crate::theory::AUDIT_ADVICE,
                };
                match theory_report(&gd, &traj, ctx) {
                    Ok(t) => Some(t),
                    Err(e) => {
                        warnings.push(format!("ibias: warning: theory checks skipped: {e}"));
                        skipped = Some(e.to_string());
                        None
                    }
                }
            }
            None if self.optimizer.kind == Kind::Gd => {
                skipped = Some("no verified max-margin solution (see the warning above)".into());
                None
            }
            // another optimizer: its limit is judged instead ([`Audit::limit`])
            None => None,
        };
        Run {
            judged: idx.iter().map(|&i| self.log.t[i]).collect(),
            table: report::render_table(&rows, 10),
            checkpoints: report::rows_json(&rows),
            theory,
            skipped,
            warnings,
        }
    }
}

struct Run {
    judged: Vec<u64>,
    table: String,
    checkpoints: Value,
    theory: Option<TheoryReport>,
    skipped: Option<String>,
    warnings: Vec<String>,
}

/// The update a method check replays: GD's, or a momentum method's, which the log's own
/// consecutive iterates carry (`v(t) = w(t) − w(t−1)`, `v(0) = 0`).
enum Update {
    Gd,
    /// Heavy ball: `w(t+1) = w(t) + βΔw(t) + η(−∇L(w(t)))`.
    HeavyBall(Float),
    /// Nesterov (Sutskever's form): the gradient at `w(t) + βΔw(t)`.
    Nesterov(Float),
}

impl Update {
    fn beta(&self) -> Option<&Float> {
        match self {
            Update::Gd => None,
            Update::HeavyBall(b) | Update::Nesterov(b) => Some(b),
        }
    }
}

/// The method check: each logged step `t → t+1` against the exact update of the claimed
/// method from the logged iterates, at [`CHECK_BITS`] bits. GD: each pair `w(t), w(t+1)`;
/// heavy-ball momentum and Nesterov: each triple `w(t−1), w(t), w(t+1)` (and the pair at
/// `t = 0`, where `v(0) = 0`), since their velocity is the logged `Δw(t) = w(t) − w(t−1)`
/// up to rounding. Other methods carry memory a log of iterates does not hold: their check is
/// n/a, with the reason in [`StepCheck::note`].
///
/// With `u` the log's unit roundoff ([`LogFormat::unit_roundoff`]; `2^−(CHECK_BITS−32)` for
/// exact logs; for a decimal log the coarser of the rows' grids, [`LogFormat::of_row`]), `q_n = −ℓ′(z_nᵀw)` and `G = Σ_n q_n z_n = −∇L(w)`, the departure
/// `e = Δw − ηG` of a GD step computed and logged in that format obeys, per coordinate,
/// `|e_i| ≤ B_i = 2·[u(|w_i(t)| + |w_i(t+1)|) + η Σ_n q_n |z_ni| ((N + d + 6)u + (d + 2)u Σ_j |z_nj w_j|)]`:
/// the rounding of the two logged iterates, of the margins (`d` terms, and the data's own
/// rounding), of the weights and of the `N`-term sum, doubled for the second-order terms
/// (docs/cli.md, "ibias audit"). A momentum step's departure `e = Δw(t+1) − βΔw(t) − ηG`
/// adds the rounding of the velocity it carries and of its update,
/// `2·[2βu(|w_i(t)| + |w_i(t−1)|) + u|w_i(t)| + 2u(β|Δw_i(t)| + η|G_i|)]`; Nesterov's
/// gradient point `y = w(t) + βΔw(t)` is off the producer's by at most
/// `s = 2·max_i [u|y_i| + 2βu(|w_i(t)| + |w_i(t−1)|)]` per coordinate, which moves each
/// weight by at most the factor `e^{‖z_n‖₁ s}` (both losses), so the bound takes the weights
/// so widened and adds `η Σ_n q_n (e^{‖z_n‖₁ s} − 1)|z_ni|`. A step departs when some
/// `|e_i| > B_i`; it is resolved when some `η|G_i| > B_i` (a wrong step can show there).
pub(crate) fn check_steps(
    data: &Dataset,
    loss: Loss,
    claimed: &OptimizerSpec,
    log: &Logged,
    format: LogFormat,
) -> StepCheck {
    let bits = CHECK_BITS;
    let lr = claimed.lr();
    let mut out = StepCheck {
        pairs: 0,
        resolved: 0,
        departing: 0,
        worst_ratio: None,
        worst_relative: None,
        implied: Vec::new(),
        frozen_at: None,
        below_rounding_from: None,
        gaps: GapCheck::default(),
        status: Status::NotApplicable,
        method: method_label(claimed),
        note: None,
    };
    let update = match claimed.kind {
        Kind::Gd => Update::Gd,
        Kind::Momentum => Update::HeavyBall(Float::with_val(bits, &claimed.beta)),
        Kind::Nesterov => Update::Nesterov(Float::with_val(bits, &claimed.beta)),
        other => {
            out.note = Some(format!(
                "not checked: the method check replays GD, heavy-ball momentum and Nesterov, whose memory the logged iterates carry; the {} update depends on state a log of iterates does not hold",
                other.name()
            ));
            return out;
        }
    };
    let obj = Objective::<Float>::new(data, loss, bits);
    let d = obj.d();
    let mut u = format.unit_roundoff(bits);
    let floor = Float::with_val(bits, Float::i_exp(1, -(bits as i32 - 32)));
    if u < floor {
        u = floor;
    }
    let eta = Float::with_val(bits, &lr);
    let mut scratch = obj.scratch();
    let to_f =
        |w: &[Rational]| -> Vec<Float> { w.iter().map(|q| Float::with_val(bits, q)).collect() };
    let float_bits = format.float_bits();
    // ‖z_n‖₁, for Nesterov's widened weights
    let z_l1: Vec<Float> = (0..obj.n())
        .map(|p| {
            obj.z(p).iter().fold(Float::new(bits), |a, x| {
                a + Float::with_val(bits, x.abs_ref())
            })
        })
        .collect();
    for k in 0..log.t.len() {
        let w = to_f(&log.w[k]);
        let t = log.t[k];
        // the carried velocity Δw(t) and w(t−1) (zero at t = 0: v(0) = 0)
        let (prev_delta, prev_w) = match update.beta() {
            None => (None, None),
            Some(_) if t == 0 => (
                Some(vec![Float::new(bits); d]),
                Some(vec![Float::new(bits); d]),
            ),
            Some(_) if k > 0 && log.t[k - 1] + 1 == t => {
                let pw = to_f(&log.w[k - 1]);
                let dv: Vec<Float> = w
                    .iter()
                    .zip(&pw)
                    .map(|(a, b)| Float::with_val(bits, a - b))
                    .collect();
                (Some(dv), Some(pw))
            }
            // a step whose velocity is not logged: not checked
            Some(_) => continue,
        };
        let beta = update.beta();
        // the gradient's point: w(t), or Nesterov's look-ahead
        let eval: Vec<Float> = match (&update, &prev_delta) {
            (Update::Nesterov(b), Some(dv)) => w
                .iter()
                .zip(dv)
                .map(|(x, v)| Float::with_val(bits, x + Float::with_val(bits, b * v)))
                .collect(),
            _ => w.clone(),
        };
        if obj.weights(&eval, &mut scratch).is_err() {
            continue;
        }
        let q = scratch.weights.clone();
        let mut g = vec![Float::new(bits); d];
        obj.neg_gradient_from_weights(&q, &mut g);
        // the update η G (+ β Δw(t))
        let upd: Vec<Float> = (0..d)
            .map(|i| {
                let mut x = Float::with_val(bits, &eta * &g[i]);
                if let (Some(b), Some(dv)) = (beta, &prev_delta) {
                    x += Float::with_val(bits, b * &dv[i]);
                }
                x
            })
            .collect();
        // the update below half an ulp of every coordinate (binary float logs)
        if let (Some(p), None) = (float_bits, out.below_rounding_from) {
            let below = (0..d).all(|i| {
                let step = upd[i].clone().abs();
                match w[i].get_exp() {
                    Some(e) => step < Float::with_val(bits, Float::i_exp(1, e - p as i32 - 1)),
                    None => step.is_zero(),
                }
            });
            if below {
                out.below_rounding_from = Some(t);
            }
        }
        if k + 1 >= log.t.len() || log.t[k + 1] != t + 1 {
            continue;
        }
        out.pairs += 1;
        let next = to_f(&log.w[k + 1]);
        // the coarser of the rows' rounding grids (decimal logs may print fewer digits in
        // later rows)
        let mut u = u.clone();
        let rows: Vec<&Vec<Rational>> = if beta.is_some() && t > 0 {
            vec![&log.w[k - 1], &log.w[k], &log.w[k + 1]]
        } else {
            vec![&log.w[k], &log.w[k + 1]]
        };
        for row in rows {
            let r = format.of_row(row).unit_roundoff(bits);
            if r > u {
                u = r;
            }
        }
        let bound = match (&update, beta, &prev_delta, &prev_w) {
            (Update::Gd, ..) => step_bound(&obj, &w, &next, &q, &eta, &u, &Float::new(bits)),
            (_, Some(b), Some(dv), Some(pw)) => momentum_bound(
                &obj, &update, b, &w, pw, dv, &eval, &next, &q, &g, &eta, &u, &z_l1,
            ),
            // invariant: a momentum update always has its velocity (set above, else skipped)
            _ => continue,
        };
        let mut ratio = 0.0f64;
        let (mut resolved, mut departs, mut moved) = (false, false, false);
        let mut e2 = Float::new(bits);
        let mut g2 = Float::new(bits);
        let mut dg = Float::new(bits);
        let mut stuck_update = false;
        for i in 0..d {
            let dw = Float::with_val(bits, &next[i] - &w[i]);
            let grad_step = Float::with_val(bits, &eta * &g[i]);
            let e = Float::with_val(bits, &dw - &upd[i]);
            let b = &bound[i];
            if grad_step.clone().abs() > *b {
                resolved = true;
            }
            if e.clone().abs() > *b {
                departs = true;
            }
            if !b.is_zero() {
                ratio = ratio.max((Float::with_val(bits, e.abs_ref()) / b).to_f64());
            }
            moved |= !dw.is_zero();
            stuck_update |= !upd[i].is_zero();
            e2 += Float::with_val(bits, e.square_ref());
            g2 += Float::with_val(bits, g[i].square_ref());
            // the step the gradient part implies: Δw − βΔw(t) against G
            let mut own = dw;
            if let (Some(b), Some(dv)) = (beta, &prev_delta) {
                own -= Float::with_val(bits, b * &dv[i]);
            }
            dg += Float::with_val(bits, &own * &g[i]);
        }
        if out.worst_ratio.map_or(true, |(_, r)| ratio > r) {
            out.worst_ratio = Some((t, ratio));
        }
        if !moved && stuck_update && out.frozen_at.is_none() {
            out.frozen_at = Some(t);
        }
        if resolved {
            out.resolved += 1;
            let rel = (e2.sqrt() / (Float::with_val(bits, g2.sqrt_ref()) * &eta)).to_f64();
            if out.worst_relative.map_or(true, |(_, r)| rel > r) {
                out.worst_relative = Some((t, rel));
            }
            if !g2.is_zero() {
                out.implied.push((t, (dg / g2).to_f64()));
            }
        }
        if departs {
            out.departing += 1;
        }
    }
    match update {
        Update::Gd => out.gaps = replay_gaps(&obj, &lr, log, format, &u),
        _ => {
            let gaps = log.t.windows(2).filter(|p| p[1] - p[0] > 1).count();
            out.gaps.skipped = gaps;
            if gaps > 0 {
                out.note = Some(format!(
                    "{gaps} gap(s) of the log not replayed: the gap replay is GD's (a momentum method's velocity at a gap's start is not logged)"
                ));
            }
        }
    }
    out.status = if out.departing > 0 || out.gaps.departing > 0 {
        Status::Fail
    } else if out.resolved > 0 || out.gaps.resolved > 0 {
        Status::Pass
    } else {
        Status::NotApplicable
    };
    out
}

/// The method's name as the method check prints it.
fn method_label(spec: &OptimizerSpec) -> String {
    match spec.kind {
        Kind::Gd => "GD".into(),
        Kind::Momentum => format!("heavy-ball momentum (β = {})", format_rational(&spec.beta)),
        Kind::Nesterov => format!("Nesterov momentum (β = {})", format_rational(&spec.beta)),
        other => other.name().into(),
    }
}

/// The per-coordinate bound of a momentum step's departure ([`check_steps`]): GD's
/// [`step_bound`] at the gradient's point (Nesterov: with the weights widened for the
/// look-ahead's rounding, plus the weights' move) and the carried velocity's rounding.
#[allow(clippy::too_many_arguments)]
fn momentum_bound(
    obj: &Objective<Float>,
    update: &Update,
    beta: &Float,
    w: &[Float],
    prev_w: &[Float],
    prev_delta: &[Float],
    eval: &[Float],
    next: &[Float],
    q: &[Float],
    g: &[Float],
    eta: &Float,
    u: &Float,
    z_l1: &[Float],
) -> Vec<Float> {
    let bits = CHECK_BITS;
    let d = w.len();
    let ab = |x: &Float| Float::with_val(bits, x.abs_ref());
    // the velocity's rounding per coordinate: 2βu(|w_i(t)| + |w_i(t−1)|)
    let carried: Vec<Float> = (0..d)
        .map(|i| Float::with_val(bits, ab(&w[i]) + ab(&prev_w[i])) * beta * u * 2u32)
        .collect();
    // Nesterov: the look-ahead's rounding `s` per coordinate widens the weights by
    // `e^{‖z_n‖₁ s}` and moves the gradient by `η Σ_n q_n (e^{‖z_n‖₁ s} − 1)|z_ni|`
    let (base, moved) = match update {
        Update::Nesterov(_) => {
            let s = (0..d)
                .map(|i| Float::with_val(bits, ab(&eval[i]) * u) + &carried[i])
                .fold(Float::new(bits), |a, x| if x > a { x } else { a })
                * 2u32;
            let grow: Vec<Float> = z_l1
                .iter()
                .map(|l| {
                    let mut x = Float::with_val_round(bits, l * &s, Round::Up).0;
                    x.exp_round(Round::Up);
                    x
                })
                .collect();
            let wide: Vec<Float> = q
                .iter()
                .zip(&grow)
                .map(|(a, f)| Float::with_val_round(bits, a * f, Round::Up).0)
                .collect();
            let moved: Vec<Float> = (0..d)
                .map(|i| {
                    let mut m = Float::new(bits);
                    for (p, (qp, f)) in q.iter().zip(&grow).enumerate() {
                        let zi = ab(&obj.z(p)[i]);
                        m += Float::with_val(bits, qp * Float::with_val(bits, f - 1u32)) * zi;
                    }
                    m * eta
                })
                .collect();
            (step_bound(obj, eval, next, &wide, eta, u, &s), Some(moved))
        }
        _ => (
            step_bound(obj, eval, next, q, eta, u, &Float::new(bits)),
            None,
        ),
    };
    (0..d)
        .map(|i| {
            let mut x = base[i].clone();
            if let Some(m) = &moved {
                x += &m[i];
            }
            x += velocity_terms(&carried[i], &w[i], &prev_delta[i], &g[i], beta, eta, u);
            x
        })
        .collect()
}

/// `2·[carried + u|w_i(t)| + 2u(β|Δw_i(t)| + η|G_i|)]` ([`check_steps`]).
fn velocity_terms(
    carried: &Float,
    w: &Float,
    dv: &Float,
    g: &Float,
    beta: &Float,
    eta: &Float,
    u: &Float,
) -> Float {
    let bits = CHECK_BITS;
    let mut v = Float::with_val(bits, dv.abs_ref()) * beta;
    v += Float::with_val(bits, g.abs_ref()) * eta;
    v *= u;
    v *= 2u32;
    v += Float::with_val(bits, w.abs_ref()) * u;
    v += carried;
    v * 2u32
}

/// The gap check ([`GapCheck`]): every gap of the log, in order, while the replayed steps stay
/// within [`REPLAY_BUDGET`]. `u` is the log's unit roundoff as the pair check takes it.
fn replay_gaps(
    obj: &Objective<Float>,
    lr: &Rational,
    log: &Logged,
    format: LogFormat,
    u: &Float,
) -> GapCheck {
    let bits = CHECK_BITS;
    let mut out = GapCheck::default();
    let mut budget = REPLAY_BUDGET;
    let per_step = (obj.n() * obj.d()).max(1) as u64;
    let to_f =
        |w: &[Rational]| -> Vec<Float> { w.iter().map(|q| Float::with_val(bits, q)).collect() };
    for k in 0..log.t.len().saturating_sub(1) {
        let m = log.t[k + 1] - log.t[k];
        if m < 2 {
            continue;
        }
        let cost = m.saturating_mul(per_step);
        if cost > budget {
            out.skipped += 1;
            continue;
        }
        budget -= cost;
        // the coarser of the two rows' rounding grids, as for a pair
        let mut u = u.clone();
        for row in [&log.w[k], &log.w[k + 1]] {
            let r = format.of_row(row).unit_roundoff(bits);
            if r > u {
                u = r;
            }
        }
        let Some(g) = replay_gap(obj, lr, &to_f(&log.w[k]), m, &u) else {
            out.skipped += 1;
            continue;
        };
        out.replayed += 1;
        let end = to_f(&log.w[k + 1]);
        let dist = |a: &[Float], b: &[Float]| -> Float {
            let mut s = Float::new(bits);
            for (x, y) in a.iter().zip(b) {
                s += Float::with_val(bits, x - y).square();
            }
            s.sqrt()
        };
        let dep = dist(&end, &g.end);
        let t = log.t[k + 1];
        if g.motion > g.bound {
            out.resolved += 1;
        }
        if dep > g.bound {
            out.departing += 1;
        }
        if !g.bound.is_zero() {
            let r = (dep / &g.bound).to_f64();
            if out.worst_ratio.map_or(true, |(_, w)| r > w) {
                out.worst_ratio = Some((t, r));
            }
        }
    }
    out
}

/// The pair check's per-coordinate bound on the departure `Δw − ηG` of one GD step computed
/// and logged with unit roundoff `u` (docs/cli.md, "ibias audit"):
/// `B_i = 2·[u(|w_i| + |w′_i| + 2s) + η Σ_n q_n |z_ni| ((N + d + 6)u + (d + 2)u Σ_j |z_nj|(|w_j| + s))]`,
/// from the iterate `w`, the next one `w′` and weights `q_n ≥ −ℓ′(z_nᵀw)`; `s` widens every
/// coordinate by a radius (0 for a logged pair; the gap check's ball).
fn step_bound(
    obj: &Objective<Float>,
    w: &[Float],
    next: &[Float],
    q: &[Float],
    eta: &Float,
    u: &Float,
    s: &Float,
) -> Vec<Float> {
    let bits = CHECK_BITS;
    let (n, d) = (obj.n(), obj.d());
    let c0 = Float::with_val(bits, (n + d + 6) as u32) * u;
    let c1 = Float::with_val(bits, (d + 2) as u32) * u;
    // per point: (N + d + 6)u + (d + 2)u Σ_j |z_nj|(|w_j| + s)
    let per: Vec<Float> = (0..n)
        .map(|p| {
            let z = obj.z(p);
            let mut m = Float::new(bits);
            for j in 0..d {
                m += Float::with_val(bits, z[j].abs_ref())
                    * (Float::with_val(bits, w[j].abs_ref()) + s);
            }
            Float::with_val(bits, &c1 * &m) + &c0
        })
        .collect();
    (0..d)
        .map(|i| {
            let mut b =
                Float::with_val(bits, w[i].abs_ref()) + Float::with_val(bits, next[i].abs_ref());
            b += Float::with_val(bits, s * 2u32);
            b *= u;
            let mut g = Float::new(bits);
            for p in 0..n {
                let zi = Float::with_val(bits, obj.z(p)[i].abs_ref());
                g += Float::with_val(bits, &q[p] * &zi) * &per[p];
            }
            b += g * eta;
            b * 2u32
        })
        .collect()
}

/// One replayed gap: the exact GD end `x(m)` (as computed), its distance from the start, and
/// the bound on `‖logged w(t_{k+1}) − x(m)‖` for a log that is GD with the claimed step.
struct Gap {
    end: Vec<Float>,
    motion: Float,
    bound: Float,
}

/// The producer's radius `ρ_i` around the replay, advanced at every step the runner takes:
/// `ρ_{i+1} = Lip_i ρ_i + ‖B‖₂` ([`replay_gap`]).
struct ProducerRadius<'a> {
    obj: &'a Objective<Float>,
    eta: Float,
    u: Float,
    loss: Loss,
    z_norm2: Vec<Float>,
    z_max: Float,
    rho: Float,
}

impl Observer<Float> for ProducerRadius<'_> {
    fn observe(&mut self, before: &[Float], after: &State<Float>) {
        let bits = CHECK_BITS;
        // GD's step left the weights at `before` in the scratch; over the ball they grow by
        // at most e^{Rρ}
        let mut grow = Float::with_val_round(bits, &self.z_max * &self.rho, Round::Up).0;
        grow.exp_round(Round::Up);
        let q: Vec<Float> = after
            .scratch
            .weights
            .iter()
            .map(|w| Float::with_val_round(bits, w * &grow, Round::Up).0)
            .collect();
        let em = certify::eta_curvature_on_ball(
            after.scratch.weights.iter(),
            &self.z_norm2,
            &self.z_max,
            &self.rho,
            &self.eta,
            self.loss,
            bits,
        );
        let lip = if em <= 2 {
            Float::with_val(bits, 1)
        } else {
            em - 1u32
        };
        let b = step_bound(
            self.obj, before, &after.w, &q, &self.eta, &self.u, &self.rho,
        );
        let mut beta2 = Float::new(bits);
        for x in &b {
            beta2 += Float::with_val(bits, x.square_ref());
        }
        self.rho = lip * &self.rho + beta2.sqrt();
    }
}

/// Replays `m` GD steps with step `lr` from the logged `w(t_k)` at [`CHECK_BITS`] bits (the
/// runner's plain GD, [`GradientDescent`]) and bounds how far a log of that GD may end from
/// it (docs/cli.md, "ibias audit"). The producer's iterate `y_i` starts within
/// `ρ₀ = u‖w(t_k)‖` of the logged value (the log rounds it) and each of its steps errs from
/// the exact map `G` by at most `β_i = ‖B‖₂` ([`step_bound`] over the ball `‖y − x_i‖ ≤ ρ_i`:
/// coordinates `|x_ij| + ρ_i`, weights `q_n e^{Rρ_i}`, `R = max ‖z_n‖`). `G` is
/// `Lip_i`-Lipschitz on that ball ([`certify::eta_curvature_on_ball`], the bound of
/// `--certify`), so `ρ_{i+1} = Lip_i ρ_i + β_i`, and the logged end is within `ρ_m + u‖x_m‖`
/// (its own rounding) of `x(m)`, plus the replay's own rounding, at most
/// `m·2^{−(CHECK_BITS−32)}(1 + ‖x‖)` on this nonexpansive path (a floor far below any log's
/// `u`). `None` when the replay stops early (a weight underflows) or a bound is not finite.
fn replay_gap(
    obj: &Objective<Float>,
    lr: &Rational,
    start: &[Float],
    m: u64,
    u: &Float,
) -> Option<Gap> {
    let bits = CHECK_BITS;
    let norm = |v: &[Float]| -> Float {
        let mut s = Float::new(bits);
        for x in v {
            s += Float::with_val(bits, x.square_ref());
        }
        s.sqrt()
    };
    let z_norm2: Vec<Float> = (0..obj.n())
        .map(|p| {
            let mut s = Float::new(bits);
            for x in obj.z(p) {
                s += Float::with_val(bits, x.square_ref());
            }
            s
        })
        .collect();
    let z_max = z_norm2
        .iter()
        .fold(Float::new(bits), |a, b| if *b > a { b.clone() } else { a })
        .sqrt();
    let mut radius = ProducerRadius {
        obj,
        eta: Float::with_val_round(bits, lr, Round::Up).0,
        u: u.clone(),
        loss: obj.loss(),
        z_norm2,
        z_max,
        rho: Float::with_val(bits, u * norm(start)),
    };
    let gd = GradientDescent::<Float>::new(lr, bits);
    let mut st = State::new(obj, start.to_vec(), 0);
    let opts = RunOptions {
        steps: m,
        progress: false,
        ..RunOptions::default()
    };
    let traj = Runner::new(obj, &gd, &opts)
        .observed(Some(&mut radius))
        .resume(&mut st, &[m]);
    if traj.status != RunStatus::Completed || st.t != m || !radius.rho.is_finite() {
        return None;
    }
    let x = st.w;
    let nx = norm(&x);
    let floor = Float::with_val(bits, Float::i_exp(1, -(bits as i32 - 32)))
        * Float::with_val(bits, m)
        * Float::with_val(bits, &nx + 1u32);
    let bound = radius.rho + Float::with_val(bits, u * &nx) + floor;
    let motion = {
        let mut s = Float::new(bits);
        for (a, b) in x.iter().zip(start) {
            s += Float::with_val(bits, a - b).square();
        }
        s.sqrt()
    };
    bound.is_finite().then_some(Gap {
        end: x,
        motion,
        bound,
    })
}

fn sig(x: f64) -> String {
    crate::scalar::format_sig_f64(x, 6)
}

impl AuditFindings {
    /// The exit status: 1 if the method check or a theory claim failed, else 3 if the theory
    /// checks are inconclusive or could not run, else 0.
    pub fn exit_code(&self) -> u8 {
        self.code
    }

    /// The method check as printed.
    fn steps_text(&self, lr: &str, n: usize) -> String {
        let s = &self.steps;
        let mut out = format!(
            "\n# the method: {}\npairs {}, resolved {} (the update exceeds the log's rounding bound), departing {}\n",
            match s.method.as_str() {
                "GD" => format!("each logged pair w(t), w(t+1) against the exact GD update w(t) + η(−∇L(w(t))) at {CHECK_BITS} bits"),
                m if m.contains("momentum") => format!("each logged step w(t) → w(t+1) against the exact {m} update w(t) + βΔw(t) + η(−∇L({})) from the logged iterates (Δw(t) = w(t) − w(t−1), Δw(0) = 0) at {CHECK_BITS} bits", if m.starts_with("Nesterov") { "w(t) + βΔw(t)" } else { "w(t)" }),
                m => m.to_string(),
            },
            s.pairs, s.resolved, s.departing
        );
        if let Some(n) = &s.note {
            out.push_str(&format!("note: {n}\n"));
        }
        let g = &s.gaps;
        if g.replayed + g.skipped > 0 {
            out.push_str(&format!(
                "gaps (logged t, t' more than one step apart, replayed from w(t) by exact GD at {CHECK_BITS} bits): replayed {}, skipped {} (beyond {REPLAY_BUDGET} steps × N·d in all, or not finite), resolved {} (the exact motion exceeds the bound), departing {}\n",
                g.replayed, g.skipped, g.resolved, g.departing
            ));
            if let Some((t, r)) = g.worst_ratio {
                out.push_str(&format!(
                    "largest ‖w(t') − replay‖/bound: {} at t' = {t} (above 1 departs)\n",
                    sig(r)
                ));
            }
        }
        if let (Some(first), Some(last), Some(med)) =
            (s.implied.first(), s.implied.last(), s.median_implied())
        {
            out.push_str(&format!(
                "implied step <Δw{}, −∇L>/‖∇L‖²: {} at t = {}, median {}, {} at t = {} (claimed {lr})\n",
                if s.method == "GD" { "" } else { " − βΔw(t)" },
                sig(first.1),
                first.0,
                sig(med),
                sig(last.1),
                last.0
            ));
        }
        // the update: GD's η(−∇L), a momentum method's βΔw(t) + η(−∇L)
        let upd = if s.method == "GD" {
            "η(−∇L)"
        } else {
            "update"
        };
        if let Some((t, r)) = s.worst_relative {
            out.push_str(&format!(
                "largest departure ‖Δw − {upd}‖/‖η∇L‖: {} at t = {t}\n",
                sig(r)
            ));
        }
        if let Some((t, r)) = s.worst_ratio {
            out.push_str(&format!(
                "largest |Δw_i − {upd}_i|/bound_i: {} at t = {t} (above 1 departs)\n",
                sig(r)
            ));
        }
        out.push_str(&format!(
            "freeze: the logged iterate stops moving {}; the update is below half an ulp of every coordinate {}\n",
            s.frozen_at
                .map_or("nowhere in the logged pairs".to_string(), |t| format!("at t = {t}")),
            match (self.format.float_bits(), s.below_rounding_from) {
                (None, _) => "(not a binary float log)".to_string(),
                (Some(_), None) => "at no logged t".to_string(),
                (Some(_), Some(t)) => format!("from t = {t}"),
            }
        ));
        let verdict = match s.status {
            Status::Pass => format!(
                "the logged steps are {} with step {lr} to within the log's rounding ({} of {} pairs and {} of {} gaps resolved)",
                s.method, s.resolved, s.pairs, g.resolved, g.replayed
            ),
            Status::Fail => format!(
                "{} of {} logged steps and {} of {} replayed gaps depart from {} with step {lr} beyond the log's rounding{}",
                s.departing,
                s.pairs,
                g.departing,
                g.replayed,
                s.method,
                self.mean_loss_hint(lr, n)
            ),
            _ if s.note.is_some() && s.pairs == 0 && g.replayed == 0 => {
                format!("not checked ({})", s.method)
            }
            _ if s.pairs == 0 && g.replayed == 0 => {
                "no consecutive iterates t, t+1 logged and no gap replayed: log some to check the method".to_string()
            }
            _ => "every logged update is below the log's rounding: nothing to resolve".to_string(),
        };
        out.push_str(&format!("{:<8} method   {verdict}\n", s.status.label()));
        out
    }

    /// A hint when the implied step is the claimed one divided by N (a mean loss).
    fn mean_loss_hint(&self, lr: &str, n: usize) -> String {
        let (Some(med), Ok(eta)) = (self.steps.median_implied(), crate::data::parse_rational(lr))
        else {
            return String::new();
        };
        let per = eta.to_f64() / n as f64;
        if n > 1 && ((med - per) / per).abs() < 1e-3 {
            format!(
                "; the implied step is {lr}/N (N = {n}): the log looks like GD on the mean loss, which is GD on the sum with --lr {}",
                format_rational(&(eta / n as u32))
            )
        } else {
            String::new()
        }
    }

    /// The last line: what the audit established.
    fn closing(&self) -> String {
        let method_failed = self.steps.status == Status::Fail;
        if let (Some(l), false) = (&self.limit, method_failed) {
            return match &l.judgement {
                Judgement::Holds => format!(
                    "# audit: the log reaches the predicted limit of {}{}\n",
                    l.row.name,
                    if self.steps.status == Status::Pass {
                        " and is consistent with the claimed method"
                    } else {
                        " (the method itself is not checked: see above)"
                    }
                ),
                Judgement::Fails(_) => format!(
                    "# audit FAILED: the log does not reach the predicted limit of {}\n",
                    l.row.name
                ),
                Judgement::Inconclusive(why) => format!("# audit inconclusive: {why}\n"),
            };
        }
        match (&self.theory, method_failed) {
            (_, true) => "# audit FAILED: the log is not the claimed method (see the method check)\n".into(),
            (Some(t), false) => match &t.judgement {
                Judgement::Holds => "# audit: the log is consistent with the claimed GD and all checked claims hold\n".into(),
                Judgement::Fails(k) => format!("# audit FAILED: {k} checked claim(s) failed\n"),
                Judgement::Inconclusive(why) => format!("# audit inconclusive: {why}\n"),
            },
            (None, false) => format!(
                "# audit inconclusive: theory checks skipped: {}\n",
                self.skipped.as_deref().unwrap_or("unknown")
            ),
        }
    }

    /// The human report.
    pub fn text(&self, audit: &Audit) -> String {
        let lr = format_rational(&audit.lr);
        let mut out = self.header.clone();
        out.push_str(&self.steps_text(&lr, audit.data.len()));
        out.push('\n');
        out.push_str(&self.table);
        if let Some(t) = &self.theory {
            out.push_str(&t.text);
        }
        if let Some(l) = &self.limit {
            out.push_str("\n# the predicted limit, judged on the logged iterates by the rule of ibias compare (docs/optimizers.md)\n");
            out.push_str(&compare::render_rows(
                &l.answers,
                std::slice::from_ref(&l.row),
            ));
        }
        out.push_str(&self.closing());
        out
    }

    /// The JSON document of `ibias audit --json` (fields in docs/cli.md).
    pub fn json(&self, audit: &Audit) -> Value {
        let s = &self.steps;
        let pair = |p: Option<(u64, f64)>| p.map(|(t, v)| json!({"t": t, "value": v}));
        json!({
            "command": self.command,
            "data": {"source": audit.data_name, "n": audit.data.len(), "d": audit.data.dim()},
            "trajectory": {
                "source": audit.log.source,
                "rows": audit.log.t.len(),
                "first_t": audit.log.t[0],
                "last_t": audit.log.t[audit.log.t.len() - 1],
                "format": self.format.to_arg(),
                "judged": self.judged,
            },
            "loss": audit.loss.name(),
            "optimizer": audit.claimed().to_arg(),
            "lr": format_rational(&audit.lr),
            "precision": self.precision.label(),
            "bits": self.precision.bits(),
            "init": self.w0.iter().map(format_rational).collect::<Vec<_>>(),
            "method": {
                "status": s.status.label(),
                "method": s.method,
                "note": s.note,
                "pairs": s.pairs,
                "resolved": s.resolved,
                "departing": s.departing,
                "implied_step": s.implied.iter().map(|(t, v)| json!({"t": t, "value": v})).collect::<Vec<_>>(),
                "median_implied_step": s.median_implied(),
                "worst_relative": pair(s.worst_relative),
                "worst_ratio": pair(s.worst_ratio),
                "frozen_at": s.frozen_at,
                "below_rounding_from": s.below_rounding_from,
                "gaps": {
                    "replayed": s.gaps.replayed,
                    "skipped": s.gaps.skipped,
                    "resolved": s.gaps.resolved,
                    "departing": s.gaps.departing,
                    "worst_ratio": pair(s.gaps.worst_ratio),
                },
            },
            "checkpoints": self.checkpoints,
            "theory": self.theory.as_ref().map(|t| t.json.clone()),
            "limit": self.limit.as_ref().map(|l| compare::to_json(&l.answers, std::slice::from_ref(&l.row))),
            "inconclusive": self.skipped.as_ref().map(|why| format!("theory checks skipped: {why}")),
            "exit_code": self.code,
        })
    }
}
