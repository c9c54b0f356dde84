//! Several optimizers on one data set, side by side: each run's direction, its angles to the
//! exact ℓ1, ℓ2 and ℓ∞ max-margin directions, its normalized margins in the three norms,
//! its status, and the verdict against its prediction ([`crate::theory::limits`]).
//!
//! Every run starts from the same `w(0)` at the same precision; runs are independent and go
//! in parallel (rayon). Each run is taken in two legs, to `T′ = ⌊T/10⌋` and to `T`, so the
//! verdict can use the secant `w(T) − w(T′)` and the drift of the preconditioner.

use crate::cert::Norm;
use crate::data::{format_rational, Dataset};
use crate::error::{Error, Result};
use crate::loss::Loss;
use crate::objective::Objective;
use crate::optim::spec::OptimizerSpec;
use crate::optim::{build, Optimizer, State};
use crate::report::align;
use crate::report::json::{to_value, AnswerRow, ComparisonJson, OptimizerRow, PerNorm};
use crate::run::{checkpoints, RunOptions, RunStatus, Runner};
use crate::scalar::{Precision, Scalar};
use crate::theory::limits::{
    angle_deg, direction_f64, normalized_margin, secant_rule, unit, weighted_svm, Answers,
    LimitBasis, LimitVerdict, OptimizerLimit, Target,
};
use crate::theory::render::{judgement_line, judgement_row};
use crate::theory::verdict::Claim;
use crate::theory::Judgement;
use rayon::prelude::*;
use rug::{Float, Rational};
use serde_json::Value;

/// Settings shared by every run of a comparison.
#[derive(Clone, Debug)]
pub struct CompareOptions {
    /// Horizon `T`.
    pub steps: u64,
    /// Working precision.
    pub precision: Precision,
    /// Loss.
    pub loss: Loss,
    /// Common start `w(0)` (length d).
    pub init: Vec<Rational>,
    /// Seed for SGD.
    pub seed: u64,
    /// A step size for every optimizer whose spec has none (else each one's default).
    pub lr: Option<Rational>,
}

/// One optimizer's line of the comparison.
#[derive(Clone, Debug)]
pub struct CompareRow {
    /// The optimizer's name in the table (`adam[eps=0]`; a custom optimizer's own name).
    pub name: String,
    /// The built-in optimizer, with the step size actually used (`None`: an optimizer of the
    /// caller's, checked with [`check_optimizer`]).
    pub spec: Option<OptimizerSpec>,
    /// One line describing the optimizer and its hyper-parameters.
    pub(crate) description: String,
    /// Its prediction.
    pub prediction: OptimizerLimit,
    /// How the run ended.
    pub status: RunStatus,
    /// Steps taken.
    pub(crate) steps: u64,
    /// The earlier end of the secant.
    pub(crate) t_prev: u64,
    /// `w(T)/‖w(T)‖`.
    pub direction: Vec<f64>,
    /// Angles (degrees) between `w(T)` and the ℓ1, ℓ2, ℓ∞ answers.
    pub(crate) angles: [f64; 3],
    /// Normalized margins `min_n z_n·w/‖w‖_p` of `w(T)` for p = 1, 2, ∞.
    pub margins: [f64; 3],
    /// Angle (degrees) between the secant `w(T) − w(T′)` and the predicted direction.
    pub secant_angle: Option<f64>,
    /// The predicted direction, when there is one (AdaGrad: computed from this run).
    pub(crate) target: Option<Vec<f64>>,
    /// AdaGrad: the exact weighted SVM at the measured `h(T)`.
    pub(crate) weighted: Option<Vec<Rational>>,
    /// The row of the claims table that judges it (`None`: no prediction).
    pub claim: Option<&'static Claim>,
    /// The verdict.
    pub verdict: LimitVerdict,
    /// One sentence on how the verdict was reached.
    pub detail: String,
    /// Wall time in seconds.
    pub(crate) elapsed: f64,
}

/// Runs every spec from `opts.init` and judges it against `answers`.
pub fn compare(
    data: &Dataset,
    answers: &Answers,
    specs: &[OptimizerSpec],
    opts: &CompareOptions,
) -> Result<Vec<CompareRow>> {
    check_init(data, &opts.init)?;
    let specs = with_steps(data, specs, opts.loss, &opts.init, opts.lr.as_ref());
    let rows = match opts.precision {
        Precision::F64 => run_all::<f64>(data, answers, &specs, opts, ()),
        Precision::Bits(b) => run_all::<Float>(data, answers, &specs, opts, b),
        Precision::Dd => run_all::<crate::scalar::Dd>(data, answers, &specs, opts, ()),
    };
    Ok(rows)
}

