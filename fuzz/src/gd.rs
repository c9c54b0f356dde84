//! Gradient descent from fuzzer bytes: data, loss, step, precision (f64, double-double or
//! MPFR), plain or incremental exponentials, a few hundred steps.
//!
//! Invariants (theory §8.1, §8.2):
//! * always: no panic; numerical trouble is an [`Event`] value, the step counter and the
//!   iterate are left at the last step taken, a non-finite iterate is reported by the very
//!   next step, and `run` agrees bit for bit with stepping by hand;
//! * when `stepsize::check_step` accepts the step (the sufficient descent conditions of
//!   §8.1) and the precision has at least [`MONOTONE_BITS`] bits: everything stays finite
//!   (except double-double's documented range fault: a product below `Dd::MIN_POSITIVE` is
//!   NaN, reported as a non-finite event) and
//!   `ln L` never increases by more than a rounding bound derived below;
//! * `v·w(t) = v·w(0)` for every `v ⟂ span(Z)` (§8.2), exactly (bit for bit) when `v` is a
//!   coordinate axis and the data's column is zero, and within a rounding bound otherwise.

use super::data::{orthogonal_direction, planted, project_out, raw};
use super::input::Bytes;
use implicit_bias::data::Dataset;
use implicit_bias::loss::Loss;
use implicit_bias::objective::{Event, Objective};
use implicit_bias::optim::{GradientDescent, Optimizer, State};
use implicit_bias::report;
use implicit_bias::run::{checkpoints, RunOptions, RunStatus, Runner};
use implicit_bias::scalar::{Dd, Precision, Scalar};
use implicit_bias::stepsize::check_step;
use rug::{Float, Rational};
use std::cmp::Ordering;

/// Below this precision the rounding of `η` and of the data can by itself break the
/// §8.1 conditions (they have only ~0.3 % slack: `(c/2)e^c < 1` needs `c < 0.8526`), so
/// monotonicity is asserted only from here on.
pub const MONOTONE_BITS: u32 = 40;

/// One decoded case.
#[derive(Clone, Debug)]
pub struct Case {
    /// The data (possibly with a direction projected out).
    pub data: Dataset,
    /// A direction in `span(Z)^⊥`, when one was projected out.
    pub v: Option<Vec<Rational>>,
    /// The loss.
    pub loss: Loss,
    /// The working precision.
    pub precision: Precision,
    /// Double-double arithmetic (`scalar::Dd`, 106 bits) instead of f64 (when `precision` is
    /// f64).
    pub dd: bool,
    /// GD with incremental exponentials (`GradientDescent::incremental`), with this
    /// resynchronisation period.
    pub incremental: Option<u64>,
    /// Number of steps.
    pub steps: u64,
    /// `w(0)`.
    pub init: Vec<Rational>,
    /// The step size.
    pub eta: Rational,
    /// Whether `check_step` accepts `eta` from `init` (theory §8.1).
    pub satisfied: bool,
}

impl Case {
    /// Decodes a case from bytes.
    pub fn from_bytes(bytes: &[u8]) -> Case {
        let mut b = Bytes::new(bytes);
        let loss = if b.bool() {
            Loss::Exponential
        } else {
            Loss::Logistic
        };
        let mut data = if b.bool() {
            planted(&mut b, 10, 5).data
        } else {
            raw(&mut b, 10, 5)
        };
        let v = if b.bool() {
            let v = orthogonal_direction(&mut b, data.dim());
            data = project_out(&data, &v);
            Some(v)
        } else {
            None
        };
        let precision = match b.below(4) {
            0 | 1 => Precision::F64,
            2 => Precision::Bits(MONOTONE_BITS + b.below(217) as u32),
            _ => Precision::Bits(2 + b.below(u64::from(MONOTONE_BITS) - 2) as u32),
        };
        let steps = 1 + b.below(300);
        let init: Vec<Rational> = if b.bool() {
            vec![Rational::new(); data.dim()]
        } else {
            (0..data.dim()).map(|_| b.small_rational(4, 4)).collect()
        };
        let w0f: Vec<f64> = init.iter().map(Rational::to_f64).collect();
        let eta = if b.bool() {
            // the largest power of two (from 2^10 down) that check_step accepts, times p/q ≤ 1
            let mut eta = Rational::from(1024);
            for _ in 0..80 {
                if check_step(&data, loss, &eta, &w0f).is_none() {
                    break;
                }
                eta /= 2;
            }
            let q = b.range(1, 16);
            let p = b.range(1, q);
            eta * Rational::from((p, q))
        } else {
            let mut e = b.wide_rational(6).abs();
            if e == 0 {
                e = Rational::from((1, 8));
            }
            e.min(Rational::from(1_000_000))
        };
        let satisfied = check_step(&data, loss, &eta, &w0f).is_none();
        // Decoded last, so that inputs written before these choices existed decode as before.
        let dd = precision == Precision::F64 && b.u8() >= 192;
        let incremental = (b.u8() >= 128).then(|| 1 + b.below(100));
        Case {
            data,
            v,
            loss,
            precision,
            dd,
            incremental,
            steps,
            init,
            eta,
            satisfied,
        }
    }

