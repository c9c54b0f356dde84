//! The runner: owns the loop, the geometric checkpoints and the status.

use crate::objective::{Event, Objective};
use crate::optim::{Optimizer, State};
use crate::scalar::Scalar;
use crate::{Error, Result};
use rug::Rational;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

/// Largest number of steps accepted (10^15: f64 GD updates vanish there, theory §8.2).
pub(crate) const MAX_STEPS: u64 = 1_000_000_000_000_000;

/// How a run ended. Numerical events are findings, recorded here, never panics.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RunStatus {
    /// All requested steps were taken.
    Completed,
    /// At step `at` the weight of point `point` underflowed to 0 (f64 range exhausted);
    /// the trajectory stops at the last good iterate.
    Underflow {
        /// Step at which it happened.
        at: u64,
        /// Point index.
        point: usize,
    },
    /// At step `at` a NaN or infinity appeared.
    NonFinite {
        /// Step at which it happened.
        at: u64,
    },
    /// At step `at` a branch of the step compared enclosures that overlap ([`Event::Undecided`]:
    /// the enclosure scalar only).
    Undecided {
        /// Step at which it happened.
        at: u64,
    },
    /// Stopped at step `at` on request (`request_stop`: SIGINT or SIGTERM in `ibias`); the
    /// iterate reached is the last sample.
    Interrupted {
        /// Steps taken.
        at: u64,
    },
}

/// Set by [`request_stop`], polled by the runner at every step.
static STOP: AtomicBool = AtomicBool::new(false);

/// Asks every running loop of this process to stop at its next step, recording the iterate
/// it reached (status [`RunStatus::Interrupted`]). Safe to call from a signal handler; it stays
/// set for the rest of the process.
pub(crate) fn request_stop() {
    STOP.store(true, Ordering::Relaxed);
}

/// Whether [`request_stop`] was called.
pub(crate) fn stop_requested() -> bool {
    STOP.load(Ordering::Relaxed)
}

impl RunStatus {
    /// Short text: `completed`, `underflow at t=…`, `non-finite at t=…`.
    pub(crate) fn describe(&self) -> String {
        match self {
            RunStatus::Completed => "completed".into(),
            RunStatus::Underflow { at, point } => {
                format!(
                    "underflow at t={at} (weight of point {} is 0 in this precision)",
                    point + 1
                )
            }
            RunStatus::NonFinite { at } => format!(
                "non-finite value at t={at} (step too large, or a value out of the scalar's \
                 range: double-double refuses nonzero magnitudes below 2^-969)"
            ),
            RunStatus::Interrupted { at } => format!("interrupted at t={at}"),
            RunStatus::Undecided { at } => format!(
                "undecided at t={at} (a branch of the step compares enclosures that overlap)"
            ),
        }
    }
    /// What to change for a run that ended so (empty for a completed one).
    pub fn advice(&self) -> &'static str {
        match self {
            RunStatus::Completed => "",
            RunStatus::Underflow { .. } | RunStatus::NonFinite { .. } => {
                "use a smaller step (--lr) or a wider precision"
            }
            RunStatus::Undecided { .. } => "use a wider precision for the enclosure",
            RunStatus::Interrupted { .. } => "run it to the end for a judgement",
        }
    }
    /// The status of a run stopped at step `at` by the step event `e`.
    pub fn of_event(e: Event, at: u64) -> RunStatus {
        match e {
            Event::Underflow { point } => RunStatus::Underflow { at, point },
            Event::NonFinite => RunStatus::NonFinite { at },
            Event::Undecided => RunStatus::Undecided { at },
        }
    }
    /// Machine name for JSON: `completed`, `underflow`, `non_finite`, `interrupted`,
    /// `undecided`.
    pub fn code(&self) -> &'static str {
        match self {
            RunStatus::Completed => "completed",
            RunStatus::Underflow { .. } => "underflow",
            RunStatus::NonFinite { .. } => "non_finite",
            RunStatus::Interrupted { .. } => "interrupted",
            RunStatus::Undecided { .. } => "undecided",
        }
    }
}

/// Checkpoints `t = 0` and `⌊b^k⌋ ≤ steps` (integer base, exact), plus `steps` itself.
pub fn checkpoints(steps: u64, base: u64) -> Vec<u64> {
    let base = base.max(2);
    let mut out = vec![0];
    let mut p: u64 = 1;
    while p <= steps {
        if *out.last().unwrap_or(&0) != p {
            out.push(p);
        }
        match p.checked_mul(base) {
            Some(q) => p = q,
            None => break,
        }
    }
    if *out.last().unwrap_or(&0) != steps {
        out.push(steps);
    }
    out
}

/// Most checkpoints a schedule may show (each keeps a copy of `w`).
pub(crate) const MAX_CHECKPOINTS: usize = 10_000;