/// The specs with the step each run takes: its own `lr=`, else `lr` (a step for every
/// optimizer without its own), else its default ([`OptimizerSpec::with_default_lr`] from
/// `init`).
pub(crate) fn with_steps(
    data: &Dataset,
    specs: &[OptimizerSpec],
    loss: Loss,
    init: &[Rational],
    lr: Option<&Rational>,
) -> Vec<OptimizerSpec> {
    specs
        .iter()
        .map(|s| {
            let mut s = s.clone();
            if s.lr.is_none() {
                s.lr = lr.cloned();
            }
            s.with_default_lr(data, loss, init)
        })
        .collect()
}

fn run_all<S: Scalar>(
    data: &Dataset,
    answers: &Answers,
    specs: &[OptimizerSpec],
    opts: &CompareOptions,
    ctx: S::Ctx,
) -> Vec<CompareRow> {
    let obj = Objective::<S>::new(data, opts.loss, ctx);
    specs
        .par_iter()
        .map(|spec| run_one::<S>(data, &obj, answers, spec, opts, ctx))
        .collect()
}

/// A finished run: final state, iterates at `T″ = ⌊T/100⌋` and `T′ = ⌊T/10⌋`, the
/// preconditioner at `T′`, status.
pub struct Legs<S: Scalar> {
    /// The state at the end.
    pub state: State<S>,
    /// `w(T″)`.
    pub w_prev2: Vec<S>,
    /// `w(T′)`.
    pub w_prev: Vec<S>,
    /// Preconditioner at `T′` (adaptive methods).
    pub precond_prev: Option<Vec<S>>,
    /// `T′`.
    pub(crate) t_prev: u64,
    /// How the run ended.
    pub status: RunStatus,
    /// Wall time in seconds.
    pub(crate) elapsed: f64,
}

/// Runs `opt` from `w0` to `steps` in three legs (to `⌊steps/100⌋`, `⌊steps/10⌋`, `steps`).
pub fn run_legs<S: Scalar>(
    obj: &Objective<S>,
    opt: &dyn Optimizer<S>,
    w0: Vec<S>,
    steps: u64,
    seed: u64,
) -> Legs<S> {
    let mut st = State::new(obj, w0, seed);
    opt.init(obj, &mut st);
    let t_prev = steps / 10;
    let leg = |st: &mut State<S>, to: u64| {
        let opts = RunOptions {
            steps: to,
            base: 1_000_000,
            progress: false,
            seed,
        };
        Runner::new(obj, opt, &opts).resume(st, &checkpoints(to, opts.base))
    };
    let mut status = RunStatus::Completed;
    let mut elapsed = 0.0;
    let mut go = |st: &mut State<S>, to: u64| {
        if status == RunStatus::Completed {
            let t = leg(st, to);
            status = t.status;
            elapsed += t.elapsed.as_secs_f64();
        }
    };
    go(&mut st, steps / 100);
    let w_prev2 = st.w.clone();
    go(&mut st, t_prev);
    let w_prev = st.w.clone();
    let precond_prev = opt.preconditioner(&st);
    go(&mut st, steps);
    Legs {
        state: st,
        w_prev2,
        w_prev,
        precond_prev,
        t_prev,
        status,
        elapsed,
    }
}

fn run_one<S: Scalar>(
    data: &Dataset,
    obj: &Objective<S>,
    answers: &Answers,
    spec: &OptimizerSpec,
    opts: &CompareOptions,
    ctx: S::Ctx,
) -> CompareRow {
    let opt = build::<S>(spec, ctx);
    let subject = Subject::built_in(spec);
    judge_limit(
        data,
        obj,
        answers,
        opt.as_ref(),
        subject,
        &opts.init,
        opts.steps,
        opts.seed,
        ctx,
    )
}

