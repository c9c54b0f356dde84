//! Stiff initial-value problems at any precision: the linearly implicit Euler method with
//! polynomial extrapolation, adaptive in step size and order (the SEULEX scheme of Hairer &
//! Wanner, *Solving ODE II*, §IV.9), written once over [`Scalar`].
//!
//! One macro-step of size `H` from `(s0, y0)` fixes a matrix `J` (the system's Jacobian at
//! the start) and, for `n_j = j` substeps of size `h = H/n_j`, iterates
//! `(I − hJ)(y_{i+1} − y_i) = h f(s_i, y_i)`, giving `T_{j,1}`. This is a one-step method of
//! step `h` with a smooth increment for any fixed `J`, so its error has an asymptotic
//! expansion in powers of `h`, and the Aitken–Neville tableau
//! `T_{j,k+1} = T_{j,k} + (T_{j,k} − T_{j−1,k})/(n_j/n_{j−k} − 1)` has order `k`. The
//! difference `T_{j,j} − T_{j,j−1}` estimates the local error; the step is accepted with
//! `T_{j,j}` (local extrapolation). Every coefficient is a ratio of small integers, exact at
//! every precision, so the order (up to `OdeOptions::max_order`) can follow the precision:
//! an order-5 method with irrational coefficients would need 10⁵ steps to reach 10⁻³⁰.
//!
//! The system supplies its right-hand side and the linear solves with `I − hJ`, so this
//! module knows no linear algebra (docs/theory/flow.md derives the method's use for the
//! log-time gradient flow).

use crate::scalar::{lt, Scalar};

/// A system `dy/ds = f(s, y)`.
pub trait System<S: Scalar> {
    /// `out = f(s, y)`; `false` if a value is not finite.
    fn rhs(&mut self, s: &S, y: &[S], out: &mut [S]) -> bool;
    /// Fixes the matrix `J` (the Jacobian `∂f/∂y`, or a stable approximation of it) at
    /// `(s, y)` for the solves of the step that starts there; `false` if not finite.
    fn jacobian(&mut self, s: &S, y: &[S]) -> bool;
    /// `b ← (I − hJ)⁻¹ b` with the last `J`; `false` if the solve fails.
    fn solve(&mut self, h: &S, b: &mut [S]) -> bool;
}

/// Error control.
#[derive(Clone, Copy, Debug)]
pub struct OdeOptions {
    /// Local error tolerance `2^−tol_bits`, mixed: component `i` of the error estimate is
    /// measured against `tol·(1 + max(|y0_i|, |y1_i|))`.
    pub(crate) tol_bits: u32,
    /// Largest number of extrapolation columns (the largest order).
    pub(crate) max_order: usize,
    /// First trial step.
    pub(crate) h0: f64,
    /// Refuse to take more than this many steps (accepted and rejected).
    pub(crate) max_steps: u64,
}

/// Counts of one integration.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Stats {
    /// Accepted steps.
    pub accepted: u64,
    /// Rejected steps.
    pub(crate) rejected: u64,
    /// Right-hand-side evaluations.
    pub(crate) rhs: u64,
    /// Linear solves.
    pub(crate) solves: u64,
    /// Sum over the accepted steps of the scaled error estimate (`≤ 1` each): with the
    /// scale `tol·(1 + |y|)`, the local errors of the accepted values sum to at most
    /// `err_sum·tol·(1 + max |y|)` (up to the estimate's own accuracy).
    pub(crate) err_sum: f64,
    /// The order (columns) of the last accepted step.
    pub(crate) order: usize,
}

/// The state of an integration: where it is, and the step and order it will try next.
#[derive(Clone, Debug)]
pub(crate) struct Integrator<S: Scalar> {
    /// Current independent variable.
    pub(crate) s: S,
    /// Current state.
    pub(crate) y: Vec<S>,
    h: f64,
    k: usize,
    opts: OdeOptions,
    tol: S,
    /// Counts so far.
    pub(crate) stats: Stats,
}

/// `Λ_k = Σ_j |ℓ_j(0)|`, the factor by which extrapolating `k` columns (nodes `h/j`,
/// `j = 1..k`, polynomial in `h`) can amplify rounding errors of the `T_{j,1}`:
/// `|ℓ_j(0)| = j^{k−1}/((j−1)!(k−j)!)`. It grows like `3.4^k` (`Λ_6 ≈ 302`, `Λ_12 ≈ 4.6·10⁵`).
pub(crate) fn lebesgue(k: usize) -> f64 {
    let fact = |n: usize| (1..=n).map(|i| i as f64).product::<f64>();
    (1..=k)
        .map(|j| (j as f64).powi(k as i32 - 1) / (fact(j - 1) * fact(k - j)))
        .sum()
}

