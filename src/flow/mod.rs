//! `ibias flow`: the gradient flow of the summed loss integrated in log-time
//! `s = ln(1 + τ)` with the exact `ŵ` of the oracle (theory §2.12, docs/theory/flow.md),
//! checkpoints geometric in `s`, and the flow's verdicts.
//!
//! The system and the claims live in [`crate::theory::flow`]; the integrator is
//! [`crate::ode`]; this module validates the request, runs them and renders the result.

use crate::data::{ClassData, Dataset};
use crate::error::{Error, Result};
use crate::loss::Loss;
use crate::ode::{Integrator, OdeOptions, Stats};
use crate::report::align_left;
use crate::report::json::{
    to_value, FlowCheckpoint, FlowFitRow, FlowVerdictRow, GdBesideJson, GdBesideRow, TailJson,
    TailRow,
};
use crate::run::Schedule;
use crate::scalar::{Dd, Precision, Scalar};
use crate::theory::flow::{assess_flow, diagnose_flow, Budget, FlowPoint, LogTime};
use crate::theory::{self, Assessment, Conjecture, Judgement, Prediction};
use rug::{Float, Rational};
use serde_json::{json, Value};
use std::time::Instant;

pub mod tail;

/// Largest `--until` accepted: `s·(1 − ŵᵀz_n)` and `s·ŵ` stay far inside f64's range.
pub(crate) const MAX_UNTIL: f64 = 1e15;

/// A validated `ibias flow` request.
#[derive(Clone, Debug)]
pub struct FlowRequest {
    /// The data (exact); for K-class data their lift (docs/theory/multiclass.md §M1).
    pub data: Dataset,
    /// K-class data (with the bias column for `--bias`): `data` is their lift, and the flow
    /// that of the softmax cross-entropy or of the exponential loss of the lifted margins
    /// (docs/theory/multiclass.md §M6).
    pub classes: Option<ClassData>,
    /// How the data were named on the command line (for the echoed command).
    pub data_name: String,
    /// A constant-1 feature was appended.
    pub bias: bool,
    /// The loss.
    pub loss: Loss,
    /// Integrate to `s = until`.
    pub until: f64,
    /// `w(τ = 0)`, exact.
    pub init: Vec<Rational>,
    /// Working precision.
    pub precision: Precision,
    /// Predictions replaced by the user's values.
    pub conjectures: Vec<Conjecture>,
    /// Run GD with this step for this many steps beside the flow (`--compare-gd`).
    pub compare_gd: Option<(Rational, u64)>,
    /// The checkpoints shown (`--base`, `--per-decade`, `--at`, in whole log-times, as `ibias
    /// run` takes them for steps); `None`: [`checkpoints`]. The verdicts are judged on
    /// [`checkpoints`] in either case.
    pub schedule: Option<Schedule>,
}

/// What `ibias flow` found.
#[derive(Clone, Debug)]
pub struct FlowFindings {
    /// The report (table, verdicts, summary).
    pub text: String,
    /// The same as one JSON document.
    pub json: Value,
    /// What was established.
    pub judgement: Judgement,
}

impl FlowFindings {
    /// Exit status: 0 established, 1 a claim failed, 3 inconclusive.
    pub fn exit_code(&self) -> u8 {
        self.judgement.exit_code()
    }
}

/// Parses `--until` (a positive log-time, e.g. `1e5`).
///
/// # Errors
/// [`Error::Parameter`] unless a finite number in `(0, MAX_UNTIL]`.
pub(crate) fn parse_until(text: &str) -> Result<f64> {
    let v: f64 = text
        .trim()
        .parse()
        .map_err(|_| Error::param("until", format!("{text:?} is not a number (e.g. 1e5)")))?;
    if !(v > 0.0 && v <= MAX_UNTIL) {
        return Err(Error::param(
            "until",
            format!("must be in (0, {MAX_UNTIL:e}], got {text}"),
        ));
    }
    Ok(v)
}

/// The checkpoints: `1, 2, 5, 10, 20, 50, …` below `until`, then `until`.
pub fn checkpoints(until: f64) -> Vec<f64> {
    let mut out = Vec::new();
    let mut decade = 1.0f64;
    'outer: loop {
        for m in [1.0, 2.0, 5.0] {
            let s = m * decade;
            if s >= until {
                break 'outer;
            }
            out.push(s);
        }
        decade *= 10.0;
    }
    out.push(until);
    out
}