/// Options of [`check_optimizer`]: the horizon, the loss, the start and a seed. (The precision
/// is the scalar type the optimizer is written for.)
#[derive(Clone, Debug)]
pub struct CheckOptions {
    /// Horizon `T` (at least 100: the verdict compares the secants over `[T/100, T/10]` and
    /// `[T/10, T]`).
    pub steps: u64,
    /// Loss.
    pub loss: Loss,
    /// Start `w(0)` (length d).
    pub init: Vec<Rational>,
    /// Seed of the state's random source (stochastic optimizers).
    pub seed: u64,
}

/// What [`check_optimizer`] found: the exact answers, the row `ibias compare` prints (status,
/// direction, angles, margins, verdict and how it was reached) and the judgement (exit status
/// of the command line: [`Judgement::exit_code`]).
#[derive(Clone, Debug)]
pub struct Check {
    /// The exact ℓ1, ℓ2, ℓ∞ max-margin answers of the data, each certificate checked.
    pub answers: Answers,
    /// The evidence.
    pub row: CompareRow,
    /// [`Judgement::Holds`] if the run reaches the claimed limit by the rule of `ibias
    /// compare` (docs/optimizers.md), [`Judgement::Fails`] if it goes elsewhere,
    /// [`Judgement::Inconclusive`] if it is pending, stopped early or the answers coincide.
    pub judgement: Judgement,
}

/// Checks an optimizer of your own: runs it on `data` from `opts.init` for `opts.steps` steps
/// and judges the claim that its direction converges to `claim` (e.g.
/// `Target::MaxMargin(Norm::L2)`), with the secant rule of `ibias compare` against the exact
/// answers. The precision is `S` (`f64`, `rug::Float` with `ctx` its bits, or
/// [`crate::scalar::Dd`]).
///
/// ```
/// use implicit_bias::prelude::*;
/// // GD as a custom optimizer (any type implementing `Optimizer` will do)
/// let data = parse_csv(b"x1,x2,y\n2,1,1\n3,6,1\n6,-2,1\n", "three answers")?;
/// let gd = GradientDescent::<f64>::new(&Rational::from((1, 256)), ());
/// let opts = CheckOptions { steps: 100_000, loss: Loss::Exponential, init: vec![Rational::new(); 2], seed: 0 };
/// let check = check_optimizer(&data, "my-gd", &gd, Target::MaxMargin(Norm::L2), &opts, ())?;
/// assert_eq!(check.judgement, Judgement::Holds, "{}", check.row.detail);
/// // the same run does not reach the l-infinity direction: that claim FAILs
/// let wrong = check_optimizer(&data, "my-gd", &gd, Target::MaxMargin(Norm::LInf), &opts, ())?;
/// assert_eq!(wrong.judgement, Judgement::Fails(1));
/// # Ok::<(), implicit_bias::Error>(())
/// ```
pub fn check_optimizer<S: Scalar>(
    data: &Dataset,
    name: &str,
    opt: &dyn Optimizer<S>,
    claim: Target,
    opts: &CheckOptions,
    ctx: S::Ctx,
) -> Result<Check> {
    check_init(data, &opts.init)?;
    let answers = Answers::from_oracle(data)?;
    let obj = Objective::<S>::new(data, opts.loss, ctx);
    let subject = Subject {
        name: name.to_string(),
        spec: None,
        description: format!("{name} (custom optimizer)"),
        prediction: OptimizerLimit {
            target: claim,
            basis: LimitBasis::Claimed,
            source: "the caller's claim",
        },
        eps: 0.0,
    };
    let row = judge_limit(
        data, &obj, &answers, opt, subject, &opts.init, opts.steps, opts.seed, ctx,
    );
    let judgement = judgement(std::slice::from_ref(&row));
    Ok(Check {
        answers,
        row,
        judgement,
    })
}

/// Judges a logged trajectory of a built-in optimizer (`ibias audit --optimizer`) by the rule
/// of `ibias compare`: `legs` holds the logged iterates at `T` (the last row), at or below
/// `⌊T/10⌋` (`T′`) and at or below `⌊T/100⌋` (`T″`), with `status` completed; the claim is
/// `spec`'s predicted limit. The adaptive methods' claims that read the preconditioner stay
/// pending (a log of iterates does not hold it).
pub(crate) fn judge_logged<S: Scalar>(
    data: &Dataset,
    obj: &Objective<S>,
    answers: &Answers,
    spec: &OptimizerSpec,
    legs: &Legs<S>,
    ctx: S::Ctx,
) -> CompareRow {
    let subject = Subject::built_in(spec);
    judge_legs(data, obj, answers, None, subject, legs, legs.state.t, ctx)
}