/// Which checkpoints a run records and shows (`--base`, `--per-decade`, `--at`): always `t = 0`
/// and the last step `T`, and between them
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Schedule {
    /// `⌊b^k⌋` for `k = 0, 1, ...`, a real base `1 < b ≤ 10^6` (exact: numerator and
    /// denominator below `2^32`).
    Base(Rational),
    /// `⌊10^{j/K}⌋` for `j = 0, 1, ...`: `K` per decade (`1 ≤ K ≤ 100`, exact integer roots).
    PerDecade(u32),
    /// The listed steps (each `≤ T`).
    At(Vec<u64>),
}

impl Default for Schedule {
    /// Powers of 10.
    fn default() -> Self {
        Schedule::Base(Rational::from(10))
    }
}

impl Schedule {
    /// `--base b`: a real number `1 < b ≤ 10^6` (`1.5`, `3/2`, `10`).
    pub(crate) fn parse_base(s: &str) -> Result<Schedule> {
        let b = crate::data::parse_rational(s).map_err(|e| Error::param("base", e.to_string()))?;
        let small = |i: &rug::Integer| i.significant_bits() <= 32;
        if b <= 1 || b > 1_000_000 {
            return Err(Error::param("base", format!("{s} must be > 1 and <= 1e6")));
        }
        if !small(b.numer()) || !small(b.denom()) {
            return Err(Error::param(
                "base",
                format!(
                    "{s} is too fine a fraction (numerator and denominator must be below 2^32)"
                ),
            ));
        }
        Ok(Schedule::Base(b))
    }

    /// `--per-decade K`: `1 ≤ K ≤ 100`.
    pub(crate) fn parse_per_decade(s: &str) -> Result<Schedule> {
        match s.trim().parse::<u32>() {
            Ok(k) if (1..=100).contains(&k) => Ok(Schedule::PerDecade(k)),
            _ => Err(Error::param(
                "per-decade",
                format!("{s:?} is not a whole number of checkpoints per decade in 1..=100"),
            )),
        }
    }

    /// The checkpoints of a run of `steps` steps: increasing, from 0, ending at `steps`.
    ///
    /// # Errors
    /// A step of `--at` beyond `steps`, or more than `MAX_CHECKPOINTS`.
    pub fn points(&self, steps: u64) -> Result<Vec<u64>> {
        let too_many = |n: String| {
            Err(Error::param(
                "checkpoints",
                format!("{n} checkpoints up to t = {steps}; at most {MAX_CHECKPOINTS}"),
            ))
        };
        let mut out = match self {
            Schedule::Base(b) if *b.denom() == 1 => {
                // an integer base: exact integer powers (at most 64 of them)
                return Ok(checkpoints(steps, b.numer().to_u64().unwrap_or(u64::MAX)));
            }
            Schedule::Base(b) => {
                // the number of powers below `steps`, estimated before the exact loop
                let n = (steps.max(1) as f64).ln() / b.to_f64().ln();
                if n.is_nan() || n > MAX_CHECKPOINTS as f64 {
                    return too_many(format!("about {}", n.ceil()));
                }
                let mut out = Vec::new();
                let mut p = Rational::from(1);
                loop {
                    let floor = rug::Integer::from(p.numer() / p.denom());
                    match floor.to_u64() {
                        Some(f) if f <= steps => out.push(f),
                        _ => break,
                    }
                    p *= b;
                }
                out
            }
            Schedule::PerDecade(k) => {
                let mut out = Vec::new();
                for j in 0.. {
                    let r = rug::Integer::from(rug::Integer::u_pow_u(10, j)).root(*k);
                    match r.to_u64() {
                        Some(f) if f <= steps => out.push(f),
                        _ => break,
                    }
                }
                out
            }
            Schedule::At(ts) => {
                if let Some(t) = ts.iter().find(|&&t| t > steps) {
                    return Err(Error::param(
                        "at",
                        format!("checkpoint {t} is beyond the last step {steps}"),
                    ));
                }
                ts.clone()
            }
        };
        out.push(0);
        out.push(steps);
        out.sort_unstable();
        out.dedup();
        if out.len() > MAX_CHECKPOINTS {
            return too_many(out.len().to_string());
        }
        Ok(out)
    }

    /// The grid a run records for its analysis: these checkpoints and the powers of 2 (for the
    /// rate fits); the tables show only [`Schedule::points`].
    pub fn dense(&self, steps: u64) -> Result<Vec<u64>> {
        let mut c = self.points(steps)?;
        c.extend(checkpoints(steps, 2));
        c.sort_unstable();
        c.dedup();
        Ok(c)
    }