    /// Runs the case and asserts the invariants.
    pub fn check(&self) {
        match self.precision {
            // Double-double operations are accurate to "a few units of 2^-106": a factor 16
            // on the unit roundoff covers them.
            Precision::F64 if self.dd => self.go::<Dd>((), 16.0, Dd::MIN_POSITIVE),
            Precision::Dd => self.go::<Dd>((), 16.0, Dd::MIN_POSITIVE),
            Precision::F64 => self.go::<f64>((), 1.0, 0.0),
            Precision::Bits(p) => self.go::<Float>(p, 1.0, 0.0),
        }
    }

    /// `floor`: the smallest magnitude the arithmetic represents at full precision, when a
    /// product below it is NaN by design (double-double: `Dd::MIN_POSITIVE`); 0 otherwise.
    fn go<S: Scalar>(&self, ctx: S::Ctx, slack: f64, floor: f64) {
        let obj = Objective::<S>::new(&self.data, self.loss, ctx);
        let gd = match self.incremental {
            Some(r) => GradientDescent::<S>::incremental(&self.eta, ctx).with_resync(r),
            None => GradientDescent::<S>::new(&self.eta, ctx),
        };
        let w0: Vec<S> = self.init.iter().map(|q| S::from_rational(q, ctx)).collect();
        let (n, d) = (obj.n(), obj.d());
        let bits = S::bits(ctx);
        let u = slack * 2f64.powi(-(bits as i32));
        let mut monotone = self.satisfied && bits >= MONOTONE_BITS;
        // Whether a step from `w` forms a nonzero product within 2^64 of `floor` (a weight
        // times a coordinate, a coordinate times w_j, or η times a gradient coordinate,
        // estimated in f64): then a NaN is the arithmetic's documented range fault, an event
        // like underflow, not a broken invariant.
        let objf = Objective::<f64>::new(&self.data, self.loss, ());
        let near_floor = |w: &[S]| -> bool {
            if floor == 0.0 {
                return false;
            }
            let wf: Vec<f64> = w.iter().map(S::to_f64).collect();
            let mut sc = objf.scratch();
            let _ = objf.weights(&wf, &mut sc);
            let mut g = vec![0.0; d];
            let mut least = f64::INFINITY;
            let mut see = |x: f64| {
                if x != 0.0 && x.is_finite() {
                    least = least.min(x.abs());
                }
            };
            for (i, a) in sc.weights.iter().enumerate() {
                for (j, z) in objf.z(i).iter().enumerate() {
                    see(a * z);
                    see(z * wf[j]);
                    g[j] += a * z;
                }
            }
            g.iter().for_each(|gj| see(self.eta.to_f64() * gj));
            least < floor * 2f64.powi(64)
        };
        let eta = S::from_rational(&self.eta, ctx).to_f64();
        // The gradient the step computed, in S: cancellation between points can take it near
        // the floor (z = ±(3/2, 3/2), GD converging to its finite minimizer: g ≈ 2^-969)
        // where the f64 proxy of `near_floor` cancels to exactly 0.
        let grad_near_floor = |g: &[S]| -> bool {
            floor != 0.0
                && g.iter().any(|x| {
                    let v = (eta * x.to_f64()).abs();
                    v != 0.0 && v.is_finite() && v < floor * 2f64.powi(64)
                })
        };
        let az: Vec<Vec<f64>> = (0..n)
            .map(|i| obj.z(i).iter().map(|x| x.to_f64().abs()).collect())
            .collect();
        let absv: Vec<f64> = self
            .v
            .as_ref()
            .map(|v| v.iter().map(|q| q.to_f64().abs()).collect())
            .unwrap_or_default();
        let axis = self.v.as_ref().and_then(|v| {
            (v.iter().filter(|q| **q != 0).count() == 1).then(|| v.iter().position(|q| *q != 0))?
        });
        // M(w) = max_n Σ_j |z_nj||w_j|: the scale of the margins.
        let scale = |w: &[f64]| {
            az.iter()
                .map(|z| z.iter().zip(w).map(|(a, b)| a * b).sum::<f64>())
                .fold(0.0, f64::max)
        };
        // Error of a computed ln L: margins (d+1 roundings each, relative to M), then the
        // loss, the log-sum-exp and its logarithm (a few roundings each, relative to |ln L|
        // and to N). Generous constant 8.
        let eval_tol = |w: &[f64], ln: f64| {
            8.0 * u * ((d as f64 + 2.0) * scale(w) + ln.abs() + n as f64 + 4.0)
        };

        let mut st = State::new(&obj, w0.clone(), 0);
        gd.init(&obj, &mut st);
        let mut fresh = obj.scratch();
        let mut ln_prev = obj.ln_loss(&st.w);
        if monotone && !ln_prev.is_finite() {
            assert!(near_floor(&st.w), "ln L(w0) not finite under §8.1");
            monotone = false;
        }
        let mut orth_budget = 0.0f64;
        let mut orth_w: Option<Vec<S>> = None; // last iterate the ⟂ invariant applies to
        let mut nonfinite_at: Option<u64> = None;
        let mut expected = RunStatus::Completed;
        // The runner stops at the first checkpoint whose iterate is finite but has a NaN
        // ln L (double-double range), with the status of the step from that iterate, or
        // `NonFinite` there if that step succeeds.
        let cps = checkpoints(self.steps, self.base());
        let lnl_nan = |w: &[S]| {
            let l = obj.ln_loss(w);
            w.iter().all(S::is_finite) && l.partial_cmp_s(&l).is_none()
        };
        let mut runner_stop: Option<RunStatus> = None;
        for t in 0..self.steps {
            let before = st.w.clone();
            let nan_checkpoint =
                runner_stop.is_none() && cps.binary_search(&t).is_ok() && lnl_nan(&before);
            match gd.step(&obj, &mut st) {
                Ok(()) => {
                    if nan_checkpoint {
                        runner_stop = Some(RunStatus::NonFinite { at: t });
                    }
                    assert!(
                        nonfinite_at.is_none(),
                        "a step from a non-finite iterate returned Ok"
                    );
                    assert_eq!(st.t, t + 1);
                    // The weights at the previous iterate, computed afresh: the incremental
                    // path keeps its own (series-updated) copy, not in `scratch`.
                    let fresh_ok = obj.weights(&before, &mut fresh).is_ok();
                    let finite = st.w.iter().all(S::is_finite)
                        && st.grad.iter().all(S::is_finite)
                        && fresh.weights.iter().all(S::is_finite);
                    if monotone && !finite {
                        assert!(
                            near_floor(&before) || grad_near_floor(&st.grad),
                            "non-finite value at t={} under §8.1",
                            t + 1
                        );
                        monotone = false;
                    }
                    if !finite || !fresh_ok {
                        if !st.w.iter().all(S::is_finite) {
                            nonfinite_at = Some(t + 1);
                            expected = RunStatus::NonFinite { at: t + 1 };
                        }
                        if orth_w.is_none() {
                            orth_w = Some(before.clone());
                        }
                        continue;
                    }
                    let wb: Vec<f64> = before.iter().map(|x| x.to_f64().abs()).collect();
                    let g: Vec<f64> = st.grad.iter().map(|x| x.to_f64().abs()).collect();
                    let a: Vec<f64> = fresh.weights.iter().map(|x| x.to_f64().abs()).collect();
                    // Error of the computed −∇L in coordinate j: N+1 roundings (two per
                    // fused multiply-add for MPFR) of terms bounded by Σ_n |a_n z_nj|; for
                    // incremental GD also the drift of its cached weights, a few roundings
                    // per step between resynchronisations.
                    let drift = self.incremental.map_or(0.0, |r| 8.0 * (r as f64 + 1.0) * u);
                    let gamma = 2.0 * (n as f64 + 1.0) * u + drift;
                    let e: Vec<f64> = (0..d)
                        .map(|j| gamma * (0..n).map(|i| a[i] * az[i][j]).sum::<f64>())
                        .collect();
                    // Rounding of w + η g: at most 2u(|w| + η|g|) per coordinate.
                    let upd: Vec<f64> = (0..d).map(|j| 2.0 * u * (wb[j] + eta * g[j])).collect();
                    if orth_w.is_none() && !absv.is_empty() {
                        // v·Δw: the rounded data are off v^⟂ by u Σ_j|v_j||z_nj|, plus the
                        // gradient and update roundings above.
                        let data_err: f64 = (0..n)
                            .map(|i| a[i] * u * (0..d).map(|j| absv[j] * az[i][j]).sum::<f64>())
                            .sum();
                        let step_err: f64 = (0..d).map(|j| absv[j] * (eta * e[j] + upd[j])).sum();
                        let tiny = 1e-300 * absv.iter().sum::<f64>();
                        orth_budget += 1.01 * (eta * data_err + step_err) + tiny;
                    }
                    if let Some(j) = axis {
                        if orth_w.is_none() {
                            assert_eq!(
                                st.w[j].partial_cmp_s(&w0[j]),
                                Some(Ordering::Equal),
                                "coordinate {j} has a zero data column but moved at t={}",
                                t + 1
                            );
                        }
                    }
                    let mut ln_new = None;
                    if monotone {
                        let l = obj.ln_loss(&st.w);
                        if !l.is_finite() {
                            assert!(near_floor(&st.w), "ln L not finite at t={}", t + 1);
                            monotone = false;
                        } else {
                            ln_new = Some(l);
                        }
                    }
                    if let Some(ln_new) = ln_new {
                        let wa: Vec<f64> = st.w.iter().map(|x| x.to_f64().abs()).collect();
                        // ln L is 1-Lipschitz in the max-norm of the margins (for both
                        // losses, since −ℓ′ ≤ ℓ), so the gap between the computed iterate
                        // and the exact GD step from the previous one moves ln L by at most
                        // max_n Σ_j |z_nj| (η e_j + upd_j).
                        let pert = az
                            .iter()
                            .map(|z| (0..d).map(|j| z[j] * (eta * e[j] + upd[j])).sum::<f64>())
                            .fold(0.0, f64::max);
                        let (lp, ln) = (ln_prev.to_f64(), ln_new.to_f64());
                        let tol = eval_tol(&wb, lp) + eval_tol(&wa, ln) + 1.01 * pert + 1e-300;
                        // The increase is taken in S: rounding both values to f64 first
                        // would add f64's own rounding (2^-53) at higher precisions.
                        let mut rise = ln_new.clone();
                        rise.sub_assign(&ln_prev);
                        assert!(
                            rise.to_f64() <= tol,
                            "ln L increased at t={} by {:e}: {lp} -> {ln} (tolerance {tol:e}), \
                             step {} satisfies theory §8.1",
                            t + 1,
                            rise.to_f64(),
                            self.eta
                        );
                        ln_prev = ln_new;
                    }
                }
                Err(Event::Underflow { point }) => {
                    assert!(point < n);
                    assert_eq!(st.t, t, "an event must not count a step");
                    same_vec(&st.w, &before, "Underflow left a changed iterate");
                    expected = RunStatus::Underflow { at: t, point };
                    break;
                }
                Err(Event::NonFinite) => {
                    assert!(
                        !monotone || near_floor(&before),
                        "NonFinite event at t={t} under §8.1"
                    );
                    assert_eq!(st.t, t, "an event must not count a step");
                    same_vec(&st.w, &before, "NonFinite left a changed iterate");
                    if nonfinite_at.is_none() {
                        expected = RunStatus::NonFinite { at: t };
                    }
                    break;
                }
                // GD's step branches on no comparison, and f64/dd/MPFR decide every one
                Err(Event::Undecided) => panic!("GD's step was undecided at t={t}"),
            }
        }
        if let Some(v) = &self.v {
            let w_end = orth_w.as_ref().unwrap_or(&st.w);
            if orth_budget.is_finite() && w_end.iter().all(S::is_finite) {
                let mut drift = Rational::new();
                for ((a, b), vj) in w_end.iter().zip(&w0).zip(v) {
                    let (Some(a), Some(b)) = (a.to_rational(), b.to_rational()) else {
                        unreachable!("finite values are rational")
                    };
                    drift += (a - b) * vj;
                }
                let budget = Rational::from_f64(2.0 * orth_budget).unwrap_or_default();
                assert!(
                    drift.clone().abs() <= budget,
                    "v·(w(t) − w(0)) = {} exceeds the rounding bound {:e} (theory §8.2)",
                    drift.to_f64(),
                    2.0 * orth_budget
                );
            }
        }
        // The same rule at the last checkpoint, `steps`: stepping has no step left there, so
        // the step from it is tried on a copy.
        if runner_stop.is_none() && expected == RunStatus::Completed && lnl_nan(&st.w) {
            runner_stop = Some(match gd.step(&obj, &mut st.clone()) {
                Err(e) => RunStatus::of_event(e, st.t),
                Ok(()) => RunStatus::NonFinite { at: st.t },
            });
        }
        let expected = runner_stop.unwrap_or(expected);
        self.check_runner(&obj, &gd, w0, &st, expected);
    }