/// A start of the data's dimension, or the error `ibias` reports.
fn check_init(data: &Dataset, init: &[Rational]) -> Result<()> {
    if init.len() == data.dim() {
        return Ok(());
    }
    Err(Error::param(
        "init",
        format!(
            "{} values given but the data have d = {}",
            init.len(),
            data.dim()
        ),
    ))
}

/// What is being checked: an optimizer's name, its spec if built in, and its claimed limit.
struct Subject {
    name: String,
    spec: Option<OptimizerSpec>,
    description: String,
    prediction: OptimizerLimit,
    /// ε of an adaptive method (the handover rule of [`Target::L2AfterHandover`]).
    eps: f64,
}

impl Subject {
    /// A built-in optimizer with its predicted limit ([`OptimizerSpec::prediction`]).
    fn built_in(spec: &OptimizerSpec) -> Subject {
        Subject {
            name: spec.kind.name().to_string() + &variant_suffix(spec),
            spec: Some(spec.clone()),
            description: spec.describe(),
            prediction: spec.prediction(),
            eps: spec.eps.to_f64(),
        }
    }
}

/// Runs `opt` from `init` for `steps` steps in three legs and judges its claimed limit.
#[allow(clippy::too_many_arguments)]
fn judge_limit<S: Scalar>(
    data: &Dataset,
    obj: &Objective<S>,
    answers: &Answers,
    opt: &dyn Optimizer<S>,
    subject: Subject,
    init: &[Rational],
    steps: u64,
    seed: u64,
    ctx: S::Ctx,
) -> CompareRow {
    let w0: Vec<S> = init.iter().map(|q| S::from_rational(q, ctx)).collect();
    let legs = run_legs(obj, opt, w0, steps, seed);
    judge_legs(data, obj, answers, Some(opt), subject, &legs, steps, ctx)
}