/// The largest order whose rounding amplification stays 16 times below a tolerance
/// `margin_bits` above the working precision: `log2 Λ_k + 4 ≤ margin_bits` (at least 2).
pub fn max_order_for(margin_bits: u32) -> usize {
    (2..=40)
        .take_while(|&k| lebesgue(k).log2() + 4.0 <= f64::from(margin_bits))
        .last()
        .unwrap_or(2)
}

/// Work of a macro-step with `j` columns, in right-hand-side evaluations (a solve counted as
/// one): `Σ_{i≤j} n_i` evaluations and as many solves.
fn work(j: usize) -> f64 {
    (j * (j + 1)) as f64
}

impl<S: Scalar> Integrator<S> {
    /// Starts at `(s0, y0)`.
    pub fn new(s0: S, y0: Vec<S>, opts: OdeOptions) -> Integrator<S> {
        let ctx = s0.ctx();
        let tol = S::from_rational(
            &rug::Rational::from((
                rug::Integer::from(1),
                rug::Integer::from(1) << opts.tol_bits,
            )),
            ctx,
        );
        let k = opts.max_order.clamp(2, 6);
        Integrator {
            s: s0,
            y: y0,
            h: opts.h0,
            k,
            opts,
            tol,
            stats: Stats::default(),
        }
    }

    /// Integrates to `target` (≥ the current `s`), landing on it exactly; or, when a stop
    /// was requested ([`crate::run::request_stop`]: SIGINT or SIGTERM in `ibias`), returns
    /// `Ok` before the next step, short of `target`.
    ///
    /// # Errors
    /// A one-line reason: the step size underflowed, the step limit was reached, or the
    /// right-hand side / the solves stayed non-finite.
    pub(crate) fn advance_to<Sys: System<S>>(
        &mut self,
        sys: &mut Sys,
        target: &S,
    ) -> Result<(), String> {
        let ctx = self.s.ctx();
        let dim = self.y.len();
        let kmax = self.opts.max_order.max(2);
        let mut f0 = vec![S::zero(ctx); dim];
        let mut f = vec![S::zero(ctx); dim];
        while lt(&self.s, target) {
            if crate::run::stop_requested() {
                return Ok(());
            }
            if self.stats.accepted + self.stats.rejected >= self.opts.max_steps {
                return Err(format!(
                    "more than {} steps before s = {}",
                    self.opts.max_steps,
                    target.to_decimal(6)
                ));
            }
            let rest = target.clone().sub(&self.s);
            let mut hs = S::from_f64(self.h, ctx);
            let landing = !lt(&hs, &rest);
            if landing {
                hs = rest.clone();
            }
            let h_used = hs.to_f64();
            if h_used.is_nan()
                || h_used <= 0.0
                || self.s.clone().add(&hs).partial_cmp_s(&self.s)
                    != Some(std::cmp::Ordering::Greater)
            {
                return Err(format!(
                    "the step size underflowed at s = {}",
                    self.s.to_decimal(8)
                ));
            }
            let ok = sys.jacobian(&self.s, &self.y) && sys.rhs(&self.s, &self.y, &mut f0);
            self.stats.rhs += 1;
            if !ok {
                return Err(format!(
                    "the right-hand side is not finite at s = {}",
                    self.s.to_decimal(8)
                ));
            }
            // rows of the tableau: previous and current
            let mut prev: Vec<Vec<S>> = Vec::new();
            let mut errs: Vec<f64> = vec![f64::INFINITY; kmax + 1];
            let mut accepted: Option<(usize, Vec<S>)> = None;
            let mut failed = false;
            let limit = (self.k + 1).min(kmax);
            for j in 1..=limit {
                let n = j;
                let mut hj = hs.clone();
                hj.div_assign(&S::from_f64(n as f64, ctx));
                let mut yi = self.y.clone();
                let mut si = self.s.clone();
                for i in 0..n {
                    let src: &[S] = if i == 0 {
                        &f0
                    } else {
                        self.stats.rhs += 1;
                        if !sys.rhs(&si, &yi, &mut f) {
                            failed = true;
                            break;
                        }
                        &f
                    };
                    let mut delta: Vec<S> = src.iter().map(|x| x.clone().mul(&hj)).collect();
                    self.stats.solves += 1;
                    if !sys.solve(&hj, &mut delta) {
                        failed = true;
                        break;
                    }
                    for (a, b) in yi.iter_mut().zip(&delta) {
                        a.add_assign(b);
                    }
                    si.add_assign(&hj);
                }
                if failed {
                    break;
                }
                let mut row = vec![yi];
                for k in 1..j {
                    // n_j/n_{j−k} − 1 = k/(n − k), formed at working precision
                    let r = S::from_f64(k as f64, ctx).div(&S::from_f64((n - k) as f64, ctx));
                    let next: Vec<S> = row[k - 1]
                        .iter()
                        .zip(&prev[k - 1])
                        .map(|(a, b)| a.clone().add(&a.clone().sub(b).div(&r)))
                        .collect();
                    row.push(next);
                }
                if j >= 2 {
                    let (hi, lo) = (&row[j - 1], &row[j - 2]);
                    let mut e = 0.0f64;
                    for ((a, b), y0) in hi.iter().zip(lo).zip(&self.y) {
                        let mut sc = linf(y0, a);
                        sc.mul_assign(&self.tol);
                        sc.add_assign(&self.tol);
                        let d = a.clone().sub(b).abs().div(&sc).to_f64();
                        e = if d.is_nan() { f64::INFINITY } else { e.max(d) };
                    }
                    errs[j] = e;
                    if e <= 1.0 && j + 1 >= self.k {
                        accepted = Some((j, row[j - 1].clone()));
                        break;
                    }
                }
                prev = row;
            }
            match accepted {
                Some((j, y1)) => {
                    self.stats.accepted += 1;
                    self.stats.err_sum += errs[j];
                    self.stats.order = j;
                    self.y = y1;
                    if landing {
                        self.s = target.clone();
                    } else {
                        self.s.add_assign(&hs);
                    }
                    // next order and step: least work per unit step among j−1, j
                    let fac = |e: f64, j: usize| -> f64 {
                        if e <= 0.0 {
                            4.0
                        } else {
                            (0.94 * (0.65 / e).powf(1.0 / j as f64)).clamp(0.1, 4.0)
                        }
                    };
                    let hj = h_used * fac(errs[j], j);
                    // work per unit step of the lower order (∞ where it has no estimate)
                    let w_lower = if j > 2 && errs[j - 1].is_finite() {
                        work(j - 1) / (h_used * fac(errs[j - 1], j - 1))
                    } else {
                        f64::INFINITY
                    };
                    let w_this = work(j) / hj;
                    // no gain from the last column: rounding, not truncation, dominates
                    let noisy = j > 2 && errs[j] >= 0.5 * errs[j - 1];
                    let (knew, hnew) = if noisy || w_lower < 0.9 * w_this {
                        (j - 1, h_used * fac(errs[j - 1], j - 1))
                    } else if j < kmax && (w_this < 0.9 * w_lower || fac(errs[j], j) >= 4.0) {
                        (j + 1, hj * work(j + 1) / work(j))
                    } else {
                        (j, hj)
                    };
                    self.k = knew;
                    // a landing step may have been shorter than the controller's proposal
                    self.h = if landing { hnew.max(self.h) } else { hnew };
                }
                None => {
                    self.stats.rejected += 1;
                    let e = errs[..=limit].iter().rev().find(|e| e.is_finite()).copied();
                    self.h = match e {
                        Some(e) if !failed => {
                            h_used * (0.94 * (0.65 / e).powf(1.0 / limit as f64)).clamp(0.05, 0.7)
                        }
                        _ => h_used * 0.25,
                    };
                }
            }
        }
        Ok(())
    }
}