    /// The flag that selects this schedule, with a leading space; empty for the default.
    pub(crate) fn to_args(&self) -> String {
        match self {
            s if *s == Schedule::default() => String::new(),
            Schedule::Base(b) => format!(" --base {}", crate::data::format_rational(b)),
            Schedule::PerDecade(k) => format!(" --per-decade {k}"),
            Schedule::At(ts) => format!(
                " --at {}",
                ts.iter().map(u64::to_string).collect::<Vec<_>>().join(",")
            ),
        }
    }
}

/// One recorded point of a trajectory.
#[derive(Clone, Debug)]
pub struct Sample<S: Scalar> {
    /// Step count.
    pub t: u64,
    /// The iterate `w(t)`.
    pub w: Vec<S>,
    /// `ln L(w(t))`.
    pub ln_loss: S,
}

/// A finished run: samples at the checkpoints, status and timing.
#[derive(Clone, Debug)]
pub struct Trajectory<S: Scalar> {
    /// Samples at the checkpoints reached.
    pub samples: Vec<Sample<S>>,
    /// How the run ended.
    pub status: RunStatus,
    /// Steps actually taken.
    pub steps: u64,
    /// Wall time of the loop.
    pub(crate) elapsed: Duration,
}

/// Options of the runner.
#[derive(Clone, Debug)]
pub struct RunOptions {
    /// Steps to take.
    pub steps: u64,
    /// Checkpoint base `b` (checkpoints `⌊b^k⌋`).
    pub base: u64,
    /// Show a progress bar on stderr for runs longer than about a second.
    pub progress: bool,
    /// Seed for stochastic optimizers.
    pub seed: u64,
}

impl Default for RunOptions {
    fn default() -> Self {
        RunOptions {
            steps: 1000,
            base: 10,
            progress: false,
            seed: 0,
        }
    }
}

/// The union of the checkpoints of base `base` and of base 2 (for rate fits), sorted
/// ([`Schedule::dense`] of an integer base).
pub fn dense_checkpoints(steps: u64, base: u64) -> Vec<u64> {
    Schedule::Base(Rational::from(base.max(2)))
        .dense(steps)
        .unwrap_or_else(|_| checkpoints(steps, 2))
}

/// Sees every step of a run: what a certifier of the trajectory (`crate::certify`) needs.
pub trait Observer<S: Scalar> {
    /// Called after each successful step with the iterate `before` it and the state
    /// `after` it (`after.t` is the new step count). Never called for a failed step.
    fn observe(&mut self, before: &[S], after: &State<S>);
}

/// The runner: one optimizer on one objective with the run's options, and optionally an
/// [`Observer`] of every step. It owns the loop; the optimizer owns only its step.
///
/// * [`Runner::run`]: from `w0`, samples at the geometric checkpoints `⌊base^k⌋` of
///   `opts.base` ([`checkpoints`]);
/// * [`Runner::run_at`]: from `w0`, samples at the given checkpoints (a [`Schedule`]'s
///   points, a dense grid);
/// * [`Runner::resume`]: continues an existing state (chained legs, a resumed run).
///
/// The run stops at the first step event (the status names it; the failed step changes
/// nothing, so a step that produced a non-finite iterate is reported by the next one), at a
/// checkpoint whose iterate is not finite (`NonFinite`), or at a checkpoint whose `ln L` is
/// NaN (double-double out of range: not recorded; the status is the event of the step from
/// that iterate, `NonFinite` if that step would succeed).
pub struct Runner<'a, 'o, S: Scalar, O: Optimizer<S> + ?Sized> {
    obj: &'a Objective<S>,
    opt: &'a O,
    opts: &'a RunOptions,
    observer: Option<&'o mut dyn Observer<S>>,
}

impl<'a, 'o, S: Scalar, O: Optimizer<S> + ?Sized> Runner<'a, 'o, S, O> {
    /// A runner of `opt` on `obj` with `opts` (steps, checkpoint base, progress, seed).
    pub fn new(obj: &'a Objective<S>, opt: &'a O, opts: &'a RunOptions) -> Self {
        Runner {
            obj,
            opt,
            opts,
            observer: None,
        }
    }

    /// The same runner with `observer` (if any) shown every step: the iterate is then copied
    /// before each step.
    #[must_use]
    pub fn observed(mut self, observer: Option<&'o mut dyn Observer<S>>) -> Self {
        self.observer = observer;
        self
    }

    /// A fresh state at `w0` with the optimizer's memory initialized (seed `opts.seed`).
    pub fn start(&self, w0: Vec<S>) -> State<S> {
        let mut st = State::new(self.obj, w0, self.opts.seed);
        self.opt.init(self.obj, &mut st);
        st
    }

    /// Runs `opts.steps` steps from `w0`, samples at `checkpoints(opts.steps, opts.base)`.
    pub fn run(&mut self, w0: Vec<S>) -> Trajectory<S> {
        let cps = checkpoints(self.opts.steps, self.opts.base);
        self.run_at(w0, &cps)
    }