/// Judges the legs of a run (or of a logged trajectory, `ibias audit --optimizer`) by the
/// rule of `ibias compare`: the claimed limit of `subject` against the secants
/// `w(T) − w(T′)` and `w(T′) − w(T″)`. `opt` gives the preconditioner of the adaptive claims
/// (`None`: a log holds none, so those claims are pending).
#[allow(clippy::too_many_arguments)]
fn judge_legs<S: Scalar>(
    data: &Dataset,
    obj: &Objective<S>,
    answers: &Answers,
    opt: Option<&dyn Optimizer<S>>,
    subject: Subject,
    legs: &Legs<S>,
    steps: u64,
    ctx: S::Ctx,
) -> CompareRow {
    let w = &legs.state.w;
    let direction = direction_f64(w, ctx);
    let dirs: Vec<Vec<f64>> = answers.all.iter().map(|a| a.direction()).collect();
    let angles = [0, 1, 2].map(|k| angle_deg(&direction, &dirs[k]));
    let margins = [Norm::L1, Norm::L2, Norm::LInf].map(|n| normalized_margin(obj, w, n));
    let diff = |a: &[S], b: &[S]| -> Vec<f64> {
        let d: Vec<S> = a.iter().zip(b).map(|(x, y)| x.clone().sub(y)).collect();
        direction_f64(&d, ctx)
    };
    let secant = diff(w, &legs.w_prev);
    let secant0 = diff(&legs.w_prev, &legs.w_prev2);
    let prediction = subject.prediction.clone();
    let mut row = CompareRow {
        name: subject.name,
        spec: subject.spec,
        description: subject.description,
        prediction: prediction.clone(),
        status: legs.status,
        steps: legs.state.t,
        t_prev: legs.t_prev,
        direction,
        angles,
        margins,
        secant_angle: None,
        target: None,
        weighted: None,
        claim: prediction.claim(answers),
        verdict: LimitVerdict::NoClaim,
        detail: String::new(),
        elapsed: legs.elapsed,
    };
    if legs.status != RunStatus::Completed {
        row.verdict = LimitVerdict::NotReached;
        row.detail = legs.status.describe();
        return row;
    }
    if steps < 100 {
        row.verdict = LimitVerdict::Pending;
        row.detail = "horizon too short for the secants (need at least 100 steps)".into();
        return row;
    }
    let judge_direction = |row: &mut CompareRow,
                           target: Vec<f64>,
                           extra: &[Vec<f64>],
                           what: &str| {
        // the other candidate answers (the target itself is one of them: leave it out)
        let mut others: Vec<Vec<f64>> = dirs
            .iter()
            .filter(|d| angle_deg(d, &target) > 1e-9)
            .cloned()
            .collect();
        others.extend_from_slice(extra);
        let (ok, a, half) = secant_rule(&secant, &target, &others);
        let a0 = angle_deg(&secant0, &target);
        row.secant_angle = Some(a);
        // what the run resolves: how far the secant still turns between the legs
        let turn = (a0 - a).abs();
        // the target and another candidate answer in the same direction (the target is
        // itself one of the answers when it is a max-margin direction)
        let coincide = dirs
            .iter()
            .filter(|d| angle_deg(d, &target) <= 1e-9)
            .count()
            >= 2
            || others.is_empty();
        if coincide || (!ok && a < a0 && half <= turn) {
            row.verdict = LimitVerdict::NotDiscriminating;
            row.detail = if coincide {
                format!(
                    "not discriminating: the candidate answers coincide with the {what} direction, so reaching it tells no geometry from another (secant {a:.3} deg from it)"
                )
            } else {
                format!(
                    "not discriminating: the nearest other answer is {:.3} deg from the {what} direction, but the secant still turns by {turn:.3} deg between the legs (secant {a:.3} deg from it); run longer",
                    2.0 * half
                )
            };
            row.target = Some(target);
            return;
        }
        // the balls of radius `half` around the target and around every other candidate are
        // disjoint: a secant inside another candidate's ball has settled elsewhere, and
        // turning towards the target cannot rescue the claim (it would stay pending forever)
        // — for two decades in a row (the same candidate holds both secants), so that a run
        // still leaving an earlier phase is not judged on it
        let elsewhere = others
            .iter()
            .filter(|o| angle_deg(&secant0, o) < half)
            .map(|o| angle_deg(&secant, o))
            .filter(|x| !x.is_nan())
            .fold(f64::INFINITY, f64::min);
        row.verdict = if ok {
            LimitVerdict::Holds
        } else if elsewhere < half {
            LimitVerdict::Fails
        } else if a < a0 {
            LimitVerdict::Pending
        } else {
            LimitVerdict::Fails
        };
        row.detail = format!(
            "secant w(T)-w(T') is {a:.3} deg from the {what} direction (rule: < {half:.3} deg, half the gap to the nearest other answer; the secant w(T')-w(T'') was {a0:.3} deg){}",
            if !ok && elsewhere < half {
                format!("; it is {elsewhere:.3} deg from another answer, inside that answer's {half:.3} deg ball since T''")
            } else {
                String::new()
            }
        );
        row.target = Some(target);
    };
    match &prediction.target {
        Target::None => {
            row.detail = "no prediction to check".into();
        }
        Target::MaxMargin(norm) => {
            judge_norm(&mut row, answers, *norm, legs, obj, &judge_direction)
        }
        Target::LInfMargin => {
            judge_norm(&mut row, answers, Norm::LInf, legs, obj, &judge_direction);
        }
        Target::WeightedL2 => {
            let now = opt.and_then(|o| o.preconditioner(&legs.state));
            match (now, &legs.precond_prev) {
                (Some(h), Some(hp)) => match (weighted_svm(data, &h), weighted_svm(data, hp)) {
                    (Ok((wh, _)), Ok((whp, _))) => {
                        let t = unit(&wh.iter().map(Rational::to_f64).collect::<Vec<_>>());
                        let tp = unit(&whp.iter().map(Rational::to_f64).collect::<Vec<_>>());
                        let drift = angle_deg(&t, &tp);
                        judge_direction(&mut row, t, &[], "weighted-SVM (measured h(T))");
                        row.detail.push_str(&format!(
                            "; the prediction moved {drift:.2e} deg from h(T') to h(T)"
                        ));
                        row.weighted = Some(wh);
                    }
                    (Err(e), _) | (_, Err(e)) => {
                        row.verdict = LimitVerdict::Pending;
                        row.detail = format!("weighted SVM not computed: {e}");
                    }
                },
                _ => {
                    row.verdict = LimitVerdict::Pending;
                    row.detail = if opt.is_some() {
                        "no preconditioner".into()
                    } else {
                        "the weighted-SVM claim needs the preconditioner h(T), which a log of iterates does not hold".into()
                    };
                }
            }
        }
        Target::L2AfterHandover if opt.is_none() => {
            row.verdict = LimitVerdict::Pending;
            row.detail = "the handover claim needs the preconditioner 1/(sqrt(v^) + eps) at T' and T, which a log of iterates does not hold".into();
        }
        Target::L2AfterHandover => {
            let eps = subject.eps;
            // max_i √v̂_i / ε from the preconditioner 1/(√v̂ + ε)
            let ratio = |p: Option<Vec<S>>| {
                p.map(|p| {
                    p.iter()
                        .map(|x| 1.0 / (x.to_f64() * eps) - 1.0)
                        .fold(0.0, f64::max)
                })
                .unwrap_or(f64::INFINITY)
            };
            let worst = ratio(opt.and_then(|o| o.preconditioner(&legs.state)));
            let worst_prev = ratio(legs.precond_prev.clone());
            if worst <= 1.0 && worst_prev > 1.0 {
                row.verdict = LimitVerdict::Pending;
                row.detail = format!(
                    "handover between T' and T (max sqrt(v^)/eps = {worst_prev:.3e} at T', {worst:.3e} at T): the secant w(T)-w(T') still holds the pre-handover phase; run longer"
                );
            } else if worst > 1.0 {
                row.verdict = LimitVerdict::Pending;
                row.detail = format!(
                    "handover not reached at T: max sqrt(v^)/eps = {worst:.3e} > 1 (theory §5: the l2 geometry appears once sqrt(v^) << eps)"
                );
            } else {
                judge_direction(&mut row, answers.get(Norm::L2).direction(), &[], "l2");
                row.detail
                    .push_str(&format!("; handed over: max sqrt(v^)/eps = {worst:.2e}"));
            }
        }
        Target::LInfBox { radius } => {
            let r = radius.to_f64();
            let inf = |v: &[S]| v.iter().fold(0.0f64, |m, x| m.max(x.to_f64().abs()));
            let now = inf(w);
            let moved = inf(&w
                .iter()
                .zip(&legs.w_prev)
                .map(|(a, b)| a.clone().sub(b))
                .collect::<Vec<_>>());
            row.detail = format!(
                "|w(T)|inf = {now:.6}, box radius 1/lambda = {r}, |w(T)-w(T')|inf = {moved:.2e}"
            );
            row.verdict = if moved > 1e-3 * r {
                LimitVerdict::Pending
            } else if now <= r * (1.0 + 1e-6) {
                LimitVerdict::Holds
            } else {
                LimitVerdict::Fails
            };
        }
    }
    row
}