/// `max(|a|, |b|)`.
fn linf<S: Scalar>(a: &S, b: &S) -> S {
    let (a, b) = (a.clone().abs(), b.clone().abs());
    if lt(&a, &b) {
        b
    } else {
        a
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// y' = −y + e^{−s}, y(0) = 1: y = (1 + s)e^{−s}, a decaying forcing towards a fixed
    /// point, like the log-time flow.
    struct Lin {
        j: f64,
    }
    impl System<f64> for Lin {
        fn rhs(&mut self, s: &f64, y: &[f64], out: &mut [f64]) -> bool {
            out[0] = -y[0] + (-s).exp();
            true
        }
        fn jacobian(&mut self, _: &f64, _: &[f64]) -> bool {
            self.j = -1.0;
            true
        }
        fn solve(&mut self, h: &f64, b: &mut [f64]) -> bool {
            b[0] /= 1.0 - h * self.j;
            true
        }
    }

    #[test]
    fn rounding_amplification_of_the_tableau() {
        assert_eq!(lebesgue(2), 3.0);
        assert!((lebesgue(6) - 302.0).abs() < 1.0);
        assert_eq!(max_order_for(16), 8);
        assert_eq!(max_order_for(3), 2);
    }

    #[test]
    fn linear_problem_to_the_tolerance_with_few_steps() {
        let opts = OdeOptions {
            tol_bits: 37,
            max_order: max_order_for(16),
            h0: 1e-2,
            max_steps: 10_000,
        };
        let mut it = Integrator::new(0.0, vec![1.0], opts);
        let mut sys = Lin { j: 0.0 };
        for target in [1.0, 10.0, 1e3, 1e6] {
            it.advance_to(&mut sys, &target).unwrap();
            let exact = (1.0 + target) * (-target).exp();
            assert!(
                (it.y[0] - exact).abs() <= 1e-10 * (1.0 + exact.abs()),
                "s = {target}: {} vs {exact}",
                it.y[0]
            );
        }
        assert!(it.stats.accepted < 200, "{:?}", it.stats);
    }
}