/// The log-times `schedule` shows up to `until`: its points (whole log-times from 1 on,
/// [`Schedule::points`] of `⌊until⌋`), then `until`.
///
/// # Errors
/// A log-time of `--at` beyond `until`, or more checkpoints than [`Schedule::points`] allows.
pub(crate) fn schedule_points(schedule: &Schedule, until: f64) -> Result<Vec<f64>> {
    if let Schedule::At(ts) = schedule {
        if let Some(t) = ts.iter().find(|&&t| t as f64 > until) {
            return Err(Error::param(
                "at",
                format!("log-time {t} is beyond --until {until}"),
            ));
        }
    }
    let mut out: Vec<f64> = schedule
        .points(until.floor() as u64)?
        .into_iter()
        .map(|s| s as f64)
        .filter(|s| *s > 0.0 && *s < until)
        .collect();
    out.push(until);
    Ok(out)
}

/// The integrator's settings at a precision of `bits` bits: the tolerance sits
/// `margin = max(16, bits/4)` bits above the precision, and the order is capped where the
/// tableau's rounding amplification would reach it ([`crate::ode::max_order_for`]): f64
/// 2^−37 and order ≤ 8, double-double (103 accurate bits) 2^−78 and ≤ 13, 256 bits 2^−192
/// and ≤ 34.
pub fn options(bits: u32) -> OdeOptions {
    let margin = (bits / 4).max(16);
    OdeOptions {
        tol_bits: bits.saturating_sub(margin).max(20),
        max_order: crate::ode::max_order_for(margin),
        h0: 1e-3,
        max_steps: 2_000_000,
    }
}

impl FlowRequest {
    /// The command that reproduces this run.
    pub fn command(&self) -> String {
        let init = crate::experiment::init_arg(&self.init);
        let mut c = format!(
            "ibias flow --data {} --until {} --loss {} --precision {}{init}{}",
            self.data_name,
            self.until,
            self.loss.name(),
            self.precision.to_arg(),
            if self.bias { " --bias" } else { "" }
        );
        for k in &self.conjectures {
            c.push_str(&format!(" --conjecture {}", k.to_arg()));
        }
        if let Some(schedule) = &self.schedule {
            // the default of run's schedule (--base 10) is not flow's default: always echoed
            c.push_str(&match schedule {
                Schedule::Base(b) => format!(" --base {}", crate::data::format_rational(b)),
                other => other.to_args(),
            });
        }
        if let Some((lr, steps)) = &self.compare_gd {
            c.push_str(&format!(
                " --compare-gd --lr {} --steps {steps}",
                crate::data::format_rational(lr)
            ));
        }
        c
    }

    /// The log-times shown: `schedule_points` of the schedule, or [`checkpoints`].
    ///
    /// # Errors
    /// As `schedule_points`.
    pub fn shown(&self) -> Result<Vec<f64>> {
        match &self.schedule {
            Some(s) => schedule_points(s, self.until),
            None => Ok(checkpoints(self.until)),
        }
    }

    /// The run's checkpoints as CSV (`ibias flow --csv`): a header row and one row per shown
    /// checkpoint, the JSON document's values (`s`, `log10_tau`, `w1..wd`, `rho1..rhod`,
    /// `rho_err`, `s_dir`, `s_dir_pred`, `s_gap`, `s_gap_pred`, `ln_share`, `share_scaled`,
    /// `tau_loss`, `p2_1..p2_d`), an empty cell where the JSON has null.
    ///
    /// # Errors
    /// The CSV writer's.
    pub fn csv(found: &FlowFindings) -> Result<String> {
        let empty = Vec::new();
        let cps = found.json["checkpoints"].as_array().unwrap_or(&empty);
        let d = found.json["data"]["d"].as_u64().unwrap_or(0) as usize;
        let scalars = [
            "rho_err",
            "s_dir",
            "s_dir_pred",
            "s_gap",
            "s_gap_pred",
            "ln_share",
            "share_scaled",
            "tau_loss",
        ];
        let mut head = vec!["s".to_string(), "log10_tau".to_string()];
        head.extend((1..=d).map(|i| format!("w{i}")));
        head.extend((1..=d).map(|i| format!("rho{i}")));
        head.extend(scalars.iter().map(|k| k.to_string()));
        head.extend((1..=d).map(|i| format!("p2_{i}")));
        let cell = crate::report::csv_cell;
        let rows: Vec<Vec<String>> = cps
            .iter()
            .map(|c| {
                let mut row = vec![cell(&c["s"]), cell(&c["log10_tau"])];
                row.extend((0..d).map(|i| cell(&c["w"][i])));
                row.extend((0..d).map(|i| cell(&c["rho"][i])));
                row.extend(scalars.iter().map(|k| cell(&c[*k])));
                row.extend((0..d).map(|i| cell(&c["p2"][i])));
                row
            })
            .collect();
        crate::report::csv_text(&head, &rows)
    }