/// The secant rule applied to a row: `(row, target, extra candidates, label)`.
type JudgeDirection<'a> = &'a dyn Fn(&mut CompareRow, Vec<f64>, &[Vec<f64>], &str);

/// LimitVerdict for a max-margin target: the secant rule when the answer is unique, otherwise the
/// margin gap in that norm must not grow between `T′` and `T`.
fn judge_norm<S: Scalar>(
    row: &mut CompareRow,
    answers: &Answers,
    norm: Norm,
    legs: &Legs<S>,
    obj: &Objective<S>,
    judge_direction: JudgeDirection<'_>,
) {
    let ans = answers.get(norm);
    if ans.unique {
        judge_direction(row, ans.direction(), &[], norm.name());
    } else {
        let g = ans.margin();
        let gap_now = g - normalized_margin(obj, &legs.state.w, norm);
        let gap_prev = g - normalized_margin(obj, &legs.w_prev, norm);
        row.verdict = if gap_now <= gap_prev {
            LimitVerdict::Holds
        } else {
            LimitVerdict::Fails
        };
        row.detail = format!(
            "the {} answer is not unique: margin gap {gap_prev:.3e} at T', {gap_now:.3e} at T",
            norm.name()
        );
    }
}

/// Formats a vector of f64 with `dec` decimals: `(0.8944, 0.4472)`.
fn vec_text(v: &[f64], dec: usize) -> String {
    let parts: Vec<String> = v
        .iter()
        .take(6)
        .map(|x| {
            let s = format!("{x:.dec$}");
            // no "-0.0000"
            if s.trim_start_matches('-')
                .chars()
                .all(|c| c == '0' || c == '.')
            {
                s.trim_start_matches('-').to_string()
            } else {
                s
            }
        })
        .collect();
    let more = if v.len() > 6 { ", ..." } else { "" };
    format!("({}{more})", parts.join(", "))
}