    /// The runner's checkpoint base, from the step count.
    fn base(&self) -> u64 {
        2 + self.steps % 9
    }

    /// `run` must reproduce the hand-stepped trajectory and report the same status; the
    /// report must render.
    fn check_runner<S: Scalar>(
        &self,
        obj: &Objective<S>,
        gd: &GradientDescent<S>,
        w0: Vec<S>,
        st: &State<S>,
        expected: RunStatus,
    ) {
        let opts = RunOptions {
            steps: self.steps,
            base: self.base(),
            progress: false,
            seed: 0,
        };
        let traj = Runner::new(obj, gd, &opts).run(w0);
        assert_eq!(traj.status, expected, "runner status differs from stepping");
        if expected == RunStatus::Completed {
            assert_eq!(traj.steps, self.steps);
            let last = traj.samples.last().expect("a completed run has samples");
            assert_eq!(last.t, self.steps);
            same_vec(&last.w, &st.w, "runner and stepping differ");
        }
        assert!(traj.samples.windows(2).all(|p| p[0].t < p[1].t));
        let rows = report::rows(obj, &traj);
        let table = report::render_table(&rows, 10);
        assert_eq!(table.lines().count(), rows.len() + 1);
        let json = report::rows_json(&rows);
        assert_eq!(json.as_array().map(Vec::len), Some(rows.len()));
        assert_eq!(gd.name(), "gd");
    }
}

fn same_vec<S: Scalar>(a: &[S], b: &[S], what: &str) {
    assert_eq!(a.len(), b.len(), "{what}");
    for (x, y) in a.iter().zip(b) {
        let same =
            x.partial_cmp_s(y) == Some(Ordering::Equal) || (!x.is_finite() && !y.is_finite());
        assert!(same, "{what}: {x:?} vs {y:?}");
    }
}

/// The invariant for one input.
pub fn check_gd_step(bytes: &[u8]) {
    Case::from_bytes(bytes).check();
}