    /// Oracle, predictions (`η = 1`), integration, verdicts, report.
    ///
    /// # Errors
    /// Bad input (shapes, non-separable data, a conjecture that does not fit), or a failed
    /// integration (one line saying where).
    pub fn run(&self) -> Result<FlowFindings> {
        if self.init.len() != self.data.dim() {
            return Err(Error::param(
                "init",
                format!(
                    "{} values given but the data have d = {}",
                    self.init.len(),
                    self.data.dim()
                ),
            ));
        }
        let mut warnings = Vec::new();
        let mm = match &self.classes {
            Some(c) => crate::experiment::class_max_margin(c, &mut warnings)?,
            None => crate::experiment::max_margin(&self.data, self.bias, &mut warnings)?,
        }
        .ok_or_else(|| {
            Error::Numerical(format!(
                "the flow needs the exact max-margin solution: {}",
                warnings.join("; ")
            ))
        })?;
        match self.precision {
            Precision::F64 => self.go::<f64>(&mm, ()),
            Precision::Bits(b) => self.go::<Float>(&mm, b),
            Precision::Dd => self.go::<Dd>(&mm, ()),
        }
    }

    fn go<S: Scalar>(&self, mm: &crate::oracle::MaxMargin, ctx: S::Ctx) -> Result<FlowFindings> {
        let one = Rational::from(1);
        let mut pred: Prediction<S> =
            theory::predict::<S>(&self.data, mm, self.loss, &one, &self.init, ctx)?;
        for c in &self.conjectures {
            pred.conjecture(c)?;
        }
        // integrate through the judged grid and the shown checkpoints; judge on the former
        // (its spacing sets the bar of every claim), show the latter
        let judged = checkpoints(self.until);
        let shown = self.shown()?;
        let mut grid: Vec<f64> = judged.iter().chain(&shown).copied().collect();
        grid.sort_by(f64::total_cmp);
        grid.dedup();
        let mut run = integrate_on(&pred, &grid)?;
        let budget = run.budget.clone();
        // points[0] is s = 0, points[i + 1] is at grid[i]
        let pick = |keep: &[f64]| -> Vec<FlowPoint<S>> {
            run.points
                .iter()
                .enumerate()
                .filter(|(i, _)| *i == 0 || keep.contains(&grid[i - 1]))
                .map(|(_, p)| p.clone())
                .collect()
        };
        let judged_points = pick(&judged);
        run.points = pick(&shown);
        let a = assess_flow(&pred, &judged_points, &budget);
        let stop = run.interrupted.as_ref().map(|s| {
            format!(
                "interrupted at s = {}: run it to the end for a judgement",
                s.to_decimal(6)
            )
        });
        let judgement = a.judgement_with(stop.as_deref(), &advice(&pred, &a));
        let mut text = render(self, &pred, &run, &a, &judgement);
        let mut json = to_json(self, &pred, &run, &a, &judgement);
        let (tail_text, tail_json) = self.tail(mm, &judged_points);
        text.push_str(&tail_text);
        json["certified_tail"] = tail_json;
        if let Some((lr, steps)) = &self.compare_gd {
            let rows = compare_gd(self, &pred, lr, *steps)?;
            text.push_str(&rows.text);
            json["compare_gd"] = rows.json;
        }
        Ok(FlowFindings {
            text,
            json,
            judgement,
        })
    }
}

impl FlowRequest {
    /// The certified tail ([`tail::certify`]) from the judged checkpoints: its report lines
    /// and JSON object (`status` `certified` with the constants and the bound at the last
    /// checkpoint beside the measured distance, or `not certified` with the reason).
    fn tail<S: Scalar>(
        &self,
        mm: &crate::oracle::MaxMargin,
        points: &[FlowPoint<S>],
    ) -> (String, Value) {
        let why_not = if !self.conjectures.is_empty() {
            Some("a conjecture replaces a prediction: the certificate is of the oracle's w̃ only; rerun without --conjecture".to_string())
        } else {
            None
        };
        let pts: Vec<(f64, Vec<S>)> = points
            .iter()
            .skip(1)
            .map(|p| (p.s.to_f64(), p.rho.clone()))
            .collect();
        let found = match why_not {
            Some(w) => Err(w),
            None => tail::certify(&self.data, mm, self.loss, &self.init, &pts),
        };
        match found {
            Err(why) => (
                format!("# certified tail: not certified: {why}\n"),
                to_value(&TailJson::NotCertified {
                    status: "not certified".into(),
                    reason: why,
                }),
            ),
            Ok(t) => {
                let last = points.last();
                let s_last = last.map_or(t.s0, |p| p.s.to_f64());
                let bound = t.bound(s_last);
                let measured = last
                    .and_then(|p| p.rho_err.as_ref())
                    .map(|e| e.to_decimal(3));
                let up = |x: &Float| crate::certify::decimal_up(x, 3);
                let rows: Vec<TailRow> = points
                    .iter()
                    .filter(|p| p.s.to_f64() >= t.s0)
                    .map(|p| TailRow {
                        s: p.s.to_f64(),
                        bound: up(&t.bound(p.s.to_f64())),
                        measured: p.rho_err.as_ref().map(|e| e.to_decimal(3)),
                    })
                    .collect();
                (
                    format!(
                        "# certified tail (docs/theory/flow.md, \"The certified tail\"; the exact flow through the computed P1 ρ(s0) and P2 w(0)): {}\n#   at s = {s_last}: B(s) = {}; the computed ‖ρ − w̃‖ = {} (at most the working precision's floor once B(s) is below it)\n",
                        t.describe(),
                        up(&bound),
                        measured.as_deref().unwrap_or("-")
                    ),
                    to_value(&TailJson::Certified {
                        status: "certified".into(),
                        s0: t.s0,
                        r0: up(&t.r0),
                        ball: up(&t.b),
                        mu: t.mu.to_f64_round(rug::float::Round::Down),
                        kappa: t.kappa.to_f64_round(rug::float::Round::Down),
                        c: up(&t.c),
                        last: TailRow {
                            s: s_last,
                            bound: up(&bound),
                            measured,
                        },
                        checkpoints: rows,
                    }),
                )
            }
        }
    }
}