fn num(x: f64, digits: usize) -> String {
    if x.is_nan() {
        "-".into()
    } else {
        crate::scalar::format_sig_f64(x, digits)
    }
}

/// An angle in degrees to two decimals; `-` when undefined (a run stopped at a non-finite
/// iterate has no direction).
fn degrees(x: f64) -> String {
    if x.is_nan() {
        "-".into()
    } else {
        format!("{x:.2}")
    }
}

/// What a comparison established, with the judgement type and exit statuses of `ibias run`:
/// [`Judgement::Fails`] with the number of optimizers whose run contradicts its predicted
/// limit; else [`Judgement::Holds`] if every optimizer with a predicted limit reached it;
/// else [`Judgement::Inconclusive`], naming the optimizers that are pending, stopped early or
/// not discriminating, and what to change. An optimizer without a claim neither establishes
/// nor blocks anything; a list with none is inconclusive.
pub fn judgement(rows: &[CompareRow]) -> Judgement {
    let failed = rows
        .iter()
        .filter(|r| r.verdict == LimitVerdict::Fails)
        .count();
    if failed > 0 {
        return Judgement::Fails(failed);
    }
    let claimed: Vec<&CompareRow> = rows
        .iter()
        .filter(|r| r.verdict != LimitVerdict::NoClaim)
        .collect();
    if claimed.is_empty() {
        return Judgement::Inconclusive(
            "no optimizer in the list has a predicted limit to check".into(),
        );
    }
    let open: Vec<&&CompareRow> = claimed
        .iter()
        .filter(|r| r.verdict != LimitVerdict::Holds)
        .collect();
    if open.is_empty() {
        return Judgement::Holds;
    }
    let mut hints = Vec::new();
    let has = |v: LimitVerdict| open.iter().any(|r| r.verdict == v);
    if has(LimitVerdict::Pending) {
        hints.push("pending: run longer (more --steps)");
    }
    let interrupted = |r: &&&CompareRow| matches!(r.status, RunStatus::Interrupted { .. });
    if open.iter().any(interrupted) {
        hints.push("interrupted: run it to the end for a judgement");
    }
    if open
        .iter()
        .any(|r| r.verdict == LimitVerdict::NotReached && !interrupted(r))
    {
        hints.push("not reached: a smaller step or a wider precision (see its note)");
    }
    if has(LimitVerdict::NotDiscriminating) {
        hints.push("not discriminating: the exact answers are too close on these data to tell the geometries apart");
    }
    Judgement::Inconclusive(format!(
        "not established: {}; {}",
        open.iter()
            .map(|r| format!("{} {}", r.name, r.verdict))
            .collect::<Vec<_>>()
            .join(", "),
        hints.join("; ")
    ))
}

/// The comparison as text: a header with the exact answers, the table, one note per row, and
/// the judgement line of `ibias run`.
pub(crate) fn render_text(answers: &Answers, rows: &[CompareRow]) -> String {
    let mut out = render_rows(answers, rows);
    out.push_str(&judgement_line(&judgement(rows)));
    out
}