    /// Runs from `w0` with samples at `cps` (increasing; `opts.base` is ignored,
    /// `opts.steps` only sizes the progress bar).
    pub fn run_at(&mut self, w0: Vec<S>, cps: &[u64]) -> Trajectory<S> {
        let mut st = self.start(w0);
        self.resume(&mut st, cps)
    }

    /// Continues `st` to each checkpoint of `cps` in turn (those at or before `st.t` are
    /// recorded without a step).
    pub fn resume(&mut self, st: &mut State<S>, cps: &[u64]) -> Trajectory<S> {
        let (obj, opt, opts) = (self.obj, self.opt, self.opts);
        let mut observer = self.observer.as_deref_mut();
        let mut before: Vec<S> = Vec::new();
        let start = Instant::now();
        let mut samples = Vec::with_capacity(cps.len());
        let mut status = RunStatus::Completed;
        let bar = Progress::new(opts.progress, opts.steps);
        'outer: for &cp in cps {
            while st.t < cp {
                if stop_requested() {
                    status = RunStatus::Interrupted { at: st.t };
                    break;
                }
                match observer.as_deref_mut() {
                    None => {
                        if let Err(e) = opt.step(obj, st) {
                            status = RunStatus::of_event(e, st.t);
                            break 'outer;
                        }
                    }
                    Some(obs) => {
                        before.clone_from(&st.w);
                        if let Err(e) = opt.step(obj, st) {
                            status = RunStatus::of_event(e, st.t);
                            break 'outer;
                        }
                        obs.observe(&before, st);
                    }
                }
                if st.t & 0xfff == 0 {
                    bar.update(st.t, start);
                }
            }
            if !st.w.iter().all(Scalar::is_finite) {
                status = RunStatus::NonFinite { at: st.t };
                break;
            }
            // A finite iterate whose ln L is NaN (double-double: a margin's product below its
            // range) is not recorded either, and the run stops there. Its status is the event
            // the step from this iterate reports (an underflow names its point in the order the
            // step meets them), tried on a copy; `NonFinite` if that step would succeed.
            let ln_loss = obj.ln_loss(&st.w);
            if ln_loss.is_nan() {
                status = match opt.step(obj, &mut st.clone()) {
                    Err(e) => RunStatus::of_event(e, st.t),
                    Ok(()) => RunStatus::NonFinite { at: st.t },
                };
                break;
            }
            // an interrupted run records the iterate it reached (unless it is a checkpoint's);
            // the inner loop sets no other status
            let interrupted = status != RunStatus::Completed;
            if interrupted && samples.last().is_some_and(|s: &Sample<S>| s.t == st.t) {
                break;
            }
            samples.push(Sample {
                t: st.t,
                w: st.w.clone(),
                ln_loss,
            });
            if interrupted {
                break;
            }
        }
        bar.finish();
        Trajectory {
            samples,
            status,
            steps: st.t,
            elapsed: start.elapsed(),
        }
    }
}

/// A progress bar that appears only after a second and only on a terminal.
struct Progress {
    enabled: bool,
    bar: std::cell::OnceCell<indicatif::ProgressBar>,
    total: u64,
}

impl Progress {
    fn new(enabled: bool, total: u64) -> Self {
        Progress {
            enabled,
            bar: std::cell::OnceCell::new(),
            total,
        }
    }
    fn update(&self, t: u64, start: Instant) {
        if !self.enabled {
            return;
        }
        if self.bar.get().is_none() && start.elapsed() < Duration::from_millis(1200) {
            return;
        }
        let bar = self.bar.get_or_init(|| {
            let b = indicatif::ProgressBar::with_draw_target(
                Some(self.total),
                indicatif::ProgressDrawTarget::stderr(),
            );
            if let Ok(style) = indicatif::ProgressStyle::with_template(
                "{elapsed_precise} [{bar:40}] {pos}/{len} steps ({per_sec}, eta {eta})",
            ) {
                b.set_style(style.progress_chars("=> "));
            }
            b
        });
        bar.set_position(t);
    }
    fn finish(&self) {
        if let Some(b) = self.bar.get() {
            b.finish_and_clear();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn checkpoints_are_geometric_and_end_at_steps() {
        assert_eq!(checkpoints(1000, 10), vec![0, 1, 10, 100, 1000]);
        assert_eq!(checkpoints(1500, 10), vec![0, 1, 10, 100, 1000, 1500]);
        assert_eq!(checkpoints(0, 10), vec![0]);
        assert_eq!(checkpoints(8, 2), vec![0, 1, 2, 4, 8]);
        let c = checkpoints(u64::MAX, 10);
        assert!(c.windows(2).all(|w| w[0] < w[1]));
    }
}