/// What to change when a core claim is open, true to why each one is: a weak verdict or one
/// with no checkpoint in the judged regime needs a longer horizon (or more precision); a
/// claim whose prediction is unavailable (degenerate data, SVs that do not span) stays open
/// at any horizon, and the advice says so instead.
fn advice<S: Scalar>(pred: &Prediction<S>, a: &Assessment<S>) -> String {
    let open = a.verdicts.iter().filter(|v| {
        v.core
            && matches!(
                v.status,
                theory::Status::Weak | theory::Status::NotApplicable
            )
    });
    let mut further = false;
    let mut unpredicted = false;
    for v in open {
        if v.status == theory::Status::Weak || v.basis.contains("integrate further") {
            further = true;
        } else {
            unpredicted = true;
        }
    }
    let mut parts = Vec::new();
    if further {
        parts.push("integrate further (a larger --until), or raise --precision".to_string());
    }
    if unpredicted {
        parts.push(if pred.regime == theory::Regime::Degenerate {
            "degenerate data (§2.11) have no w̃ (their conserved quantity is checked where the data are one support vector with α > 0 and one zero-α margin point: flow_conserved, flow_degenerate_growth)".to_string()
        } else if !pred.spans {
            "the SVs do not span the data: the P2 part of w̃ depends on the trajectory (§2.1), so C_dir and the claims built on it are not predicted at any --until or --precision".to_string()
        } else {
            "a prediction these claims need is not available for these data (see each claim's basis)".to_string()
        });
    }
    parts.join("; ")
}

/// An integrated flow: the checkpoints (the first at `s = 0`) and the counts.
#[derive(Clone, Debug)]
pub struct FlowRun<S: Scalar> {
    /// The checkpoints, `s = 0` first.
    pub points: Vec<FlowPoint<S>>,
    /// Integrator counts.
    pub stats: Stats,
    /// The integration error budget at the last checkpoint.
    pub budget: Budget<S>,
    /// Wall time, seconds.
    pub(crate) seconds: f64,
    /// The log-time reached when a stop was requested before `until` (SIGINT, SIGTERM); the
    /// last checkpoint is the point reached.
    pub(crate) interrupted: Option<S>,
}

/// Integrates the log-time flow of `pred`'s data from `ρ(0) = w(0)` to `s = until`, with
/// checkpoints at [`checkpoints`]`(until)`.
///
/// # Errors
/// [`Error::Numerical`] if the integrator stops (the step size underflows or the step limit
/// is reached).
pub fn integrate<S: Scalar>(pred: &Prediction<S>, until: f64) -> Result<FlowRun<S>> {
    integrate_on(pred, &checkpoints(until))
}