/// [`render_text`] without its closing judgement line: the answers, the table and the notes.
pub(crate) fn render_rows(answers: &Answers, rows: &[CompareRow]) -> String {
    let mut out = String::from(
        "# exact answers (min |w|_p s.t. z_n.w >= 1) and their normalized max margins:\n",
    );
    for a in &answers.all {
        out.push_str(&format!(
            "#   {:<4} w = ({})  direction {}  max margin {}{}\n",
            a.norm.name(),
            a.w.iter()
                .map(format_rational)
                .collect::<Vec<_>>()
                .join(", "),
            vec_text(&a.direction(), 4),
            num(a.margin(), 5),
            if a.unique { "" } else { "  (w not unique)" }
        ));
    }
    let mut cells = vec![[
        "optimizer",
        "status",
        "direction",
        "ang l1",
        "ang l2",
        "ang linf",
        "margin l1",
        "margin l2",
        "margin linf",
        "predicted",
        "basis",
        "verdict",
    ]
    .map(String::from)
    .to_vec()];
    for r in rows {
        cells.push(vec![
            r.name.clone(),
            r.status.code().to_string(),
            if r.direction.iter().all(|x| x.is_finite()) {
                vec_text(&r.direction, 4)
            } else {
                "-".into()
            },
            degrees(r.angles[0]),
            degrees(r.angles[1]),
            degrees(r.angles[2]),
            num(r.margins[0], 4),
            num(r.margins[1], 4),
            num(r.margins[2], 4),
            r.prediction.target.label(),
            r.prediction.basis.label().to_string(),
            r.verdict.to_string(),
        ]);
    }
    out.push_str(&align(&cells));
    out.push_str("notes:\n");
    for r in rows {
        out.push_str(&format!(
            "  {}: {}; T = {}, T' = {}{}. {}.",
            r.name,
            r.description,
            r.steps,
            r.t_prev,
            if r.t_prev > r.steps {
                " (not reached)"
            } else {
                ""
            },
            r.detail
        ));
        if let Some(w) = &r.weighted {
            out.push_str(&format!(
                " Weighted SVM at h(T): direction {}.",
                vec_text(
                    &unit(&w.iter().map(Rational::to_f64).collect::<Vec<_>>()),
                    4
                )
            ));
        }
        out.push_str(&format!(" [{}]\n", r.prediction.source));
    }
    out
}

/// Distinguishes two rows of the same kind in the table (e.g. `adam[eps=0,decay=1/2]`).
fn variant_suffix(s: &OptimizerSpec) -> String {
    let arg = s.to_arg();
    let rest: Vec<&str> = arg
        .split(':')
        .skip(1)
        .filter(|p| !p.starts_with("lr="))
        .collect();
    if rest.is_empty() {
        String::new()
    } else {
        format!("[{}]", rest.join(","))
    }
}

/// The comparison's rows ([`ComparisonJson`], field names documented in docs/optimizers.md).
/// A value that is not finite is null (as `serde_json` writes every non-finite number).
pub(crate) fn comparison_rows(answers: &Answers, rows: &[CompareRow]) -> ComparisonJson {
    let per_norm = |v: &[f64; 3]| PerNorm {
        l1: v[0],
        l2: v[1],
        linf: v[2],
    };
    ComparisonJson {
        answers: answers
            .all
            .iter()
            .map(|a| AnswerRow {
                norm: a.norm.name().to_string(),
                w: a.w.iter().map(format_rational).collect(),
                direction: a.direction(),
                max_margin: a.margin(),
                unique: a.unique,
            })
            .collect(),
        rows: rows
            .iter()
            .map(|r| OptimizerRow {
                optimizer: r
                    .spec
                    .as_ref()
                    .map_or(r.name.as_str(), |s| s.kind.name())
                    .to_string(),
                spec: r.spec.as_ref().map(OptimizerSpec::to_arg),
                description: r.description.clone(),
                status: r.status.code().to_string(),
                status_detail: r.status.describe(),
                steps: r.steps,
                t_prev: r.t_prev,
                direction: r.direction.clone(),
                angle_deg: per_norm(&r.angles),
                margin: per_norm(&r.margins),
                predicted: r.prediction.target.label().to_string(),
                basis: r.prediction.basis.label().to_string(),
                source: r.prediction.source.to_string(),
                target_direction: r.target.clone(),
                secant_angle_deg: r.secant_angle,
                weighted_svm: r
                    .weighted
                    .as_ref()
                    .map(|w| w.iter().map(format_rational).collect()),
                claim: r.claim.map(|c| c.id.to_string()),
                section: r.claim.map(|c| c.section.to_string()),
                witness: r.claim.map(|c| c.witness.code().to_string()),
                verdict: r.verdict.code().to_string(),
                detail: r.detail.clone(),
                elapsed_s: (r.elapsed * 1000.0).round() / 1000.0,
            })
            .collect(),
        judgement: judgement_row(&judgement(rows)),
    }
}

/// The comparison as JSON ([`comparison_rows`] as a value).
pub(crate) fn to_json(answers: &Answers, rows: &[CompareRow]) -> Value {
    to_value(&comparison_rows(answers, rows))
}
