//! The naive interval enclosure of an optimizer that `--certify` does not certify: the same
//! step over [`Interval`]s from the exact `w(0)` (docs/theory/certify.md, "The naive interval
//! enclosure of another optimizer").

use super::{decimal_up, Interval};
use crate::objective::Objective;
use crate::optim::Optimizer;
use crate::run::{RunOptions, RunStatus, Runner, Trajectory};
use crate::scalar::Scalar;
use rug::float::Round;
use rug::Float;

/// The naive interval enclosure of another optimizer's exact-arithmetic iterate (`--certify`
/// with `--optimizer` other than gd): the same optimizer run over [`Interval`] at
/// [`INTERVAL_BITS`] bits from the exact `w(0)`, every operation rounded outward, so each box
/// contains the exact iterate. Its radius grows by the wrapping effect (each step multiplies
/// it by about the map's Lipschitz factor), so it is offered for short runs: it is stopped at
/// the first checkpoint where the radius reaches the iterate's norm, at a step that cannot be
/// taken over the boxes (not finite, an underflow, an undecided branch), or before a
/// checkpoint beyond [`INTERVAL_MAX_STEPS`].
/// `error_bound` bounds the computed iterate's distance from the exact one,
/// `max_i |computed_i − mid_i| + rad_i` (the ∞-norm).
#[derive(Clone, Debug)]
pub(crate) struct IntervalEnclosure {
    /// Bits of the interval arithmetic.
    pub(crate) bits: u32,
    /// One row per shown checkpoint enclosed.
    pub(crate) rows: Vec<IntervalRow>,
    /// The last step enclosed.
    pub(crate) through: u64,
    /// Why it stopped before the run's end.
    pub(crate) stopped: Option<String>,
}

/// One checkpoint of an [`IntervalEnclosure`], every value rounded up.
#[derive(Clone, Debug)]
pub(crate) struct IntervalRow {
    /// The step.
    pub(crate) t: u64,
    /// The largest half-width of the boxes.
    pub(crate) radius: Float,
    /// `radius` over the lower end of `‖w‖∞` over the box; `None` where that end is 0.
    pub(crate) radius_over_norm: Option<Float>,
    /// `max_i max(v_i − lo_i, hi_i − v_i)`: a bound of `‖computed − exact‖∞`.
    pub(crate) error_bound: Float,
}

/// Bits of [`IntervalEnclosure`]'s arithmetic.
pub(crate) const INTERVAL_BITS: u32 = 128;

/// The most steps `IntervalEnclosure` takes: about a minute of 128-bit interval steps on
/// small data, and beyond it the wrapping effect leaves little to enclose.
pub const INTERVAL_MAX_STEPS: u64 = 1_000_000;

impl IntervalEnclosure {
    /// Runs `opt` over intervals on `obj` (at its bits) from the exact `w0`, a leg per shown
    /// checkpoint up to `computed`'s last step, and bounds the distance of `computed`'s
    /// samples from the boxes.
    pub fn run<S: Scalar>(
        obj: &Objective<Interval>,
        opt: &dyn Optimizer<Interval>,
        w0: Vec<Interval>,
        seed: u64,
        shown: &[u64],
        computed: &Trajectory<S>,
    ) -> IntervalEnclosure {
        let bits = obj.ctx();
        let opts = RunOptions {
            steps: computed.steps,
            base: 10,
            progress: false,
            seed,
        };
        let mut runner = Runner::new(obj, opt, &opts);
        let mut st = runner.start(w0);
        let mut out = IntervalEnclosure {
            bits,
            rows: Vec::new(),
            through: 0,
            stopped: None,
        };
        for &c in shown.iter().filter(|&&c| c > 0 && c <= computed.steps) {
            if c > INTERVAL_MAX_STEPS {
                out.stopped = Some(format!(
                    "the next checkpoint, t = {c}, is beyond the naive enclosure's budget of \
                     {INTERVAL_MAX_STEPS} steps"
                ));
                break;
            }
            // one leg per checkpoint, so the enclosure can stop where its box is too wide
            let leg = runner.resume(&mut st, &[c]);
            if leg.status != RunStatus::Completed || leg.samples.is_empty() {
                out.stopped = Some(format!(
                    "the box could not be advanced at t = {} ({})",
                    st.t,
                    leg.status.describe()
                ));
                break;
            }
            let zero = Float::new(bits);
            let mut rad = zero.clone();
            let mut norm_lo = zero.clone();
            for x in &st.w {
                let r = x.rad();
                if r > rad {
                    rad = r;
                }
                // the smallest |v| over the box, a lower end of |w_i|
                let low = if x.lo > 0 {
                    x.lo.clone()
                } else if x.hi < 0 {
                    Float::with_val(bits, -&x.hi)
                } else {
                    zero.clone()
                };
                if low > norm_lo {
                    norm_lo = low;
                }
            }
            let Some(sample) = computed.samples.iter().find(|p| p.t == c) else {
                continue;
            };
            let mut err = zero.clone();
            for (v, x) in sample.w.iter().zip(&st.w) {
                let Some(q) = v.to_rational() else {
                    err = Float::with_val(bits, rug::float::Special::Infinity);
                    break;
                };
                // |v − mid| + rad ≤ max(v − lo, hi − v), each rounded up
                let a = Float::with_val_round(bits, &q - &x.lo, Round::Up).0;
                let b = Float::with_val_round(bits, &x.hi - &q, Round::Up).0;
                let e = if a > b { a } else { b };
                if e > err {
                    err = e;
                }
            }
            let rel = if rad == 0 {
                Some(zero.clone())
            } else if norm_lo > 0 {
                Some(Float::with_val_round(bits, &rad / &norm_lo, Round::Up).0)
            } else {
                None
            };
            let stop = rad > 0 && rad >= norm_lo;
            out.rows.push(IntervalRow {
                t: c,
                radius: rad,
                radius_over_norm: rel,
                error_bound: err,
            });
            out.through = c;
            if stop {
                out.stopped = Some(format!(
                    "at t = {c} the radius reaches ‖w‖∞: the box says nothing more"
                ));
                break;
            }
        }
        out
    }

    /// The `# interval enclosure` lines of `ibias run` (`name`: the optimizer).
    pub fn text(&self, name: &str) -> String {
        let mut out = format!(
            "# interval enclosure (naive interval arithmetic at {} bits, every operation rounded outward: a box around the exact-arithmetic {name} iterate; its radius grows by the wrapping effect, docs/theory/certify.md):
",
            self.bits
        );
        for r in &self.rows {
            out.push_str(&format!(
                "#   t = {}: radius {}, radius/‖w‖∞ {}, ‖computed − exact‖∞ <= {}
",
                r.t,
                decimal_up(&r.radius, 3),
                r.radius_over_norm
                    .as_ref()
                    .map_or_else(|| "unbounded".into(), |q| decimal_up(q, 3)),
                decimal_up(&r.error_bound, 3)
            ));
        }
        match &self.stopped {
            None => out.push_str(&format!(
                "#   enclosed through t = {}
",
                self.through
            )),
            Some(why) => out.push_str(&format!(
                "#   enclosed through t = {}, then stopped: {why}
",
                self.through
            )),
        }
        out
    }
}