/// [`integrate`] with checkpoints at the increasing positive log-times `grid` (the last is
/// where the integration ends).
///
/// # Errors
/// As [`integrate`].
pub(crate) fn integrate_on<S: Scalar>(pred: &Prediction<S>, grid: &[f64]) -> Result<FlowRun<S>> {
    let ctx = pred.ctx;
    let bits = S::accuracy_bits(ctx);
    let opts = options(bits);
    let mut sys = LogTime::new(pred);
    let mut it = Integrator::new(S::zero(ctx), pred.w0.clone(), opts);
    let mut points = vec![diagnose_flow(pred, &S::zero(ctx), &pred.w0)];
    let mut y_max = linalg_max_abs(&pred.w0);
    let start = Instant::now();
    let mut interrupted = None;
    for &s in grid {
        let target = S::from_f64(s, ctx);
        it.advance_to(&mut sys, &target).map_err(stopped)?;
        y_max = y_max.max(linalg_max_abs(&it.y));
        let short = it.s.partial_cmp_s(&target) == Some(std::cmp::Ordering::Less);
        // a stop short of the checkpoint records the point reached (unless it is the last)
        let moved = points.last().map_or(true, |p: &FlowPoint<S>| {
            p.s.partial_cmp_s(&it.s) == Some(std::cmp::Ordering::Less)
        });
        if !short || moved {
            points.push(diagnose_flow(pred, &it.s, &it.y));
        }
        if short {
            interrupted = Some(it.s.clone());
            break;
        }
    }
    let seconds = start.elapsed().as_secs_f64();
    // Σ local errors ≤ err_sum·tol·(1 + max|ρ_i|) per component; ×√d for the 2-norm, ×2
    let d = pred.w0.len().max(1) as f64;
    let tol = 2f64.powi(-(opts.tol_bits as i32));
    let integration = S::from_f64(
        2.0 * it.stats.err_sum.max(1.0) * tol * (1.0 + y_max) * d.sqrt(),
        ctx,
    );
    Ok(FlowRun {
        points,
        stats: it.stats,
        budget: Budget { integration },
        seconds,
        interrupted,
    })
}

/// GD beside the flow: the text section and its JSON.
struct GdRows {
    text: String,
    json: Value,
}

/// Runs GD with step `lr` for `steps` steps from the same `w(0)` and compares `w_GD(t)` with
/// the flow at the same flow time `τ = ηt` (`s = ln(1 + ηt)`), at GD's checkpoints `10^k`:
/// the difference, its parts in and off `span(Z_S)`, and `t` times the former (§2.12: an
/// `O(1/t)` correction in the support-vector span; the `P2` parts and the transients differ).
/// Reported, not judged.
fn compare_gd<S: Scalar>(
    req: &FlowRequest,
    pred: &Prediction<S>,
    lr: &Rational,
    steps: u64,
) -> Result<GdRows> {
    use crate::linalg;
    use crate::objective::Objective;
    use crate::optim::GradientDescent;
    use crate::run::{checkpoints, RunOptions, Runner};
    let ctx = pred.ctx;
    let obj = Objective::<S>::new(&req.data, req.loss, ctx);
    let gd = GradientDescent::<S>::new(lr, ctx);
    let opts = RunOptions {
        steps,
        base: 10,
        progress: false,
        seed: 0,
    };
    let cps = checkpoints(steps, 10);
    let traj = Runner::new(&obj, &gd, &opts).run_at(pred.w0.clone(), &cps);
    let mut sys = LogTime::new(pred);
    let mut it = Integrator::new(
        S::zero(ctx),
        pred.w0.clone(),
        options(S::accuracy_bits(ctx)),
    );
    let dg = digits::<S>(ctx).min(8);
    let mut cells = vec![[
        "t",
        "tau=eta*t",
        "s",
        "|w_gd-w_flow|",
        "|P1 diff|",
        "|P2 diff|",
        "t*|P1 diff|",
    ]
    .iter()
    .map(|x| (*x).to_string())
    .collect::<Vec<_>>()];
    let mut rows = Vec::new();
    for smp in traj.samples.iter().filter(|x| x.t > 0) {
        let tau = lr.clone() * Rational::from(smp.t);
        let s = S::from_rational(&(tau.clone() + 1u32), ctx).ln();
        it.advance_to(&mut sys, &s).map_err(stopped)?;
        let w_flow: Vec<S> =
            it.y.iter()
                .zip(&pred.w_hat_s)
                .map(|(r, w)| r.clone().add(&w.clone().mul(&s)))
                .collect();
        let diff: Vec<S> = smp
            .w
            .iter()
            .zip(&w_flow)
            .map(|(a, b)| a.clone().sub(b))
            .collect();
        let p1 = linalg::project(&pred.span_basis, &diff, ctx);
        let p2: Vec<S> = diff
            .iter()
            .zip(&p1)
            .map(|(a, b)| a.clone().sub(b))
            .collect();
        let (n, n1, n2) = (
            crate::scalar::norm(&diff, ctx),
            crate::scalar::norm(&p1, ctx),
            crate::scalar::norm(&p2, ctx),
        );
        let tn1 = n1.clone().mul(&S::from_f64(smp.t as f64, ctx));
        cells.push(vec![
            smp.t.to_string(),
            crate::data::format_rational(&tau),
            s.to_decimal(8),
            n.to_decimal(dg),
            n1.to_decimal(dg),
            n2.to_decimal(dg),
            tn1.to_decimal(dg),
        ]);
        rows.push(GdBesideRow {
            t: smp.t,
            tau: crate::data::format_rational(&tau),
            s: s.to_decimal(dg + 4),
            diff: n.to_decimal(dg),
            diff_span: n1.to_decimal(dg),
            diff_p2: n2.to_decimal(dg),
            t_diff_span: tn1.to_decimal(dg),
        });
    }
    let mut text = format!(
        "# GD beside the flow: GD with step {} for {} steps ({}) against the flow at the same τ = ηt (reported, not judged; §2.12)\n",
        crate::data::format_rational(lr),
        traj.steps,
        traj.status.describe()
    );
    text.push_str(&align_left(&cells));
    Ok(GdRows {
        text,
        json: to_value(&GdBesideJson {
            lr: crate::data::format_rational(lr),
            steps: traj.steps,
            status: traj.status.describe(),
            rows,
        }),
    })
}

