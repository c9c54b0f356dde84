//! The runner: owns the loop, the geometric checkpoints and the status.

use crate::objective::{Event, Objective};
use crate::optim::{Optimizer, State};
use crate::scalar::Scalar;
use std::time::{Duration, Instant};

/// Largest number of steps accepted (10^15: f64 GD updates vanish there, theory §8.2).
pub const MAX_STEPS: u64 = 1_000_000_000_000_000;

/// How a run ended. Numerical events are findings, recorded here, never panics.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
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
}

impl Status {
    /// Short text: `completed`, `underflow at t=…`, `non-finite at t=…`.
    pub fn describe(&self) -> String {
        match self {
            Status::Completed => "completed".into(),
            Status::Underflow { at, point } => {
                format!(
                    "underflow at t={at} (weight of point {} is 0 in this precision)",
                    point + 1
                )
            }
            Status::NonFinite { at } => format!(
                "non-finite value at t={at} (step too large, or a value out of the scalar's \
                 range: double-double refuses nonzero magnitudes below 2^-969)"
            ),
        }
    }
    /// The status of a run stopped at step `at` by the step event `e`.
    pub fn of_event(e: Event, at: u64) -> Status {
        match e {
            Event::Underflow { point } => Status::Underflow { at, point },
            Event::NonFinite => Status::NonFinite { at },
        }
    }
    /// Machine name for JSON: `completed`, `underflow`, `non_finite`.
    pub fn code(&self) -> &'static str {
        match self {
            Status::Completed => "completed",
            Status::Underflow { .. } => "underflow",
            Status::NonFinite { .. } => "non_finite",
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
    pub status: Status,
    /// Steps actually taken.
    pub steps: u64,
    /// Wall time of the loop.
    pub elapsed: Duration,
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

/// Runs `opt` from `w0` and records samples at the checkpoints.
///
/// The run stops at the first step event (the status names it; the failed step changes
/// nothing, so a step that produced a non-finite iterate is reported by the next one), at a
/// checkpoint whose iterate is not finite (`NonFinite`), or at a
/// checkpoint whose `ln L` is NaN (double-double out of range: not recorded; the status is
/// the event of the step from that iterate, `NonFinite` if that step would succeed).
pub fn run<S: Scalar, O: Optimizer<S> + ?Sized>(
    obj: &Objective<S>,
    opt: &O,
    w0: Vec<S>,
    opts: &RunOptions,
) -> Trajectory<S> {
    let mut st = State::new(obj, w0, opts.seed);
    opt.init(obj, &mut st);
    run_from(obj, opt, &mut st, opts)
}

/// Continues a run from an existing state (for resumable or chained runs).
pub fn run_from<S: Scalar, O: Optimizer<S> + ?Sized>(
    obj: &Objective<S>,
    opt: &O,
    st: &mut State<S>,
    opts: &RunOptions,
) -> Trajectory<S> {
    run_from_at(obj, opt, st, &checkpoints(opts.steps, opts.base), opts)
}

/// Runs `opt` from `w0` with samples at the given checkpoints (increasing; `opts.base` is
/// ignored, `opts.steps` only sizes the progress bar). Used where rate fits need a denser
/// grid than the printed table (e.g. [`dense_checkpoints`]).
pub fn run_at<S: Scalar, O: Optimizer<S> + ?Sized>(
    obj: &Objective<S>,
    opt: &O,
    w0: Vec<S>,
    cps: &[u64],
    opts: &RunOptions,
) -> Trajectory<S> {
    let mut st = State::new(obj, w0, opts.seed);
    opt.init(obj, &mut st);
    run_from_at(obj, opt, &mut st, cps, opts)
}

/// The union of the checkpoints of base `base` and of base 2 (for rate fits), sorted.
pub fn dense_checkpoints(steps: u64, base: u64) -> Vec<u64> {
    let mut c = checkpoints(steps, base);
    c.extend(checkpoints(steps, 2));
    c.sort_unstable();
    c.dedup();
    c
}

/// [`run_from`] with an explicit checkpoint list.
pub fn run_from_at<S: Scalar, O: Optimizer<S> + ?Sized>(
    obj: &Objective<S>,
    opt: &O,
    st: &mut State<S>,
    cps: &[u64],
    opts: &RunOptions,
) -> Trajectory<S> {
    let start = Instant::now();
    let mut samples = Vec::with_capacity(cps.len());
    let mut status = Status::Completed;
    let bar = Progress::new(opts.progress, opts.steps);
    'outer: for &cp in cps {
        while st.t < cp {
            if let Err(e) = opt.step(obj, st) {
                status = Status::of_event(e, st.t);
                break 'outer;
            }
            if st.t & 0xfff == 0 {
                bar.update(st.t, start);
            }
        }
        if !st.w.iter().all(Scalar::is_finite) {
            status = Status::NonFinite { at: st.t };
            break;
        }
        // A finite iterate whose ln L is NaN (double-double: a margin's product below its
        // range) is not recorded either, and the run stops there. Its status is the event
        // the step from this iterate reports (an underflow names its point in the order the
        // step meets them), tried on a copy; `NonFinite` if that step would succeed.
        let ln_loss = obj.ln_loss(&st.w);
        if ln_loss.partial_cmp_s(&ln_loss).is_none() {
            status = match opt.step(obj, &mut st.clone()) {
                Err(e) => Status::of_event(e, st.t),
                Ok(()) => Status::NonFinite { at: st.t },
            };
            break;
        }
        samples.push(Sample {
            t: st.t,
            w: st.w.clone(),
            ln_loss,
        });
    }
    bar.finish();
    Trajectory {
        samples,
        status,
        steps: st.t,
        elapsed: start.elapsed(),
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