/// The error of an integration that cannot proceed.
fn stopped(why: String) -> Error {
    Error::Numerical(format!(
        "the flow integration stopped: {why} (a value may be out of range at this precision: an MPFR precision such as --precision 128 has a far larger exponent range)"
    ))
}

fn linalg_max_abs<S: Scalar>(v: &[S]) -> f64 {
    v.iter().map(|x| x.to_f64().abs()).fold(0.0, f64::max)
}

/// Significant digits shown for values at this precision.
fn digits<S: Scalar>(ctx: S::Ctx) -> usize {
    ((f64::from(S::accuracy_bits(ctx)) - 20.0) * std::f64::consts::LOG10_2)
        .floor()
        .clamp(3.0, 12.0) as usize
}

fn opt<S: Scalar>(x: Option<&S>, dg: usize) -> String {
    x.map_or_else(|| "-".into(), |v| v.to_decimal(dg))
}

fn vec_text<S: Scalar>(v: &[S], dg: usize) -> String {
    v.iter()
        .map(|x| x.to_decimal(dg))
        .collect::<Vec<_>>()
        .join(", ")
}

fn render<S: Scalar>(
    req: &FlowRequest,
    pred: &Prediction<S>,
    run: &FlowRun<S>,
    a: &Assessment<S>,
    judgement: &Judgement,
) -> String {
    let ctx = pred.ctx;
    let dg = digits::<S>(ctx);
    let mut out = format!("# {}\n", req.command());
    out.push_str(&format!(
        "# gradient flow in log-time s = ln(1 + τ), w = ŵ s + ρ (theory §2.12); N = {}, d = {}, loss {}, {}\n",
        req.data.len(),
        req.data.dim(),
        req.loss.name(),
        req.precision.label()
    ));
    if let Some(c) = &req.classes {
        out.push_str(&format!(
            "# K-class data: N = {}, d = {}, K = {} classes {}; the flow of {} on the lifted points x~_(n,k) = (e_(y_n) - e_k) (x) x_n, w = vec(W), ŵ the K-class SVM (docs/theory/multiclass.md §M6)\n",
            c.len(),
            c.dim(),
            c.classes(),
            c.names().join(", "),
            if req.loss == Loss::Exponential {
                "sum_(n,k) e^(-u_(n,k))"
            } else {
                "the softmax cross-entropy sum_n ln(1 + sum_(k != y_n) e^(-u_(n,k)))"
            }
        ));
    }
    if let Some(at) = &run.interrupted {
        out.push_str(&format!(
            "# status: interrupted at s = {} (SIGINT or SIGTERM; the rows end at the point reached)\n",
            at.to_decimal(dg)
        ));
    }
    out.push_str(&format!(
        "# ŵ = ({}) exact, ‖ŵ‖² = {}, support = {{{}}}, {}\n",
        pred.w_hat
            .iter()
            .map(crate::data::format_rational)
            .collect::<Vec<_>>()
            .join(", "),
        crate::data::format_rational(&pred.norm_sq),
        pred.support
            .iter()
            .map(|i| (i + 1).to_string())
            .collect::<Vec<_>>()
            .join(", "),
        pred.regime.describe()
    ));
    let c = |p: &theory::Predicted<S>| match p {
        theory::Predicted::Exact(q) => crate::data::format_rational(q),
        theory::Predicted::Value(v) => v.to_decimal(dg),
        theory::Predicted::Infinite => "inf".into(),
        theory::Predicted::Unavailable(why) => (*why).to_string(),
    };
    out.push_str(&format!(
        "# predicted (η = 1): w̃_flow = ({}), C_dir = {}, C_norm = {}, C_γ = {}, θ = {}, κ = {}, C_share = {}\n",
        pred.w_tilde
            .as_ref()
            .map_or_else(|| "-".into(), |w| vec_text(w, dg)),
        c(&pred.c_dir),
        c(&pred.c_norm),
        c(&pred.c_gamma),
        c(&pred.theta_c),
        c(&pred.kappa),
        c(&pred.share_loss),
    ));
    let d = pred.w_hat_s.len();
    let mut head: Vec<String> = [
        "s",
        "log10_tau",
        "|rho-w~|",
        "s*dir",
        "pred_s*dir",
        "s*gap",
        "pred_s*gap",
        "share*e^((th-1)s)",
        "(1+tau)L",
    ]
    .iter()
    .map(|x| (*x).to_string())
    .collect();
    for j in 0..d {
        head.push(format!("rho{}", j + 1));
    }
    let mut cells = vec![head];
    for p in &run.points {
        let mut row = vec![
            p.s.to_decimal(6),
            format!("{:.6}", p.log10_tau),
            opt(p.rho_err.as_ref(), 4),
            opt(p.s_dir.as_ref(), dg),
            opt(p.s_dir_pred.as_ref(), dg),
            opt(p.s_gap.as_ref(), dg),
            opt(p.s_gap_pred.as_ref(), dg),
            opt(p.share_scaled.as_ref(), dg),
            p.tau_loss.to_decimal(dg),
        ];
        row.extend(p.rho.iter().map(|x| x.to_decimal(dg)));
        cells.push(row);
    }
    out.push_str(&align_left(&cells));
    if !pred.spans {
        if let Some(p) = run.points.last() {
            out.push_str(&format!(
                "# the SVs do not span the data: P2 ρ(S) = ({}) measured, not predicted\n",
                vec_text(&p.p2, dg)
            ));
        }
    }
    let st = run.stats;
    out.push_str(&format!(
        "# integrator: extrapolated linearly implicit Euler, local tolerance 2^-{}, {} steps ({} rejected), {} right-hand sides, last order {}, {:.3} s; integration error bound {}\n",
        options(S::accuracy_bits(ctx)).tol_bits,
        st.accepted,
        st.rejected,
        st.rhs,
        st.order,
        run.seconds,
        run.budget.integration.to_decimal(3)
    ));
    // verdicts
    let mut vc = vec![[
        "verdict",
        "section",
        "s",
        "measured",
        "predicted",
        "|dev|",
        "tolerance",
        "resolution",
        "claim",
    ]
    .iter()
    .map(|x| (*x).to_string())
    .collect::<Vec<_>>()];
    let mut notes = String::new();
    for v in &a.verdicts {
        let mut predicted = opt(v.predicted.as_ref(), dg);
        if v.user {
            predicted.push_str(" (user)");
        }
        vc.push(vec![
            v.status.label().into(),
            v.section.into(),
            opt(v.s.as_ref(), 6),
            opt(v.measured.as_ref(), dg),
            predicted,
            opt(v.deviation.as_ref(), 3),
            opt(v.tolerance.as_ref(), 3),
            opt(v.resolution.as_ref(), 3),
            v.claim.into(),
        ]);
        notes.push_str(&format!("#   {}: {}\n", v.id, v.basis));
        if let (Some(l), Some(e)) = (&v.limit, &v.expected) {
            notes.push_str(&format!(
                "#     estimated limit ({}), predicted{} ({})\n",
                vec_text(l, dg),
                if v.user { " (user)" } else { "" },
                vec_text(e, dg)
            ));
        }
    }
    out.push_str(&align_left(&vc));
    out.push_str(
        "# how each tolerance is derived (docs/theory/flow.md; resolution = |dev| + tolerance):\n",
    );
    out.push_str(&notes);
    for f in &a.fits {
        out.push_str(&format!(
            "# fit {} ({}): measured {}, predicted {}\n",
            f.what,
            f.section,
            opt(f.measured.as_ref(), 4),
            opt(f.predicted.as_ref(), 4)
        ));
    }
    let n = a.counts();
    out.push_str(&format!(
        "# verdicts: {} PASS, {} weak, {} FAIL, {} n/a\n",
        n.pass, n.weak, n.fail, n.not_judged
    ));
    out.push_str(&match judgement {
        Judgement::Holds => "# all checked claims hold\n".to_string(),
        Judgement::Fails(k) => format!("# {k} checked claim(s) FAILED\n"),
        Judgement::Inconclusive(why) => format!("# inconclusive: {why}\n"),
    });
    out
}

fn jnum<S: Scalar>(x: Option<&S>, dg: usize) -> Option<String> {
    x.map(|v| v.to_decimal(dg))
}

fn jvec<S: Scalar>(v: &[S], dg: usize) -> Vec<String> {
    v.iter().map(|x| x.to_decimal(dg)).collect()
}

fn to_json<S: Scalar>(
    req: &FlowRequest,
    pred: &Prediction<S>,
    run: &FlowRun<S>,
    a: &Assessment<S>,
    judgement: &Judgement,
) -> Value {
    let dg = digits::<S>(pred.ctx) + 2;
    let checkpoints: Vec<FlowCheckpoint> = run
        .points
        .iter()
        .map(|p| FlowCheckpoint {
            s: p.s.to_decimal(dg),
            log10_tau: p.log10_tau,
            rho: jvec(&p.rho, dg),
            w: jvec(&p.w, dg),
            rho_err: jnum(p.rho_err.as_ref(), dg),
            s_dir: jnum(p.s_dir.as_ref(), dg),
            s_dir_pred: jnum(p.s_dir_pred.as_ref(), dg),
            s_gap: jnum(p.s_gap.as_ref(), dg),
            s_gap_pred: jnum(p.s_gap_pred.as_ref(), dg),
            ln_share: jnum(p.ln_share.as_ref(), dg),
            share_scaled: jnum(p.share_scaled.as_ref(), dg),
            tau_loss: p.tau_loss.to_decimal(dg),
            p2: jvec(&p.p2, dg),
        })
        .collect();
    let verdicts: Vec<FlowVerdictRow> = a
        .verdicts
        .iter()
        .map(|v| FlowVerdictRow {
            id: v.id.to_string(),
            status: v.status.label().to_string(),
            section: v.section.to_string(),
            claim: v.claim.to_string(),
            s: jnum(v.s.as_ref(), dg),
            measured: jnum(v.measured.as_ref(), dg),
            predicted: jnum(v.predicted.as_ref(), dg),
            deviation: jnum(v.deviation.as_ref(), 3),
            tolerance: jnum(v.tolerance.as_ref(), 3),
            resolution: jnum(v.resolution.as_ref(), 3),
            core: v.core,
            user: v.user,
            basis: v.basis.clone(),
        })
        .collect();
    let fits: Vec<FlowFitRow> = a
        .fits
        .iter()
        .map(|f| FlowFitRow {
            id: f.id.to_string(),
            measured: jnum(f.measured.as_ref(), 6),
            predicted: jnum(f.predicted.as_ref(), 6),
        })
        .collect();
    let st = run.stats;
    let mut doc = json!({
        "command": req.command(),
        "data": { "source": req.data_name, "n": req.data.len(), "d": req.data.dim() },
        "loss": req.loss.name(),
        "precision": req.precision.to_arg(),
        "until": req.until,
        "support": pred.support.iter().map(|i| i + 1).collect::<Vec<_>>(),
        "w_tilde": pred.w_tilde.as_ref().map(|w| jvec(w, dg)),
        "spans": pred.spans,
        "status": if run.interrupted.is_some() { "interrupted" } else { "completed" },
        "interrupted_at_s": run.interrupted.as_ref().map(|s| s.to_decimal(dg)),
        "checkpoints": to_value(&checkpoints),
        "integrator": {
            "method": "extrapolated linearly implicit Euler",
            "tol_bits": options(S::accuracy_bits(pred.ctx)).tol_bits,
            "steps": st.accepted,
            "rejected": st.rejected,
            "rhs": st.rhs,
            "order": st.order,
            "seconds": run.seconds,
            "error_bound": run.budget.integration.to_decimal(3),
        },
        "verdicts": to_value(&verdicts),
        "fits": to_value(&fits),
        "judgement": match judgement {
            Judgement::Holds => "holds",
            Judgement::Fails(_) => "fails",
            Judgement::Inconclusive(_) => "inconclusive",
        },
        "inconclusive": match judgement {
            Judgement::Inconclusive(why) => Value::from(why.clone()),
            _ => Value::Null,
        },
    });
    if let Some(c) = &req.classes {
        doc["classes"] = json!({
            "k": c.classes(),
            "names": c.names(),
            "n": c.len(),
            "d": c.dim(),
        });
    }
    doc
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn checkpoints_are_geometric_and_end_at_until() {
        assert_eq!(
            checkpoints(1e2),
            vec![1.0, 2.0, 5.0, 10.0, 20.0, 50.0, 100.0]
        );
        assert_eq!(checkpoints(3.0), vec![1.0, 2.0, 3.0]);
        assert_eq!(checkpoints(0.5), vec![0.5]);
    }

    #[test]
    fn until_is_validated() {
        assert!(parse_until("1e5").is_ok());
        for bad in ["0", "-1", "nan", "inf", "x", "1e16"] {
            assert!(parse_until(bad).is_err(), "{bad}");
        }
    }
}
